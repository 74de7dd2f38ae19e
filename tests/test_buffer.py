"""DialingBuffer from Python, one call at a time: order, treatments, preview, stop, the
calling-list refill, and the errors bad input gives."""

from __future__ import annotations

import math

import numpy as np
import pytest

from outpace import (
    CallResult,
    RecordToDial,
    DialingBuffer,
    Outcome,
    RecordSource,
    ReturnedRecord,
    Treatment,
    TreatmentAction,
    default_treatments,
)


def ids(dials: list[RecordToDial]) -> list[int]:
    return [d.record_id for d in dials]


def test_lifo_inserts_come_first_most_recent_on_top() -> None:
    buf = DialingBuffer(lifo_mode=True, calling_list=[100, 101, 102])
    assert buf.insert(1) and buf.insert(2)
    first = buf.next_records(0.0, 2)
    assert first == [RecordToDial(2, 0, RecordSource.LIFO_INSERT), RecordToDial(1, 0, RecordSource.LIFO_INSERT)]
    buf.insert(3)
    buf.insert(4)
    assert ids(buf.next_records(1.0, 1)) == [4]
    buf.insert(5)  # the newest goes ahead of 3, older and not yet attempted
    rest = buf.next_records(2.0, 10)
    assert ids(rest) == [5, 3, 100, 101, 102]
    assert rest[2].source is RecordSource.CALLING_LIST


def test_outside_lifo_mode_inserts_join_the_list_order() -> None:
    buf = DialingBuffer()
    buf.add_list_records([100, 101])
    assert buf.insert(7)
    buf.add_list_records(np.array([102], dtype=np.uint64))
    assert ids(buf.next_records(0.0, 10)) == [100, 101, 7, 102]


def test_full_lifo_refuses() -> None:
    buf = DialingBuffer(lifo_mode=True, lifo_capacity=2)
    assert [buf.insert(i) for i in (1, 2, 3)] == [True, True, False]


def test_lifo_mode_gives_one_attempt() -> None:
    buf = DialingBuffer(lifo_mode=True)
    buf.insert(1, phones=3)
    buf.next_records(0.0, 1)
    assert buf.report(1, CallResult.BUSY, 1.0) == Outcome(TreatmentAction.CLOSE, 1.0, 0, 1)
    assert buf.next_records(1e9, 5) == []


def test_treatments_retry_then_next_number_then_close() -> None:
    buf = DialingBuffer(treatments={CallResult.BUSY: Treatment.retry(60, 2)})
    buf.add_list_records([100], phones=[2])
    buf.next_records(0.0, 1)
    assert buf.report(100, CallResult.BUSY, 10.0) == Outcome(TreatmentAction.RETRY, 70.0, 0, 1)
    assert buf.next_records(69.0, 1) == []
    assert buf.next_records(70.0, 1) == [RecordToDial(100, 0, RecordSource.RETRY)]
    assert buf.report(100, CallResult.BUSY, 71.0) == Outcome(TreatmentAction.NEXT_NUMBER, 71.0, 1, 0)
    assert buf.next_records(71.0, 1) == [RecordToDial(100, 1, RecordSource.RETRY)]
    assert buf.report(100, CallResult.NO_ANSWER, 72.0) == Outcome(TreatmentAction.RETRY, 7272.0, 1, 1)
    buf.next_records(7272.0, 1)
    assert buf.report(100, CallResult.INVALID_NUMBER, 7273.0).action is TreatmentAction.CLOSE
    assert buf.counts().retry == 0


def test_default_treatments_match_the_documented_table() -> None:
    t = default_treatments()
    assert set(t) == set(CallResult)
    assert t[CallResult.BUSY] == Treatment.retry(300, 3)
    assert t[CallResult.NO_ANSWER] == Treatment.retry(7200, 3)
    assert t[CallResult.INVALID_NUMBER] == Treatment.next_number()
    assert t[CallResult.ANSWER] == Treatment.close()


def test_report_accepts_plain_integers_for_results() -> None:
    buf = DialingBuffer()
    buf.add_list_records([1])
    buf.next_records(0.0, 1)
    assert buf.report(1, int(CallResult.ANSWER), 0.0).action is TreatmentAction.CLOSE


def test_calling_list_is_read_lazily_in_batches() -> None:
    read: list[int] = []

    def calling_list() -> object:
        for i in range(1, 1001):
            read.append(i)
            yield (i, 2) if i % 2 else i

    buf = DialingBuffer(list_batch=10, refill_below=3, calling_list=calling_list())  # type: ignore[arg-type]
    assert read == []
    assert buf.list_wanted() == 10
    first = buf.next_records(0.0, 1)
    assert first == [RecordToDial(1, 0, RecordSource.CALLING_LIST)]
    assert len(read) == 10  # one batch
    assert buf.counts().list == 9
    assert buf.list_wanted() == 0
    assert buf.list_wanted(need=25) == 20  # the shortfall of 16, in whole batches
    got = ids(first) + ids(buf.next_records(0.0, 9))
    assert len(read) == 10  # enough were waiting
    got += ids(buf.next_records(0.0, 25))
    assert len(read) == 40
    assert buf.counts().list == 5
    second = buf.next_records(0.0, 2000)
    assert second[0] == RecordToDial(36, 0, RecordSource.CALLING_LIST)
    assert len(read) == 1000
    assert second[1] == RecordToDial(37, 0, RecordSource.CALLING_LIST)
    assert [d.record_id for d in second if d.record_id % 2] == list(range(37, 1001, 2))
    got += ids(second)
    assert got == list(range(1, 1001))
    assert buf.next_records(0.0, 5) == []
    assert buf.stop() == []


def test_preview_push_pull_dial_and_skip() -> None:
    buf = DialingBuffer(lifo_mode=True, calling_list=[100, 101])
    buf.insert(1)
    given = buf.push_preview([7, 8, 7], 0.0)
    assert [(g.agent_id, g.dial.record_id) for g in given] == [(7, 1), (8, 100)]
    with pytest.raises(ValueError, match="agent_id 8 already previews record 100"):
        buf.pull_preview(8, 0.0)
    buf.preview_skip(8)
    buf.insert(2)
    buf.preview_skip(7)  # back on top, above 2
    assert buf.pull_preview(9, 1.0) == RecordToDial(1, 0, RecordSource.LIFO_INSERT)
    assert buf.preview_dial(9) == RecordToDial(1, 0, RecordSource.LIFO_INSERT)
    assert buf.counts().in_flight == 1
    assert ids(buf.next_records(2.0, 5)) == [2, 100, 101]
    assert buf.pull_preview(9, 3.0) is None
    with pytest.raises(ValueError, match="agent_id 9 previews no record"):
        buf.preview_dial(9)


def test_stop_returns_every_record_not_dialed() -> None:
    buf = DialingBuffer(lifo_mode=True, calling_list=[100, 101, (102, 3), 103])
    buf.next_records(0.0, 2)  # 100, 101 in flight
    buf.insert(1)
    buf.insert(2)
    assert buf.pull_preview(9, 1.0) == RecordToDial(2, 0, RecordSource.LIFO_INSERT)
    back = buf.stop()
    assert back == [
        ReturnedRecord(1, RecordSource.LIFO_INSERT, 0, 1, 0, None, None),
        ReturnedRecord(2, RecordSource.LIFO_INSERT, 0, 1, 0, None, 9),
        ReturnedRecord(102, RecordSource.CALLING_LIST, 0, 3, 0, None, None),
        ReturnedRecord(103, RecordSource.CALLING_LIST, 0, 1, 0, None, None),
    ]
    assert buf.stop() == []
    assert buf.next_records(5.0, 5) == []  # the calling list is not read after a stop
    assert buf.report(101, CallResult.ANSWER, 5.0).action is TreatmentAction.CLOSE
    assert buf.counts().in_flight == 1


def test_stop_returns_retries_with_their_due_time() -> None:
    buf = DialingBuffer()
    buf.add_list_records([5])
    buf.next_records(0.0, 1)
    buf.report(5, CallResult.BUSY, 2.0)
    (back,) = buf.stop()
    assert back == ReturnedRecord(5, RecordSource.RETRY, 0, 1, 1, 302.0, None)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lifo_capacity": 0}, "lifo_capacity must be from 1"),
        ({"lifo_capacity": -5}, "lifo_capacity must be >= 0"),
        ({"list_batch": 0}, "list_batch must be >= 1"),
        ({"refill_below": -1}, "refill_below must be >= 0"),
        ({"treatments": {CallResult.BUSY: Treatment.retry(-1, 3)}}, r"treatments\[Busy\].delay must be a finite"),
        ({"treatments": {CallResult.BUSY: Treatment.retry(math.nan, 3)}}, r"treatments\[Busy\].delay"),
        ({"treatments": {CallResult.FAX: Treatment.retry(5, 0)}}, r"treatments\[Fax\].max_attempts must be >= 1"),
        ({"treatments": {CallResult.FAX: Treatment.retry(5, -2)}}, r"treatments\[Fax\].max_attempts must be >= 0"),
        ({"treatments": {42: Treatment.close()}}, "42 is not a CallResult"),
        ({"treatments": {CallResult.FAX: (0, 1.0, 1)}}, r"treatments\[FAX\] must be a Treatment"),
    ],
)
def test_bad_settings_name_the_field(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DialingBuffer(**kwargs)  # type: ignore[arg-type]


def test_bad_time_raises_and_changes_nothing() -> None:
    buf = DialingBuffer(calling_list=[1, 2])
    for bad in (-1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="now must be a finite number of seconds >= 0"):
            buf.next_records(bad, 1)
    assert ids(buf.next_records(10.0, 1)) == [1]
    with pytest.raises(ValueError, match=r"now must not go backwards \(got 9 after 10\)"):
        buf.next_records(9.0, 1)
    with pytest.raises(ValueError, match="backwards"):
        buf.report(1, CallResult.BUSY, 9.5)
    assert buf.counts().in_flight == 1
    assert buf.counts().list == 1
    assert buf.report(1, CallResult.BUSY, 10.0).action is TreatmentAction.RETRY


def test_bad_records_and_results() -> None:
    buf = DialingBuffer()
    buf.add_list_records([1, 2])
    with pytest.raises(ValueError, match="record_id 1 is not in flight"):
        buf.report(1, CallResult.BUSY, 0.0)
    buf.next_records(0.0, 1)
    with pytest.raises(ValueError, match="result must be a CallResult"):
        buf.report(1, 99, 0.0)
    with pytest.raises(ValueError, match=r"record_ids\[1\]: record 2 is already in the buffer"):
        buf.add_list_records([3, 2])
    with pytest.raises(ValueError, match=r"record_ids\[0\] must be >= 0"):
        buf.add_list_records([-3])
    with pytest.raises(ValueError, match=r"phones\[1\] must be >= 1"):
        buf.add_list_records([3, 4], phones=[1, 0])
    with pytest.raises(ValueError, match="phones must have one entry per record"):
        buf.add_list_records([3, 4], phones=[1])
    with pytest.raises(ValueError, match="record 1 is already in the buffer"):
        buf.insert(1)
    with pytest.raises(ValueError, match="record_id must be >= 0"):
        buf.insert(-1)
    with pytest.raises(ValueError, match="phones must be >= 1"):
        buf.insert(5, phones=0)
    assert buf.counts().list == 1
    buf.report(1, CallResult.ANSWER, 1.0)
    with pytest.raises(ValueError, match="already reported"):
        buf.report(1, CallResult.ANSWER, 1.0)


def test_duplicate_lifo_insert_is_dialed_once() -> None:
    buf = DialingBuffer(lifo_mode=True)
    buf.insert(1)
    buf.insert(1)
    assert ids(buf.next_records(0.0, 5)) == [1]
    assert buf.counts().duplicates_dropped == 1


def test_return_undialed_puts_a_record_back_where_it_came_from() -> None:
    buf = DialingBuffer(lifo_mode=True)
    buf.add_list_records([10, 11])
    buf.insert(1)
    assert buf.available(0.0) == 3
    assert ids(buf.next_records(0.0, 2)) == [1, 10]
    assert buf.available(0.0) == 1
    buf.return_undialed(10)  # front of the list again
    buf.return_undialed(1)  # top of the LIFO stack again
    assert buf.counts().in_flight == 0
    assert ids(buf.next_records(0.0, 3)) == [1, 10, 11]
    with pytest.raises(ValueError, match="record_id 99 is not in flight"):
        buf.return_undialed(99)


def test_available_counts_retries_only_when_due() -> None:
    buf = DialingBuffer(treatments={CallResult.BUSY: Treatment.retry(60, 2)})
    buf.add_list_records([1, 2])
    buf.next_records(0.0, 1)
    buf.report(1, CallResult.BUSY, 0.0)
    assert buf.available(59.0) == 1
    assert buf.available(60.0) == 2
    assert ids(buf.next_records(60.0, 1)) == [1]
    buf.return_undialed(1)  # not dialed: no attempt counted
    assert ids(buf.next_records(61.0, 1)) == [1]
    assert buf.report(1, CallResult.BUSY, 61.0).action is TreatmentAction.CLOSE
