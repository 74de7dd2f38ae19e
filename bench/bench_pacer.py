"""One predictive decision for a 100-agent group through Python, against the same
decision in plain Python (tests/reference_pacer.py), on the same state in the same run.

    python -m pytest bench/bench_pacer.py --benchmark-only --benchmark-columns=median,iqr,rounds
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from reference_pacer import decide  # noqa: E402
from steady_state import busy_group  # noqa: E402


@pytest.fixture(scope="module")
def state() -> tuple[object, float, dict[str, object]]:
    g, now = busy_group(agents=100, seed=2)
    g.peek(now)
    return g, now, g._g.snapshot()


@pytest.mark.benchmark(group="decision-100-agents")
def test_outpace_decision_through_python(benchmark: object, state: tuple) -> None:  # type: ignore[type-arg]
    g, now, snap = state
    d = benchmark(g.peek, now)  # type: ignore[operator]
    assert d.calls == decide(snap)


@pytest.mark.benchmark(group="decision-100-agents")
def test_plain_python_decision(benchmark: object, state: tuple) -> None:  # type: ignore[type-arg]
    g, now, snap = state
    calls = benchmark(decide, snap)  # type: ignore[operator]
    assert calls == g.peek(now).calls
