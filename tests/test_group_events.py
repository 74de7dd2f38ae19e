"""The event contract of CampaignGroup: actions returned, bad input refused, state kept."""

from __future__ import annotations

import pytest

import outpace
from outpace import Bridge, CampaignGroup, Dial, Drop, GroupSettings, Hold


def progressive(**kw: object) -> CampaignGroup:
    g = CampaignGroup(GroupSettings(mode="progressive", **kw))  # type: ignore[arg-type]
    g.add_records(range(1, 1001))
    return g


def test_settings_in_one_line_and_validated() -> None:
    s = GroupSettings(mode="predictive", goal="abandon_rate", goal_value=3.0, tau=2.0)
    assert s.mode is outpace.DialingMode.PREDICTIVE and s.goal is outpace.Goal.ABANDON_RATE
    with pytest.raises(ValueError, match=r"tau must be seconds in \[0, 60\]"):
        GroupSettings(tau=-1)
    with pytest.raises(ValueError, match="goal_value"):
        GroupSettings(goal="abandon_rate", goal_value=150)
    with pytest.raises(ValueError, match="mode must be one of"):
        GroupSettings(mode="turbo")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="switch_back_at"):
        GroupSettings(switch_to_progressive_at=3.1, switch_back_at=3.5)
    with pytest.raises(ValueError, match="lines_per_agent"):
        GroupSettings(lines_per_agent="2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="calls_per_minute"):
        GroupSettings(mode="power_ivr")


def test_progressive_flow_dial_answer_bridge_end() -> None:
    g = progressive()
    assert g.agent_ready(7, 0.0) == []
    dials = g.tick(1.0)
    assert dials == [Dial(1, 1, None)]
    assert g.tick(2.0) == []  # one agent, one call in flight
    assert g.call_answered(1, 12.0) == [Bridge(1, 7)]
    assert g.call_ended(1, 100.0) == []
    m = g.metrics()
    assert (m.dials, m.live_answers, m.connects, m.agents_wrap_up) == (1, 1, 1, 1)
    assert m.agent_wait == pytest.approx(12.0)
    assert g.agent_ready(7, 130.0) == []
    m = g.metrics()
    assert m.talk_time == pytest.approx(88.0) and m.wrap_time == pytest.approx(30.0)
    assert m.busy_factor == pytest.approx(118.0 / 130.0)


def test_answer_without_agent_is_held_then_dropped_after_tau() -> None:
    g = progressive()
    g.agent_ready(1, 0.0)
    g.tick(1.0)
    g.agent_not_ready(1, 2.0)  # the agent leaves with a call in flight
    assert g.call_answered(1, 10.0) == [Hold(1)]
    assert g.tick(11.0) == []  # 1 s held: still within tau = 2 s
    assert g.tick(12.0) == [Drop(1)]
    m = g.metrics()
    assert m.abandoned == 1 and m.abandon_rate == 1.0


def test_held_call_bridged_when_agent_comes_back_within_tau() -> None:
    g = progressive()
    g.agent_ready(1, 0.0)
    g.tick(1.0)
    g.agent_not_ready(1, 2.0)
    g.call_answered(1, 10.0)
    assert g.agent_ready(1, 11.5) == [Bridge(1, 1)]
    assert g.metrics().abandoned == 0
    # Too late: 2.5 s after the answer the call counts as abandoned and is dropped.
    g.call_ended(1, 20.0)
    g.agent_ready(1, 20.0)
    g.tick(21.0)
    g.agent_not_ready(1, 21.5)
    g.call_answered(2, 30.0)
    assert g.agent_ready(1, 32.5) == [Drop(2)]
    assert g.metrics().abandoned == 1


def test_failed_calls_and_machines_free_the_line() -> None:
    g = progressive()
    g.agent_ready(1, 0.0)
    assert g.tick(1.0) == [Dial(1, 1, None)]
    assert g.call_failed(1, 6.0, "busy") == []
    assert g.tick(7.0) == [Dial(2, 2, None)]
    assert g.call_answered(2, 15.0, live=False) == []  # answering machine: no agent needed
    assert g.tick(16.0) == [Dial(3, 3, None)]
    m = g.metrics()
    assert (m.failed, m.machines, m.live_answers) == (1, 1, 0)


@pytest.mark.parametrize(
    ("event", "needle"),
    [
        (lambda g: g.agent_not_ready(99, 5.0), "unknown agent id"),
        (lambda g: g.call_answered(42, 5.0), "unknown"),
        (lambda g: g.call_failed(42, 5.0, "busy"), "unknown"),
        (lambda g: g.call_ended(42, 5.0), "unknown"),
        (lambda g: g.tick(-1.0), "now must be"),
        (lambda g: g.tick(float("nan")), "now must be"),
        (lambda g: g.tick(1.0), "time order"),
        (lambda g: g.call_failed(1, 5.0, "exploded"), "result must be one of"),
        (lambda g: g.call_failed(1, 5.0, "answer"), "call_answered"),
        (lambda g: g.call_ended(1, 5.0), "never answered"),
        (lambda g: g.pull(1, 5.0), "pull_preview"),
        (lambda g: g.place(-1, 5.0), "calls must be"),
    ],
)
def test_bad_events_raise_and_leave_state_unchanged(event: object, needle: str) -> None:
    g = progressive()
    g.agent_ready(1, 0.0)
    g.tick(2.0)
    before = g.metrics()
    with pytest.raises(ValueError, match=needle):
        event(g)  # type: ignore[operator]
    assert g.metrics() == before
    # The group still works after the refused event.
    assert g.call_answered(1, 5.0) == [Bridge(1, 1)]


def test_call_answered_twice_is_refused() -> None:
    g = progressive()
    g.agent_ready(1, 0.0)
    g.tick(1.0)
    g.call_answered(1, 5.0)
    with pytest.raises(ValueError, match="already answered"):
        g.call_answered(1, 6.0)
    with pytest.raises(ValueError, match="talking"):
        g.agent_ready(1, 7.0)


def test_repeated_ready_and_not_ready_are_no_ops() -> None:
    g = progressive()
    g.agent_ready(1, 0.0)
    assert g.agent_ready(1, 1.0) == []
    g.agent_not_ready(1, 2.0)
    assert g.agent_not_ready(1, 3.0) == []
    assert g.metrics().agents_not_ready == 1


def test_agent_leaving_during_a_call_goes_not_ready_after_wrap_up() -> None:
    g = progressive()
    g.agent_ready(1, 0.0)
    g.tick(1.0)
    g.call_answered(1, 5.0)
    g.agent_not_ready(1, 10.0)  # asks for a break during the call
    g.call_ended(1, 60.0)
    assert g.metrics().agents_wrap_up == 1
    g.agent_ready(1, 80.0)  # wrap-up over: the break starts
    m = g.metrics()
    assert m.agents_not_ready == 1 and m.agents_ready == 0


def test_stop_returns_every_record_not_dialed() -> None:
    g = CampaignGroup(GroupSettings(mode="progressive", lifo=True))
    g.add_records([10, 11, 12])
    g.insert_record(100, 0.0)
    g.insert_record(101, 0.0)
    g.agent_ready(1, 0.0)
    assert g.tick(1.0) == [Dial(1, 101, None)]  # LIFO: newest inserted first
    records = g.stop(2.0)
    assert records == [
        (100, outpace.RecordOrigin.INSERTED),
        (10, outpace.RecordOrigin.CALLING_LIST),
        (11, outpace.RecordOrigin.CALLING_LIST),
        (12, outpace.RecordOrigin.CALLING_LIST),
    ]
    assert g.tick(3.0) == []  # stopped: no more dials
    assert g.call_answered(1, 4.0) == [Bridge(1, 1)]  # calls already placed go on


def test_inserted_records_keep_list_order_outside_lifo() -> None:
    g = CampaignGroup(GroupSettings(mode="progressive", lines_per_agent=3.0))
    g.add_records([10, 11])
    g.insert_record(100, 0.0)
    g.agent_ready(1, 0.0)
    assert [a.record_id for a in g.tick(1.0) if isinstance(a, Dial)] == [10, 11, 100]


def test_dialer_ticks_many_groups() -> None:
    d = outpace.Dialer()
    groups = [d.add(GroupSettings(mode="progressive")) for _ in range(50)]
    for i, g in enumerate(groups):
        g.add_records(range(i * 100, i * 100 + 10))
        g.agent_ready(1, 0.0)
        if i % 2 == 0:
            g.agent_ready(2, 0.0)
    actions = d.actions(1.0)
    per_group = {}
    for index, action in actions:
        assert isinstance(action, Dial)
        per_group.setdefault(index, []).append(action.record_id)
    assert len(per_group) == 50
    for i, records in per_group.items():
        assert records == [i * 100 + j for j in range(2 if i % 2 == 0 else 1)]
    arr = d.tick(2.0)
    assert arr.dtype.names == ("group", "kind", "call_id", "record_id", "agent_id") and len(arr) == 0


def test_a_record_waiting_twice_is_refused() -> None:
    g = CampaignGroup(GroupSettings(mode="progressive"))
    g.add_records([1, 2])
    with pytest.raises(ValueError, match="already waiting"):
        g.insert_record(2, 0.0)
    with pytest.raises(ValueError, match=r"record_ids\[1\] = 3 is already waiting"):
        g.add_records([3, 3])
    assert g.metrics().records_waiting == 2  # the refused batch added nothing
    g.agent_ready(1, 0.0)
    assert g.tick(1.0) == [Dial(1, 1, None)]
    g.insert_record(1, 2.0)  # dialed already: it may come back (a new attempt)
