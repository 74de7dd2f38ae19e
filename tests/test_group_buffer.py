"""The campaign group's records live in its DialingBuffer: every call's end is reported
with its result and the treatments act on the records the group dials (retry after a
delay, next number, close; LIFO mode: one attempt)."""

from __future__ import annotations

import pytest

import outpace
from outpace import CampaignGroup, Dial, GroupSettings, Hold, Preview

RETRY = outpace.RecordOrigin.RETRY
LISTED = outpace.RecordOrigin.CALLING_LIST
INSERTED = outpace.RecordOrigin.INSERTED


def dials(actions: list[outpace.Action]) -> list[int]:
    return [a.record_id for a in actions if isinstance(a, Dial)]


def one_agent(**kw: object) -> CampaignGroup:
    g = CampaignGroup(GroupSettings(mode="progressive", **kw))  # type: ignore[arg-type]
    g.agent_ready(1, 0.0)
    return g


def test_busy_is_retried_after_its_delay_and_dialed_again() -> None:
    g = one_agent()
    g.add_records([1, 2])
    assert g.tick(1.0) == [Dial(1, 1, None)]
    g.call_failed(1, 10.0, "busy")  # default: retry in 300 s, 3 attempts
    assert g.tick(11.0) == [Dial(2, 2, None)]
    g.call_failed(2, 12.0, "no_answer")  # default: retry in 7200 s
    m = g.metrics()
    assert (m.records_waiting, m.records_retry, m.records_closed) == (2, 2, 0)
    assert g.tick(309.0) == []  # nothing due: no record to dial
    assert g.tick(310.0) == [Dial(3, 1, None)]  # the busy record, due again
    g.call_failed(3, 311.0, "busy")
    assert g.tick(611.0) == [Dial(4, 1, None)]
    g.call_failed(4, 612.0, "busy")  # third busy: attempts used up, one number: closed
    assert g.metrics().records_closed == 1
    assert g.tick(5000.0) == []
    assert g.tick(7212.0) == [Dial(5, 2, None)]  # the no-answer record


def test_lifo_mode_gives_one_attempt_and_closes() -> None:
    g = one_agent(lifo=True)
    g.insert_record(100, 0.0)
    assert g.tick(1.0) == [Dial(1, 100, None)]
    g.call_failed(1, 2.0, "busy")  # LIFO: no escalation, whatever the result
    m = g.metrics()
    assert (m.records_waiting, m.records_retry, m.records_closed) == (0, 0, 1)
    assert g.tick(10_000.0) == []
    assert g.stop(10_001.0) == []


def test_invalid_number_closes_a_record_with_one_number() -> None:
    g = one_agent()
    g.add_records([1, 2])
    assert g.tick(1.0) == [Dial(1, 1, None)]
    g.call_failed(1, 2.0, "invalid_number")  # next number: the record has no other, closed
    assert g.metrics().records_closed == 1
    assert g.tick(3.0) == [Dial(2, 2, None)]
    g.call_failed(2, 4.0, "invalid_number")
    assert g.tick(1e6) == []
    assert g.stop(1e6) == []


def test_machine_drop_and_answer_reach_their_treatments() -> None:
    g = CampaignGroup(GroupSettings(mode=outpace.DialingMode.PROGRESSIVE, tau=2.0, lines_per_agent=2.0))
    g.add_records([1, 2, 3, 4])
    g.agent_ready(1, 0.0)
    assert dials(g.tick(1.0)) == [1, 2]
    g.call_answered(1, 2.0, live=False)  # machine: retry in 3600 s
    assert g.call_answered(2, 3.0) == [outpace.Bridge(2, 1)]
    g.call_ended(2, 10.0)  # a connected call that ends: answer, closed
    g.agent_ready(1, 11.0)
    assert dials(g.tick(12.0)) == [3, 4]
    assert g.call_answered(3, 13.0) == [outpace.Bridge(3, 1)]
    assert g.call_answered(4, 13.0) == [Hold(4)]
    assert g.tick(16.0) == [outpace.Drop(4)]  # dropped: retry in 3600 s
    m = g.metrics()
    assert (m.records_retry, m.records_closed) == (2, 1)
    g.call_ended(3, 20.0)
    g.agent_ready(1, 21.0)
    assert g.stop(22.0) == [(1, RETRY), (4, RETRY)]  # by due time


def test_stop_returns_waiting_retries_and_nothing_twice() -> None:
    g = one_agent(lifo=True, tau=2.0)
    g.add_records([10, 11])
    g.insert_record(100, 0.0)
    assert g.tick(1.0) == [Dial(1, 100, None)]
    g.call_failed(1, 2.0, "busy")  # LIFO record: closed
    assert g.tick(3.0) == [Dial(2, 10, None)]
    g.call_failed(2, 4.0, "busy")  # list record in LIFO mode: one attempt too
    assert g.stop(5.0) == [(11, LISTED)]

    g = one_agent()
    g.add_records([10, 11])
    g.insert_record(100, 0.0)
    assert g.tick(1.0) == [Dial(1, 10, None)]
    g.call_failed(1, 2.0, "busy")
    assert g.stop(3.0) == [(10, RETRY), (11, LISTED), (100, INSERTED)]
    assert g.stop(4.0) == []
    assert g.metrics().records_waiting == 0


def test_results_after_stop_still_reach_the_buffer() -> None:
    g = one_agent()
    g.add_records([10, 11])
    assert g.tick(1.0) == [Dial(1, 10, None)]
    assert g.stop(2.0) == [(11, LISTED)]
    g.call_failed(1, 3.0, "busy")  # in flight when stopped: its retry is kept
    assert g.tick(1000.0) == []  # stopped: not dialed
    assert g.stop(1001.0) == [(10, RETRY)]


def test_a_record_inserted_while_in_flight_comes_back_after_its_call() -> None:
    g = one_agent(lifo=True)
    g.insert_record(7, 0.0)
    assert g.tick(1.0) == [Dial(1, 7, None)]
    g.insert_record(7, 2.0)  # a new attempt, taken when the call in flight ends
    with pytest.raises(ValueError, match="already waiting"):
        g.insert_record(7, 2.0)
    assert g.metrics().records_waiting == 1
    assert g.tick(3.0) == []  # the agent's line is busy; nothing else waits
    g.call_failed(1, 4.0, "no_answer")  # closed (LIFO), then the new insert goes in
    assert g.tick(5.0) == [Dial(2, 7, None)]

    g = one_agent()
    g.add_records([7])
    assert g.tick(1.0) == [Dial(1, 7, None)]
    g.insert_record(7, 2.0)
    g.call_failed(1, 3.0, "busy")  # a retry brings it back already: dialed once, not twice
    assert g.metrics().records_waiting == 1
    assert g.stop(4.0) == [(7, RETRY)]


def test_previewed_retry_skipped_keeps_its_origin() -> None:
    g = CampaignGroup(GroupSettings(mode=outpace.DialingMode.PULL_PREVIEW))
    g.add_records([5, 6])
    g.agent_ready(1, 0.0)
    assert g.pull(1, 1.0) == Preview(1, 5, 1)
    assert g.preview_dial(1, 2.0) == [Dial(1, 5, 1)]
    g.call_failed(1, 3.0, "busy")
    g.agent_ready(1, 4.0)
    assert g.pull(1, 5.0) == Preview(2, 6, 1)
    g.preview_skip(1, 6.0)
    assert g.pull(1, 303.0) == Preview(3, 5, 1)  # the retry is due: before the list
    g.preview_skip(1, 304.0)
    assert g.pull(1, 305.0) == Preview(4, 5, 1)
    assert g.stop(306.0) == [(6, LISTED), (5, RETRY)]  # the previewed record comes last


def test_bad_records_are_refused_with_the_field_named() -> None:
    g = one_agent(lifo=True)
    with pytest.raises(ValueError, match=r"insert_record: record_id must be >= 0 \(got -1\)"):
        g.insert_record(-1, 0.0)
    with pytest.raises(ValueError, match=r"add_records: record_ids\[1\] must be >= 0 \(got -5\)"):
        g.add_records([3, -5])
    assert g.metrics().records_waiting == 0  # the refused batch added nothing
    for record in range(1024):
        g.insert_record(record, 0.0)
    with pytest.raises(ValueError, match="LIFO buffer is full .*record 1024 was not taken"):
        g.insert_record(1024, 0.0)
    assert g.metrics().records_waiting == 1024
    assert len(g.stop(1.0)) == 1024


def test_lifo_cannot_change_on_a_running_group() -> None:
    g = one_agent()
    with pytest.raises(ValueError, match="lifo cannot change on a running group"):
        g.update_settings(g.settings.replace(lifo=True))
    assert g.settings.lifo is False


def test_a_list_record_added_while_in_flight_joins_the_list_after_its_call() -> None:
    g = one_agent()
    g.add_records([7])
    assert g.tick(1.0) == [Dial(1, 7, None)]
    g.add_records([8, 7])  # 7 is in flight: it joins the list when its call ends
    with pytest.raises(ValueError, match=r"record_ids\[0\] = 7 is already waiting"):
        g.add_records([7])
    assert g.metrics().records_waiting == 2
    g.call_failed(1, 2.0, "declined")  # closed: 7 goes to the end of the list
    assert g.tick(3.0) == [Dial(2, 8, None)]
    g.call_failed(2, 4.0, "declined")
    assert g.tick(5.0) == [Dial(3, 7, None)]


@pytest.mark.parametrize("seed", range(40))
def test_random_runs_never_dial_a_record_twice_at_once(seed: int) -> None:
    """Retries, re-inserts, previews and drops at random: a record is never in two calls at
    once, and stop() returns each record once and none in flight (except one inserted
    again while its call was in flight)."""
    import random

    rng = random.Random(seed)
    modes = ["predictive", "predictive_seizing", "progressive", "progressive_seizing", "push_preview", "pull_preview"]
    results = ["busy", "no_answer", "invalid_number", "network_failure", "declined", "fax"]
    g = CampaignGroup(GroupSettings(mode=rng.choice(modes), lifo=rng.random() < 0.5, history_length=5, seize_timeout=20.0))  # type: ignore[arg-type]
    g.add_records(range(1000, 1030))
    now = 0.0
    live: dict[int, int] = {}  # call -> record
    again: set[int] = set()
    for _ in range(300):
        now += rng.choice([0.0, 0.5, 1.0, 5.0, 100.0, 400.0])
        k, ident = rng.random(), rng.randint(0, 5)
        out: list[outpace.Action] = []
        try:
            if k < 0.15:
                out = g.agent_ready(ident, now)
            elif k < 0.2:
                out = g.agent_not_ready(ident, now)
            elif k < 0.4:
                out = g.tick(now)
            elif k < 0.5 and live:
                call, is_live = rng.choice(list(live)), rng.random() < 0.7
                out = g.call_answered(call, now, live=is_live)
                if not is_live:
                    del live[call]
            elif k < 0.6 and live:
                call = rng.choice(list(live))
                out = g.call_failed(call, now, rng.choice(results))
                del live[call]
            elif k < 0.7 and live:
                call = rng.choice(list(live))
                out = g.call_ended(call, now)
                del live[call]
            elif k < 0.75:
                p = g.pull(ident, now)
                out = [p] if p else []
            elif k < 0.8:
                out = g.preview_dial(ident, now)
            elif k < 0.85:
                g.preview_skip(ident, now)
            elif k < 0.95:
                record = rng.choice([5000 + ident, 1000 + ident])
                g.insert_record(record, now)
                if record in live.values():
                    again.add(record)
            else:
                out = g.place(ident % 3, now)
        except ValueError:
            continue
        for a in out:
            if isinstance(a, outpace.Drop):
                live.pop(a.call_id, None)
            if isinstance(a, Dial):
                assert a.record_id not in live.values()
                live[a.call_id] = a.record_id
    back = [r for r, _ in g.stop(now + 1)]
    assert len(back) == len(set(back))
    assert set(back) & set(live.values()) <= again


def test_a_host_refills_the_calling_list_in_batches() -> None:
    """records_wanted(): whole batches of 200 once fewer than 50 list records wait."""
    g = CampaignGroup(GroupSettings(mode="progressive", lines_per_agent=1.0))
    for agent in range(10):
        g.agent_ready(agent, 0.0)
    assert g.records_wanted() == 200  # nothing waits: one batch
    g.add_records(range(1, 201))
    assert g.records_wanted() == 0
    now, next_id, placed = 0.0, 201, 0
    while placed < 600:
        now += 1.0
        for a in g.tick(now):
            if isinstance(a, Dial):
                placed += 1
                g.call_failed(a.call_id, now, "invalid_number")  # closed: frees the line
        wanted = g.records_wanted()
        assert wanted in (0, 200)
        assert (wanted == 200) == (g.metrics().records_waiting < 50)
        if wanted:
            g.add_records(range(next_id, next_id + wanted))
            next_id += wanted
    assert next_id > 601  # the list was refilled batch by batch as it ran down
    g.stop(now + 1.0)
    assert g.records_wanted() == 0  # a stopped group wants nothing
