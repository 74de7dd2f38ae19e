"""DialingBuffer against a plain-Python model of the record flow, under hypothesis.

The model keeps the buffer's parts in lists and dicts and applies the documented rules
(order of hand-out, treatments, LIFO one-attempt rule, preview skip, stop). Every
operation's result, every error and the counts must match, in LIFO mode and outside it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from outpace import (
    BufferCounts,
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

LIFO_CAPACITY = 3
TREATMENTS = {**default_treatments(), CallResult.NO_ANSWER: Treatment.retry(50.0, 2), CallResult.FAX: Treatment.next_number(20.0)}


@dataclass(frozen=True)
class Rec:
    record_id: int
    phones: int = 1
    phone: int = 0
    attempts: int = 0
    source: RecordSource = RecordSource.CALLING_LIST
    due: float = 0.0
    seq: int = 0

    def dial(self) -> RecordToDial:
        return RecordToDial(self.record_id, self.phone, self.source)

    def returned(self, agent: Optional[int] = None) -> ReturnedRecord:
        due = self.due if self.source is RecordSource.RETRY else None
        return ReturnedRecord(self.record_id, self.source, self.phone, self.phones, self.attempts, due, agent)


class Model:
    """The documented record flow, written as plainly as possible."""

    def __init__(self, lifo_mode: bool) -> None:
        self.lifo_mode = lifo_mode
        self.lifo: list[int] = []  # top at the end
        self.lifo_returned: list[int] = []
        self.list: list[Rec] = []
        self.retries: list[Rec] = []
        self.previewing: dict[int, Rec] = {}
        self.in_flight: dict[int, Rec] = {}
        self.now = 0.0
        self.seq = 0
        self.dropped = 0

    def live(self) -> set[int]:
        return (
            {r.record_id for r in self.list + self.retries}
            | {r.record_id for r in self.previewing.values()}
            | set(self.in_flight)
            | set(self.lifo_returned)
        )

    def check_time(self, now: float) -> None:
        if now < self.now:
            raise ValueError("backwards")
        self.now = now

    def insert(self, record_id: int, phones: int) -> bool:
        if self.lifo_mode:
            if len(self.lifo) >= LIFO_CAPACITY:
                return False
            self.lifo.append(record_id)
            return True
        if record_id in self.live():
            raise ValueError("already in the buffer")
        self.list.append(Rec(record_id, phones))
        return True

    def add_list(self, record_ids: list[int], phones: list[int]) -> None:
        live = self.live()
        if any(i in live for i in record_ids) or len(set(record_ids)) != len(record_ids):
            raise ValueError("already in the buffer / twice")
        self.list += [Rec(i, p) for i, p in zip(record_ids, phones)]

    def take(self, now: float) -> Optional[Rec]:
        if self.lifo_mode:
            while self.lifo:
                record_id = self.lifo.pop()
                if record_id in self.live():
                    self.dropped += 1
                    continue
                return Rec(record_id, source=RecordSource.LIFO_INSERT)
            if self.lifo_returned:
                return Rec(self.lifo_returned.pop(0), source=RecordSource.LIFO_INSERT)
        due = [r for r in self.retries if r.due <= now]
        if due:
            first = min(due, key=lambda r: (r.due, r.seq))
            self.retries.remove(first)
            return first
        if self.list:
            return self.list.pop(0)
        return None

    def put_back(self, r: Rec) -> None:
        if r.source is RecordSource.LIFO_INSERT:
            if len(self.lifo) < LIFO_CAPACITY:
                self.lifo.append(r.record_id)
            else:
                self.lifo_returned.insert(0, r.record_id)
        elif r.source is RecordSource.CALLING_LIST:
            self.list.insert(0, r)
        else:
            self.retries.append(r)

    def next(self, now: float, max_count: int) -> list[RecordToDial]:
        self.check_time(now)
        out = []
        while len(out) < max_count:
            r = self.take(now)
            if r is None:
                break
            self.in_flight[r.record_id] = r
            out.append(r.dial())
        return out

    def push_preview(self, agents: list[int], now: float) -> list[tuple[int, RecordToDial]]:
        self.check_time(now)
        out = []
        for agent in agents:
            if agent in self.previewing:
                continue
            r = self.take(now)
            if r is None:
                break
            self.previewing[agent] = r
            out.append((agent, r.dial()))
        return out

    def pull_preview(self, agent: int, now: float) -> Optional[RecordToDial]:
        if agent in self.previewing:
            raise ValueError("already previews")
        self.check_time(now)
        r = self.take(now)
        if r is None:
            return None
        self.previewing[agent] = r
        return r.dial()

    def preview_end(self, agent: int, dial: bool) -> Optional[RecordToDial]:
        if agent not in self.previewing:
            raise ValueError("previews no record")
        r = self.previewing.pop(agent)
        if dial:
            self.in_flight[r.record_id] = r
            return r.dial()
        self.put_back(r)
        return None

    def report(self, record_id: int, result: CallResult, now: float) -> Outcome:
        if record_id not in self.in_flight:
            raise ValueError("not in flight")
        self.check_time(now)
        r = self.in_flight.pop(record_id)
        r = replace(r, attempts=r.attempts + 1)
        t = TREATMENTS[result]
        action = TreatmentAction.CLOSE if self.lifo_mode else t.action
        if action is TreatmentAction.RETRY and r.attempts < t.max_attempts:
            r = replace(r, due=now + t.delay)
            out = Outcome(TreatmentAction.RETRY, r.due, r.phone, r.attempts)
        elif action is not TreatmentAction.CLOSE and r.phone + 1 < r.phones:
            delay = t.delay if action is TreatmentAction.NEXT_NUMBER else 0.0
            r = replace(r, phone=r.phone + 1, attempts=0, due=now + delay)
            out = Outcome(TreatmentAction.NEXT_NUMBER, r.due, r.phone, 0)
        else:
            return Outcome(TreatmentAction.CLOSE, now, r.phone, r.attempts)
        self.retries.append(replace(r, source=RecordSource.RETRY, seq=self.seq))
        self.seq += 1
        return out

    def stop(self) -> list[ReturnedRecord]:
        out: list[ReturnedRecord] = []
        live, seen = self.live(), set()
        for record_id in reversed(self.lifo):
            if record_id in live or record_id in seen:
                self.dropped += 1
                continue
            seen.add(record_id)
            out.append(ReturnedRecord(record_id, RecordSource.LIFO_INSERT, 0, 1, 0, None, None))
        out += [Rec(i, source=RecordSource.LIFO_INSERT).returned() for i in self.lifo_returned]
        out += [self.previewing[a].returned(a) for a in sorted(self.previewing)]
        out += [r.returned() for r in sorted(self.retries, key=lambda r: (r.due, r.seq))]
        out += [r.returned() for r in self.list]
        self.lifo, self.lifo_returned, self.list, self.retries = [], [], [], []
        self.previewing = {}
        return out

    def counts(self) -> BufferCounts:
        return BufferCounts(
            len(self.lifo),
            len(self.lifo_returned),
            len(self.list),
            len(self.retries),
            len(self.previewing),
            len(self.in_flight),
            self.dropped,
        )


record_ids = st.integers(min_value=0, max_value=12)  # few ids: duplicates happen
agents = st.integers(min_value=1, max_value=3)
steps = st.sampled_from([0.0, 0.0, 1.0, 20.0, 60.0, 400.0, 8000.0])
results = st.sampled_from(list(CallResult))


class BufferMachine(RuleBasedStateMachine):
    lifo_mode = False

    def __init__(self) -> None:
        super().__init__()
        self.buf = DialingBuffer(lifo_mode=self.lifo_mode, lifo_capacity=LIFO_CAPACITY, treatments=TREATMENTS)
        self.model = Model(self.lifo_mode)

    def same(self, real: object, model: object) -> None:
        """Run both; they must agree on the value, or both raise ValueError."""
        try:
            want = model()  # type: ignore[operator]
        except ValueError:
            with pytest.raises(ValueError):
                real()  # type: ignore[operator]
            return
        assert real() == want  # type: ignore[operator]

    @rule(record_id=record_ids, phones=st.integers(min_value=1, max_value=3))
    def insert(self, record_id: int, phones: int) -> None:
        self.same(lambda: self.buf.insert(record_id, phones=phones), lambda: self.model.insert(record_id, phones))

    @rule(batch=st.lists(st.tuples(record_ids, st.integers(min_value=1, max_value=3)), max_size=4))
    def add_list(self, batch: list[tuple[int, int]]) -> None:
        ids, phones = [i for i, _ in batch], [p for _, p in batch]
        self.same(lambda: self.buf.add_list_records(ids, phones), lambda: self.model.add_list(ids, phones))

    @rule(step=steps, max_count=st.integers(min_value=0, max_value=4))
    def next_records(self, step: float, max_count: int) -> None:
        now = self.model.now + step
        self.same(lambda: self.buf.next_records(now, max_count), lambda: self.model.next(now, max_count))

    @rule(back=st.sampled_from([0.5, 5.0]))
    def time_goes_backwards(self, back: float) -> None:
        if self.model.now >= back:
            with pytest.raises(ValueError, match="backwards"):
                self.buf.next_records(self.model.now - back, 1)

    @precondition(lambda self: bool(self.model.in_flight))
    @rule(data=st.data(), result=results, step=steps)
    def report(self, data: st.DataObject, result: CallResult, step: float) -> None:
        record_id = data.draw(st.sampled_from(sorted(self.model.in_flight)))
        now = self.model.now + step
        self.same(lambda: self.buf.report(record_id, result, now), lambda: self.model.report(record_id, result, now))

    @rule(record_id=record_ids, result=results)
    def report_anything(self, record_id: int, result: CallResult) -> None:
        now = self.model.now
        self.same(lambda: self.buf.report(record_id, result, now), lambda: self.model.report(record_id, result, now))

    @rule(ids=st.lists(agents, max_size=3), step=steps)
    def push_preview(self, ids: list[int], step: float) -> None:
        now = self.model.now + step
        self.same(
            lambda: [(a.agent_id, a.dial) for a in self.buf.push_preview(ids, now)],
            lambda: self.model.push_preview(ids, now),
        )

    @rule(agent=agents, step=steps)
    def pull_preview(self, agent: int, step: float) -> None:
        now = self.model.now + step
        self.same(lambda: self.buf.pull_preview(agent, now), lambda: self.model.pull_preview(agent, now))

    @rule(agent=agents)
    def preview_dial(self, agent: int) -> None:
        self.same(lambda: self.buf.preview_dial(agent), lambda: self.model.preview_end(agent, dial=True))

    @rule(agent=agents)
    def preview_skip(self, agent: int) -> None:
        self.same(lambda: self.buf.preview_skip(agent), lambda: self.model.preview_end(agent, dial=False))

    @rule()
    def stop(self) -> None:
        assert self.buf.stop() == self.model.stop()

    @invariant()
    def same_counts(self) -> None:
        assert self.buf.counts() == self.model.counts()


class LifoBufferMachine(BufferMachine):
    lifo_mode = True


_settings = settings(max_examples=300, stateful_step_count=50, deadline=None)
TestListMode = BufferMachine.TestCase
TestListMode.settings = _settings
TestLifoMode = LifoBufferMachine.TestCase
TestLifoMode.settings = _settings
