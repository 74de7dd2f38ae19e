"""Simulator speed in events per second (dial, outcome, connect, talk end, wrap-up end) on
the reference campaign at 100 agents: outpace with Progressive and with Predictive (its
decision cost included) against the same model written with SimPy, in the same run.

    python -m pytest bench/bench_sim.py --benchmark-only --benchmark-columns=median,iqr,rounds

Events per second = events of one run / the median time of a run (printed per test).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import outpace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baselines import simpy_campaign  # noqa: E402

DAYS = 2


@pytest.mark.benchmark(group="simulator-100-agents")
@pytest.mark.parametrize("policy", ["progressive", "predictive"])
def test_outpace_simulator(benchmark: object, policy: str) -> None:
    sc = outpace.Scenario(agents=100, days=DAYS)
    result = benchmark.pedantic(outpace.simulate, args=(sc, policy), rounds=11, iterations=1)  # type: ignore[attr-defined]
    assert 0.74 < result.busy_factor < 0.99
    benchmark.extra_info["events"] = result.events  # type: ignore[attr-defined]
    if benchmark.stats is not None:  # type: ignore[attr-defined]  # None with --benchmark-disable
        benchmark.extra_info["events_per_second"] = result.events / benchmark.stats.stats.median  # type: ignore[attr-defined]


@pytest.mark.benchmark(group="simulator-100-agents")
def test_simpy_progressive(benchmark: object) -> None:
    result = benchmark.pedantic(simpy_campaign.run, kwargs={"agents": 100, "hours": 8.0 * DAYS / 2}, rounds=5, iterations=1)  # type: ignore[attr-defined]
    busy = result["work"] / (100 * 8.0 * 3600 * DAYS / 2)
    assert 0.7 < busy < 0.8  # progressive: about 75%
    benchmark.extra_info["events"] = result["events"]  # type: ignore[attr-defined]
    if benchmark.stats is not None:  # type: ignore[attr-defined]
        benchmark.extra_info["events_per_second"] = result["events"] / benchmark.stats.stats.median  # type: ignore[attr-defined]
