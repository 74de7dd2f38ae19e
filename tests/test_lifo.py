"""LifoBuffer from Python: its contract one call at a time, against a list model under
hypothesis, and from several threads at once (batch calls release the GIL)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from outpace import LifoBuffer


def test_last_in_first_out_and_full_refuses() -> None:
    buf = LifoBuffer(3)
    assert buf.capacity == 3
    assert buf.pop() is None
    assert [buf.push(i) for i in (10, 11, 12, 13)] == [True, True, True, False]
    assert len(buf) == 3
    assert [buf.pop(), buf.pop()] == [12, 11]
    assert buf.push(14)
    assert buf.drain().tolist() == [14, 10]
    assert len(buf) == 0


def test_full_64_bit_range() -> None:
    buf = LifoBuffer(2)
    assert buf.push(0)
    assert buf.push(2**64 - 1)
    assert buf.pop() == 2**64 - 1
    assert buf.push(np.uint64(7))
    assert buf.pop_many(5).tolist() == [7, 0]


def test_batches_accept_uint64_and_int64_and_return_uint64() -> None:
    buf = LifoBuffer(100)
    assert buf.push_many(np.arange(5, dtype=np.uint64)) == 5
    assert buf.push_many(np.arange(5, 10, dtype=np.int64)) == 5
    assert buf.push_many([10, 11]) == 2  # a list converts like numpy.asarray
    out = buf.pop_many(4)
    assert out.dtype == np.uint64
    assert out.tolist() == [11, 10, 9, 8]
    assert buf.pop_many(0).tolist() == []
    rest = buf.drain()
    assert rest.dtype == np.uint64
    assert rest.tolist() == list(range(7, -1, -1))


def test_push_many_stops_when_full_and_says_how_many() -> None:
    buf = LifoBuffer(4)
    assert buf.push_many(np.arange(1, 7, dtype=np.uint64)) == 4
    assert buf.push_many(np.array([9], dtype=np.uint64)) == 0
    assert buf.drain().tolist() == [4, 3, 2, 1]


def test_non_contiguous_input_is_copied_in_order() -> None:
    buf = LifoBuffer(10)
    ids = np.arange(10, dtype=np.uint64)[::3]
    assert buf.push_many(ids) == 4
    assert buf.drain().tolist() == [9, 6, 3, 0]


def test_pop_many_with_a_huge_count_allocates_only_capacity() -> None:
    buf = LifoBuffer(3)
    buf.push_many(np.array([1, 2], dtype=np.uint64))
    assert buf.pop_many(2**62).tolist() == [2, 1]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda b: b.push(-1), "record_id must be >= 0"),
        (lambda b: b.push(2**64), "record_id must be <= 18446744073709551615"),
        (lambda b: b.push_many(np.array([3, -2])), r"ids\[1\] must be >= 0"),
        (lambda b: b.push_many(np.array([1.5])), "ids must be an array of integers"),
        (lambda b: b.push_many(np.array([True])), "ids must be an array of integers"),
        (lambda b: b.push_many(np.zeros((2, 2), dtype=np.uint64)), "ids must be 1-D"),
        (lambda b: b.pop_many(-1), "max_count must be >= 0"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call: object, message: str) -> None:
    buf = LifoBuffer(4)
    buf.push(5)
    with pytest.raises(ValueError, match=message):
        call(buf)  # type: ignore[operator]
    assert buf.drain().tolist() == [5]  # unchanged


@pytest.mark.parametrize(("capacity", "message"), [(0, "capacity must be from 1"), (-1, "capacity must be >= 0")])
def test_bad_capacity(capacity: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LifoBuffer(capacity)


def test_non_integers_are_type_errors() -> None:
    buf = LifoBuffer(2)
    with pytest.raises(TypeError, match="record_id must be an integer"):
        buf.push(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="record_id must be an integer"):
        buf.push(True)


class LifoModel(RuleBasedStateMachine):
    """LifoBuffer against a Python list (top at the end)."""

    def __init__(self) -> None:
        super().__init__()
        self.capacity = 5
        self.buf = LifoBuffer(self.capacity)
        self.model: list[int] = []

    ids = st.integers(min_value=0, max_value=2**64 - 1)

    @rule(record_id=ids)
    def push(self, record_id: int) -> None:
        fits = len(self.model) < self.capacity
        assert self.buf.push(record_id) == fits
        if fits:
            self.model.append(record_id)

    @rule()
    def pop(self) -> None:
        assert self.buf.pop() == (self.model.pop() if self.model else None)

    @rule(batch=st.lists(ids, max_size=8), signed=st.booleans())
    def push_many(self, batch: list[int], signed: bool) -> None:
        if signed:
            batch = [i & (2**63 - 1) for i in batch]
        arr = np.array(batch, dtype=np.int64 if signed else np.uint64)
        fits = min(len(batch), self.capacity - len(self.model))
        assert self.buf.push_many(arr) == fits
        self.model.extend(batch[:fits])

    @rule(count=st.integers(min_value=0, max_value=8))
    def pop_many(self, count: int) -> None:
        want = self.model[::-1][:count]
        del self.model[len(self.model) - len(want) :]
        assert self.buf.pop_many(count).tolist() == want

    @rule()
    def drain(self) -> None:
        assert self.buf.drain().tolist() == self.model[::-1]
        self.model.clear()

    @invariant()
    def same_length(self) -> None:
        assert len(self.buf) == len(self.model)


TestLifoModel = LifoModel.TestCase
TestLifoModel.settings = settings(max_examples=200, stateful_step_count=60, deadline=None)


def test_threads_push_and_pop_at_once_and_every_id_comes_out_once() -> None:
    """Producers push_many and consumers pop_many / drain concurrently on a small buffer:
    every id comes out exactly once."""
    buf = LifoBuffer(64)
    producers, per_producer, chunk = 3, 40_000, 100
    taken: list[list[np.ndarray]] = [[] for _ in range(3)]
    producers_done = threading.Event()
    errors: list[BaseException] = []

    def produce(p: int) -> None:
        try:
            ids = np.arange(p * per_producer, (p + 1) * per_producer, dtype=np.uint64)
            i = 0
            while i < len(ids):
                i += buf.push_many(ids[i : i + chunk])  # 0 when full: try again
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def consume(c: int) -> None:
        try:
            while True:
                finished = producers_done.is_set()
                got = buf.drain() if c == 2 else buf.pop_many(1 + 17 * c)
                if len(got):
                    taken[c].append(got)
                elif finished:
                    return
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=produce, args=(p,)) for p in range(producers)]
    consumers = [threading.Thread(target=consume, args=(c,)) for c in range(3)]
    for t in threads + consumers:
        t.start()
    for t in threads:
        t.join()
    producers_done.set()
    for t in consumers:
        t.join()
    assert not errors
    out = np.concatenate([a for chunks in taken for a in chunks] + [buf.drain()])
    assert np.array_equal(np.sort(out), np.arange(producers * per_producer, dtype=np.uint64))
    assert all(len(chunks) > 0 for chunks in taken)  # every consumer took part
