"""The campaign simulator in the preview modes (Push and Pull Preview).

An agent given a record looks at it for 5 s and dials it. Agents leave for breaks and at
the end of their shifts, which ends a preview still on screen (the group takes the record
back); an agent who has dialed stays on that call. Pull Preview: the simulator pulls for
each agent as soon as it is ready.
"""

from __future__ import annotations

import numpy as np
import pytest

import outpace
from outpace import CampaignGroup, Dial, GroupSettings, Preview, Scenario, Shift, simulate

MODES = ["push_preview", "pull_preview"]


def staggered_shifts(agents: int) -> tuple[Shift, ...]:
    """Six-hour shifts starting 0-30 min into the day, with a 15 min and a 30 min break."""
    out = []
    for i in range(agents):
        start = 600.0 * (i % 4)
        breaks = ((start + 7200.0, start + 8100.0), (start + 14400.0, start + 16200.0))
        out.append(Shift(start, start + 6 * 3600.0, breaks))
    return tuple(out)


SCENARIOS = {
    "all-day-5": dict(agents=5, days=2, seed=1),
    "all-day-20": dict(agents=20, days=2, seed=3),
    "shifts-12": dict(agents=12, days=3, seed=4, shifts=staggered_shifts(12)),
    "shifts-30": dict(agents=30, days=2, seed=9, shifts=staggered_shifts(30)),
    "shifts-inbound-8": dict(agents=8, days=3, seed=5, shifts=staggered_shifts(8), inbound_per_hour=30.0),
}


def totals(r: outpace.SimulationResult) -> dict[str, int]:
    return {k: int(r.days[k].sum()) for k in ("dials", "live_answers", "machines", "connects", "abandoned")}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("mode", MODES)
def test_preview_simulation_runs_and_the_books_balance(mode: str, name: str) -> None:
    sc = Scenario(**SCENARIOS[name])
    r = simulate(sc, mode)
    t = totals(r)
    assert t["dials"] > 100 * sc.agents * sc.days / 5, t
    assert t["connects"] > 0
    # One outcome per dial; a talk end and a wrap end per connect (nothing else counts).
    assert r.events == 2 * t["dials"] + 3 * t["connects"], (r.events, t)
    assert t["live_answers"] + t["machines"] <= t["dials"]
    # Every preview call has its agent waiting: each live answer is connected, none dropped.
    assert t["abandoned"] == 0
    assert t["connects"] == t["live_answers"]
    assert r.abandon_rate == 0.0
    # About p_live (0.30) of the dials are answered live.
    assert t["live_answers"] / t["dials"] == pytest.approx(0.30, abs=0.03)
    # Like Progressive (75% busy here) plus 5 s looking at each record: about 70% busy
    # (180 / (180 + 59.9 + 5 / 0.3)); inbound calls take agents' time besides.
    if sc.inbound_per_hour == 0.0:
        assert 0.64 <= r.busy_factor <= 0.76, r.busy_factor
    else:
        assert 0.35 <= r.busy_factor <= 0.76, r.busy_factor


@pytest.mark.parametrize("mode", MODES)
def test_preview_is_a_little_slower_than_progressive(mode: str) -> None:
    sc = Scenario(agents=20, days=3, seed=2, shifts=staggered_shifts(20))
    prev = simulate(sc, mode)
    prog = simulate(sc, "progressive")
    assert prog.busy_factor - 0.08 < prev.busy_factor < prog.busy_factor
    assert prev.dials_per_agent_hour < prog.dials_per_agent_hour


@pytest.mark.parametrize("mode", MODES)
def test_default_scenarios_over_seeds_run(mode: str) -> None:
    # Push Preview raised "preview_dial: agent has no record to preview" in most of these
    # (an agent still looking at a record when its day ended), and Pull Preview dialed nothing.
    for agents in (3, 10, 25):
        for seed in range(1, 6):
            r = simulate(Scenario(agents=agents, days=2, seed=seed), mode)
            t = totals(r)
            assert t["dials"] > 0 and t["connects"] == t["live_answers"] > 0, (agents, seed, t)
            assert r.events == 2 * t["dials"] + 3 * t["connects"]


@pytest.mark.parametrize("mode", MODES)
def test_preview_runs_are_deterministic(mode: str) -> None:
    sc = Scenario(agents=10, days=2, seed=6, shifts=staggered_shifts(10))
    a, b = simulate(sc, mode), simulate(sc, mode)
    assert a.events == b.events
    for key in a.days:
        np.testing.assert_array_equal(a.days[key], b.days[key])


def test_push_and_pull_agree_within_noise() -> None:
    sc = Scenario(agents=20, days=3, seed=8, shifts=staggered_shifts(20))
    push, pull = simulate(sc, "push_preview"), simulate(sc, "pull_preview")
    assert pull.busy_factor == pytest.approx(push.busy_factor, abs=0.03)
    assert pull.dials_per_agent_hour == pytest.approx(push.dials_per_agent_hour, rel=0.08)


def test_group_takes_a_preview_back_from_an_agent_who_leaves() -> None:
    """The contract the simulator follows: once the agent is not ready its preview is
    over, preview_dial is an error, and the record goes to the next agent."""
    g = CampaignGroup(GroupSettings(mode="push_preview"))
    g.add_records([5, 6])
    assert g.agent_ready(1, 0.0) == [Preview(1, 5, 1)]
    g.agent_not_ready(1, 2.0)
    with pytest.raises(ValueError, match="no record to preview"):
        g.preview_dial(1, 5.0)
    assert g.agent_ready(2, 6.0) == [Preview(2, 5, 2)]  # the record came back, first in line
    assert g.preview_dial(2, 11.0) == [Dial(2, 5, 2)]
    assert g.metrics().agents_reserved == 1
