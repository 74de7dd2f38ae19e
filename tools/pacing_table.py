"""Pacing quality on the reference campaign: every mode and baseline, many seeds.

    python tools/pacing_table.py --seeds 20 --days 30 --out docs/pacing-quality.json
    python tools/pacing_table.py --render docs/pacing-quality.json > docs/pacing-quality.md

The reference campaign is shared/validation/pacing.md's (the Scenario defaults).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import outpace

POLICIES = ["predictive", "predictive_seizing", "progressive", "progressive_seizing", "ratio:2", "adaptive"]
AGENTS = [5, 10, 20, 50, 100, 500]


def run(seeds: int, days: int, out: Path, agents: list[int], policies: list[str], workers: int) -> None:
    rows = json.loads(out.read_text()) if out.exists() else []
    done = {(r["agents"], r["policy"]) for r in rows}
    for n in agents:
        for p in policies:
            if (n, p) in done:
                continue
            sc = outpace.Scenario(agents=n, days=days, seed=1)
            r = outpace.simulate(sc, p, seeds=seeds, workers=workers)
            row = {"agents": n, "policy": p, "seeds": seeds, "days": days, **r.summary(), "seconds": r.seconds, "events": r.events}
            rows.append(row)
            out.write_text(json.dumps(rows, indent=1))
            print(f"{n:4d} {p:20s} abandon {row['abandon_rate']:.2%} worst30 {row['worst_30_day_abandon']:.2%} busy {row['busy_factor']:.1%} ({r.seconds:.0f} s)", flush=True)


def render(path: Path) -> str:
    rows = json.loads(path.read_text())
    seeds, days = rows[0]["seeds"], rows[0]["days"]
    lines = [
        "| agents | policy | abandon | worst day | worst 30-day window | busy factor | agent wait per connect (s) | dials per agent-hour |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(rows, key=lambda r: (r["agents"], POLICIES.index(r["policy"]) if r["policy"] in POLICIES else 99)):
        lines.append(
            f"| {r['agents']} | {r['policy']} | {r['abandon_rate']:.2%} | {r['worst_day_abandon']:.2%} | "
            f"{r['worst_30_day_abandon']:.2%} | {r['busy_factor']:.1%} | {r['agent_wait']:.1f} | {r['dials_per_agent_hour']:.1f} |"
        )
    return f"{seeds} seeds x {days} days per row.\n\n" + "\n".join(lines) + "\n"


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--out", type=Path, default=Path("docs/pacing-quality.json"))
    ap.add_argument("--agents", type=int, nargs="+", default=AGENTS)
    ap.add_argument("--policies", nargs="+", default=POLICIES)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="threads for the seeds (default: every core)")
    ap.add_argument("--render", type=Path)
    a = ap.parse_args()
    if a.render:
        print(render(a.render), end="")
    else:
        print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {time.ctime()}")
        run(a.seeds, a.days, a.out, a.agents, a.policies, max(1, a.workers))
