"""The pacing rules against the published cases in shared/validation/pacing.md."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

import outpace


def test_genesys_lines_per_agent_example(validation_dir: Path) -> None:
    text = (validation_dir / "pacing.md").read_text()
    assert "m = 0.7, 4 ready agents, 0 queued calls, 1 call dialing -> 1 new call" in text
    assert outpace.progressive_calls(0.7, ready=4, queued=0, dialing=1) == 1


@pytest.mark.parametrize(
    ("m", "ready", "queued", "dialing", "want"),
    [
        (1.0, 4, 0, 0, 4),
        (1.0, 4, 0, 3, 1),
        (1.0, 4, 1, 0, 3),
        (0.7, 4, 0, 0, 2),  # floor(2.8)
        (0.7, 4, 0, 2, 0),  # ceil(2 / 0.7) = 3 agents already covered
        (2.0, 3, 0, 2, 4),  # two lines per agent: 2 (3 - 1)
        (1.0, 2, 5, 0, 0),  # more calls waiting than agents: never negative
    ],
)
def test_progressive_formula(m: float, ready: int, queued: int, dialing: int, want: int) -> None:
    assert outpace.progressive_calls(m, ready, queued, dialing) == want


def _one_step_cases(validation_dir: Path) -> list[tuple[int, int, int, dict[int, float], int]]:
    text = (validation_dir / "pacing.md").read_text()
    section = text.split("## One-step probabilistic dial count")[1].split("##")[0]
    cases = []
    for line in section.splitlines():
        head = re.match(r"- n=(\d+), k=(\d+), m=(\d+): (.*)", line.strip())
        if not head:
            continue
        n, k, m, rest = int(head[1]), int(head[2]), int(head[3]), head[4]
        if "place nothing" in rest:
            risk = float(re.search(r"gives ([0-9.]+)", rest)[1])  # type: ignore[index]
            cases.append((n, k, m, {0: risk}, -1))
        else:
            xs = [int(x) for x in re.search(r"x = ([\d, ]+) give", rest)[1].split(",")]  # type: ignore[index]
            risks = [float(r) for r in re.search(r"give ([\d., ]+) ->", rest)[1].split(",")]  # type: ignore[index]
            want = int(re.search(r"-> x = (\d+)", rest)[1])  # type: ignore[index]
            cases.append((n, k, m, dict(zip(xs, risks)), want))
    assert len(cases) == 3
    return cases


def test_one_step_dial_counts(validation_dir: Path) -> None:
    """Samuelson-style rule: hit ratio 0.3, busy agents free within 15 s w.p. 1 - exp(-15/180)."""
    p = 1 - math.exp(-15 / 180)
    for n, k, m, risks, want in _one_step_cases(validation_dir):
        r = outpace.largest_safe_calls([0.3] * m, [p] * (n - k), new_call=0.3, free_now=k, theta=0.03)
        assert r.calls == want, (n, k, m)
        for x, risk in risks.items():
            assert r.risks[x] == pytest.approx(risk, abs=5e-6), (n, k, m, x)


def test_safe_calls_rejects_bad_probabilities() -> None:
    with pytest.raises(ValueError, match=r"answer\[1\]"):
        outpace.largest_safe_calls([0.3, 1.5], [], 0.3, 1, 0.03)
    with pytest.raises(ValueError, match="theta"):
        outpace.largest_safe_calls([], [], 0.3, 1, -0.1)
    with pytest.raises(ValueError, match="lines_per_agent"):
        outpace.progressive_calls(0.0, 1, 0, 0)


def test_more_free_agents_allow_more_calls() -> None:
    base = outpace.largest_safe_calls([0.3] * 4, [0.2] * 10, 0.3, 2, 0.03).calls
    more = outpace.largest_safe_calls([0.3] * 4, [0.2] * 10, 0.3, 4, 0.03).calls
    inbound = outpace.largest_safe_calls([0.3] * 4, [0.2] * 10, 0.3, 2, 0.03, demand_mean=1.0).calls
    assert more > base > inbound


def test_inbound_calls_shortfall_is_not_charged_to_the_answers() -> None:
    # Inbound calls are served first: the shortfall they cause on their own (here 8 expected
    # against about 10 agents coming free, none free now) is theirs, so dialing nothing
    # is still safe (before, even x = 0 broke the rule: calls == -1).
    r = outpace.largest_safe_calls([], [0.5] * 20, 0.3, 0, 0.03, demand_mean=8.0)
    assert r.calls == 0
    assert r.risks[0] == 0.0
