"""Every dialing mode and pacing option, through the event contract."""

from __future__ import annotations

import random

import pytest

import outpace
from outpace import Bridge, CampaignGroup, Dial, Drop, GroupSettings, Hold, Preview


def group(**kw: object) -> CampaignGroup:
    g = CampaignGroup(GroupSettings(**kw))  # type: ignore[arg-type]
    g.add_records(range(1, 100_001))
    return g


def dials(actions: list[outpace.Action]) -> list[Dial]:
    return [a for a in actions if isinstance(a, Dial)]


def test_progressive_with_lines_per_agent_through_the_group() -> None:
    g = group(mode="progressive", lines_per_agent=0.7)
    for a in range(4):
        g.agent_ready(a, 0.0)
    assert len(dials(g.tick(1.0))) == 2  # floor(0.7 * 4)
    g.call_failed(1, 2.0, "no_answer")  # 1 dialing, 4 ready: Genesys' example -> 1
    assert len(dials(g.tick(3.0))) == 1


def test_reserved_inbound_agents_are_not_dialed_for() -> None:
    g = group(mode="progressive", reserved_inbound_agents=2)
    for a in range(5):
        g.agent_ready(a, 0.0)
    assert len(dials(g.tick(1.0))) == 3


def test_progressive_seizing_binds_each_call_to_a_ready_agent() -> None:
    g = group(mode="progressive_seizing")
    for a in (10, 11):
        g.agent_ready(a, 0.0)
    placed = dials(g.tick(1.0))
    assert sorted(d.agent_id for d in placed if d.agent_id is not None) == [10, 11]
    assert g.metrics().agents_reserved == 2
    # The seized agent takes its own call even if another agent is idle longer.
    g.agent_ready(12, 1.5)
    first = placed[0]
    assert g.call_answered(first.call_id, 9.0) == [Bridge(first.call_id, first.agent_id)]  # type: ignore[arg-type]
    # A failed call frees its agent for the next dial.
    g.call_failed(placed[1].call_id, 10.0, "busy")
    assert g.metrics().agents_ready == 2


def test_seized_agent_released_after_timeout() -> None:
    g = group(mode="progressive_seizing", seize_timeout=30.0)
    g.agent_ready(1, 0.0)
    (d,) = dials(g.tick(1.0))
    g.tick(20.0)
    assert g.metrics().agents_reserved == 1
    assert dials(g.tick(32.0)) == []  # released; its call still rings, so no new one yet
    m = g.metrics()
    assert m.agents_reserved == 0 and m.agents_ready == 1 and m.calls_dialing == 1
    # Answered late, the call is no longer bound, and goes to whoever is free.
    g.agent_ready(2, 32.5)
    assert g.call_answered(d.call_id, 33.0) == [Bridge(d.call_id, 1)]


def trained_predictive(mode: str = "predictive", agents: int = 20, **kw: object) -> CampaignGroup:
    g = group(mode=mode, history_length=0, **kw)
    for a in range(agents):
        g.agent_ready(a, 0.0)
    return g


def test_predictive_dials_ahead_of_free_agents() -> None:
    g = trained_predictive()
    first = dials(g.tick(1.0))
    # 20 idle agents and nothing in flight: more calls than agents (hit ratio prior 0.25).
    assert len(first) > 20
    decision = g.last_decision()
    assert decision.calls == len(first)
    assert decision.expected_free_agents == pytest.approx(20.0)
    assert 0.0 <= decision.abandon_risk <= g.metrics().theta + 1e-9


def test_predictive_waits_for_history_before_trusting_its_statistics() -> None:
    g = group(mode="predictive", history_length=50)
    for a in range(20):
        g.agent_ready(a, 0.0)
    assert len(dials(g.tick(1.0))) == 20  # progressive until 50 live answers
    assert g.metrics().effective_mode is outpace.DialingMode.PROGRESSIVE


def test_predictive_seizing_engages_agents() -> None:
    g = trained_predictive("predictive_seizing", agents=3)
    placed = dials(g.tick(1.0))
    engaged = [d.agent_id for d in placed if d.agent_id is not None]
    assert len(placed) > 3  # predictive: more calls than agents
    assert sorted(engaged) == [0, 1, 2]  # every ready agent engaged, each for one call
    assert g.metrics().agents_reserved == 3


def test_average_outbound_call_duration_seeds_the_prediction() -> None:
    def free_expected(avg: float) -> float:
        g = trained_predictive(agents=10, average_outbound_call=avg)
        first = dials(g.tick(1.0))
        for d in first[:10]:
            g.call_answered(d.call_id, 13.0)  # ten agents now talking
        for d in first[10:]:
            g.call_failed(d.call_id, 13.0, "no_answer")
        g.tick(30.0)
        return g.last_decision().expected_free_agents

    short, long = free_expected(20.0), free_expected(1800.0)
    assert short > 0.1 and long < 0.01


def test_ignore_very_long_calls_stops_expecting_those_agents() -> None:
    def free_expected(ignore: float) -> float:
        g = trained_predictive(agents=2, ignore_calls_longer_than=ignore, average_outbound_call=60.0)
        first = dials(g.tick(1.0))
        g.call_answered(first[0].call_id, 2.0)
        g.call_answered(first[1].call_id, 2.0)
        for d in first[2:]:
            g.call_failed(d.call_id, 2.0, "busy")
        g.tick(600.0)  # both agents have talked almost ten minutes
        return g.last_decision().expected_free_agents

    assert free_expected(0.0) > 0.0
    assert free_expected(300.0) == 0.0


def test_inbound_calls_per_hour_lowers_outbound_dialing() -> None:
    quiet = len(dials(trained_predictive(agents=20).tick(1.0)))
    busy_inbound = len(dials(trained_predictive(agents=20, inbound_calls_per_hour=3000.0).tick(1.0)))
    assert busy_inbound < quiet


def test_small_group_mode_never_leaves_an_answer_without_an_agent() -> None:
    """Random event sequences on a tiny group: every live answer finds an agent."""
    rng = random.Random(7)
    for trial in range(30):
        g = group(mode="predictive", small_group_mode=True, small_group_threshold=5, history_length=0)
        agents = [0, 1, 2]
        now = 0.0
        for a in agents:
            g.agent_ready(a, now)
        in_flight: list[int] = []
        talking: dict[int, int] = {}
        wrapping: list[int] = []
        for _ in range(300):
            now += rng.uniform(0.1, 3.0)
            actions = g.tick(now)
            in_flight += [d.call_id for d in dials(actions)]
            assert not any(isinstance(a, Drop) for a in actions)
            r = rng.random()
            if in_flight and r < 0.5:
                call = in_flight.pop(rng.randrange(len(in_flight)))
                if rng.random() < 0.4:
                    out = g.call_answered(call, now)
                    assert len(out) == 1 and isinstance(out[0], Bridge), (trial, out)
                    talking[call] = out[0].agent_id
                else:
                    g.call_failed(call, now, "no_answer")
            elif talking and r < 0.75:
                call = rng.choice(list(talking))
                g.call_ended(call, now)
                wrapping.append(talking.pop(call))
            elif wrapping:
                g.agent_ready(wrapping.pop(0), now)
        assert g.metrics().abandoned == 0


def test_push_preview_hands_records_and_takes_decisions() -> None:
    g = CampaignGroup(GroupSettings(mode="push_preview"))
    g.add_records([5, 6, 7])
    assert g.agent_ready(1, 0.0) == [Preview(1, 5, 1)]
    assert g.tick(1.0) == []  # the agent already has a record
    g.preview_skip(1, 2.0)  # back to the front of the list
    assert g.tick(3.0) == [Preview(2, 5, 1)]
    assert g.preview_dial(1, 4.0) == [Dial(2, 5, 1)]
    assert g.call_answered(2, 10.0) == [Bridge(2, 1)]
    assert g.stop(11.0) == [(6, outpace.RecordOrigin.CALLING_LIST), (7, outpace.RecordOrigin.CALLING_LIST)]


def test_pull_preview_answers_the_agents_request() -> None:
    g = CampaignGroup(GroupSettings(mode="pull_preview"))
    g.add_records([5])
    g.agent_ready(1, 0.0)
    g.agent_ready(2, 0.0)
    assert g.tick(1.0) == []  # nothing is pushed
    assert g.pull(1, 2.0) == Preview(1, 5, 1)
    assert g.pull(2, 2.0) is None  # no record left
    with pytest.raises(ValueError, match="no record"):
        g.preview_dial(2, 3.0)
    assert g.stop(4.0) == [(5, outpace.RecordOrigin.CALLING_LIST)]  # still with agent 1


def test_power_ivr_paces_calls_per_minute_exactly() -> None:
    g = group(mode="power_ivr", calls_per_minute=30.0)
    times = []
    for k in range(1, 601):
        now = k * 0.5
        times += [now for _ in dials(g.tick(now))]
    assert len(times) == 30 * 5  # five minutes at 30 per minute
    gaps = {round(b - a, 9) for a, b in zip(times, times[1:])}
    assert gaps == {2.0}


def test_progressive_ivr_keeps_ports_busy() -> None:
    g = group(mode="progressive_ivr", ivr_ports=3)
    first = dials(g.tick(1.0))
    assert len(first) == 3
    assert g.call_answered(first[0].call_id, 5.0) == []  # the IVR takes it: no agent
    assert dials(g.tick(6.0)) == []  # all three ports still in use
    g.call_ended(first[0].call_id, 30.0)
    assert len(dials(g.tick(31.0))) == 1


def test_ivr_caller_asking_for_an_agent_is_bridged_or_waits() -> None:
    g = group(mode="progressive_ivr", ivr_ports=2)
    first = dials(g.tick(1.0))
    g.call_answered(first[0].call_id, 5.0)
    assert g.agent_requested(first[0].call_id, 20.0) == [Hold(first[0].call_id)]
    assert g.agent_ready(9, 25.0) == [Bridge(first[0].call_id, 9)]
    assert g.metrics().distribution_time == pytest.approx(5.0)


def test_predictive_ivr_respects_ports() -> None:
    g = group(mode="predictive_ivr", ivr_ports=4, history_length=0, goal="distribution_time", goal_value=20.0)
    for a in range(10):
        g.agent_ready(a, 0.0)
    assert 0 < len(dials(g.tick(1.0))) <= 4


def drive_answers(g: CampaignGroup, now: float, live: int, abandoned: int) -> float:
    """Feed live answers bridged to agent 0 and answers that no agent takes."""
    for _ in range(live):
        (d,) = dials(g.place(1, now))
        g.agent_ready(0, now)
        assert g.call_answered(d.call_id, now + 1) == [Bridge(d.call_id, 0)]
        g.call_ended(d.call_id, now + 2)
        now += 3
    for _ in range(abandoned):
        (d,) = dials(g.place(1, now))
        assert g.call_answered(d.call_id, now + 1) == [Hold(d.call_id)]
        assert Drop(d.call_id) in g.tick(now + 4)
        now += 5
    return now


def test_abandon_switch_moves_both_ways_without_flapping() -> None:
    g = group(mode="predictive", switch_to_progressive_at=3.1, switch_back_at=2.9, history_length=50)
    now = drive_answers(g, 0.0, live=60, abandoned=1)  # 1.6%: stays predictive
    g.tick(now)
    assert not g.metrics().switched_to_progressive
    now = drive_answers(g, now, live=0, abandoned=2)  # 3/63 = 4.8%
    g.tick(now)
    m = g.metrics()
    assert m.switched_to_progressive and m.effective_mode is outpace.DialingMode.PROGRESSIVE
    now = drive_answers(g, now, live=37, abandoned=0)  # 3/100 = 3.0%: between the thresholds
    g.tick(now)
    assert g.metrics().switched_to_progressive  # no flapping at 3.0
    now = drive_answers(g, now, live=4, abandoned=0)  # 3/104 = 2.88%
    g.tick(now)
    m = g.metrics()
    assert not m.switched_to_progressive and m.effective_mode is outpace.DialingMode.PREDICTIVE


def test_abandon_switch_waits_for_history() -> None:
    g = group(mode="predictive", switch_to_progressive_at=3.1, switch_back_at=2.9, history_length=50)
    now = drive_answers(g, 0.0, live=5, abandoned=5)  # 50% but only 10 live answers
    g.tick(now)
    assert not g.metrics().switched_to_progressive


def test_abandon_goal_lowers_theta_after_abandons_and_raises_it_after_answers() -> None:
    g = group(mode="predictive", history_length=0)
    theta0 = g.metrics().theta
    now = drive_answers(g, 0.0, live=0, abandoned=3)
    assert g.metrics().theta < theta0
    low = g.metrics().theta
    drive_answers(g, now, live=200, abandoned=0)
    assert g.metrics().theta > low


def test_busy_factor_goal_raises_theta_while_agents_idle() -> None:
    g = group(mode="predictive", goal="busy_factor", goal_value=95.0, history_length=10_000)
    for a in range(5):
        g.agent_ready(a, 0.0)
    theta0 = g.metrics().theta
    for k in range(1, 120):
        for d in dials(g.tick(float(k))):
            g.call_failed(d.call_id, float(k), "no_answer")
    assert g.metrics().theta > theta0


def test_agent_wait_goal_raises_theta_when_agents_wait_long() -> None:
    g = group(mode="predictive", goal="agent_wait_time", goal_value=5.0, history_length=10_000)
    theta0 = g.metrics().theta
    drive_answers(g, 0.0, live=0, abandoned=0)
    g.agent_ready(0, 0.0)
    (d,) = dials(g.place(1, 60.0))
    g.call_answered(d.call_id, 70.0)  # the agent waited 70 s
    assert g.metrics().theta > theta0


def test_uk_regime_subtracts_answering_machine_estimate() -> None:
    g = group(mode="predictive", compliance="uk")
    now = drive_answers(g, 0.0, live=97, abandoned=3)
    for _ in range(100):
        (d,) = dials(g.place(1, now))
        g.call_answered(d.call_id, now + 1, live=False)
        now += 2
    m = g.metrics()
    assert m.abandon_rate == pytest.approx(0.03)
    # am = 100 / (97 + 100); drops' = 3 (1 - am); rate = drops' / (97 + drops')
    am = 100 / 197
    want = 3 * (1 - am) / (97 + 3 * (1 - am))
    assert m.abandon_rate_window == pytest.approx(want)
