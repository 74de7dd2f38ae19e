"""The ContactCenters `Blend` example: the published means against outpace's simulator.

    python tools/blend_table.py --days 1000 --seed 1 --long-days 100000 > docs/blend-table.md

Prints a Markdown table: the published 1000-day mean and 95% interval, ours over the same
number of days (mean, standard error, whether it falls in the published interval), ours
given the published days' inbound arrivals (a control variate), and the model's mean over
a long run.
"""

from __future__ import annotations

import argparse
import math
import sys

import outpace

# ContactCenters, doc/examples/Blend.res (1000 days): mean, standard deviation, and the
# published 95% interval where it reports one (else mean +- t x sd / sqrt(1000)).
PUBLISHED: dict[str, tuple[float, float, tuple[float, float] | None]] = {
    "tried": (1109.040, 258.167, None),
    "reached": (321.896, 74.396, (317.279, 326.513)),
    "mismatches": (23.020, 7.609, (22.548, 23.492)),
    "outbound_served": (298.876, 68.318, (294.637, 303.115)),
    "inbound_arrivals": (848.592, 156.201, (838.899, 858.285)),
    "inbound_served": (843.477, 149.608, (834.193, 852.761)),
    "inbound_abandoned": (5.115, 9.985, (4.495, 5.735)),
    "service_level": (95.354, 6.894, None),
    "occupancy_inbound": (81.596, 7.447, (81.135, 82.058)),
    "occupancy_blend": (55.665, 6.900, (55.237, 56.092)),
    "occupancy_all": (70.514, 6.818, (70.091, 70.936)),
}
LABELS = {
    "tried": "tried outbound calls / day",
    "reached": "reached (right party) / day",
    "mismatches": "mismatches / day",
    "outbound_served": "outbound served / day",
    "inbound_arrivals": "inbound arrivals / day",
    "inbound_served": "inbound served / day",
    "inbound_abandoned": "inbound abandoned / day",
    "service_level": "service level (20 s), %",
    "occupancy_inbound": "occupancy inbound-only, %",
    "occupancy_blend": "occupancy blend, %",
    "occupancy_all": "occupancy all agents, %",
}
T_999 = 1.9623  # Student t, 999 degrees of freedom, 95%


def table(days: int, seed: int, long_days: int) -> str:
    r = outpace.simulate_blend(days=days, seed=seed)
    plain = r.estimates()
    given = r.estimates(given_arrivals=PUBLISHED["inbound_arrivals"][0])
    long = outpace.simulate_blend(days=long_days, seed=seed + 1).estimates() if long_days else None
    head = (
        f"| measure | published (1000 days), 95% CI | ours ({days} days) ± SE | in published CI "
        f"| ours given 848.592 arrivals ± SE |" + (f" model mean ({long_days} days) ± SE |" if long else "")
    )
    lines = [head, "|---" * (head.count("|") - 1) + "|"]
    for key, (mean, sd, ci) in PUBLISHED.items():
        lo, hi = ci if ci else (mean - T_999 * sd / math.sqrt(1000), mean + T_999 * sd / math.sqrt(1000))
        star = "" if ci else "*"
        o, g = plain[key], given[key]
        inside = "yes" if lo <= o.mean <= hi else "no"
        given_cell = "(given)" if key == "inbound_arrivals" else f"{g.mean:.3f} ± {g.se:.3f}"
        row = f"| {LABELS[key]} | {mean:.3f} ({lo:.3f}-{hi:.3f}){star} | {o.mean:.3f} ± {o.se:.3f} | {inside} | {given_cell} |"
        if long:
            row += f" {long[key].mean:.3f} ± {long[key].se:.3f} |"
        lines.append(row)
    share = plain["mismatch_share"]
    lines.append("")
    lines.append(
        f"Mismatches are {share.mean:.2f}% ± {share.se:.2f}% of reached calls (published 7.15%). "
        f"{r.events:,} events in {r.seconds:.2f} s for {days} days. "
        "\\* interval computed from the published standard deviation."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--days", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--long-days", type=int, default=0, help="also the model mean over this many days (0: no)")
    a = ap.parse_args(argv)
    print(table(a.days, a.seed, a.long_days))
    return 0


if __name__ == "__main__":
    sys.exit(main())
