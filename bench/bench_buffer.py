"""Cost of outpace.LifoBuffer against collections.deque guarded by a threading.Lock.

    python -m pytest bench/bench_buffer.py --benchmark-only --benchmark-columns=median,iqr,rounds

Not part of the test run (``testpaths`` is ``tests/``). The baseline is what a host would
write for a thread-safe LIFO in Python: a deque under a lock (append/pop one at a time;
extend and a pop loop for batches, on Python lists, the deque's natural input). Every
benchmark checks what came out (values and LIFO order). The table printed at the end
(medians per call and per record) is the one in docs/benchmarks.md.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from outpace import LifoBuffer

BATCH_SIZES = (1_000, 100_000)
IMPLEMENTATIONS = ("outpace", "deque+lock")


class DequeStack:
    """The baseline: a bounded LIFO as a deque under a lock."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.items: deque[int] = deque()
        self.lock = threading.Lock()

    def push(self, record_id: int) -> bool:
        with self.lock:
            if len(self.items) >= self.capacity:
                return False
            self.items.append(record_id)
            return True

    def pop(self) -> int | None:
        with self.lock:
            return self.items.pop() if self.items else None

    def push_many(self, ids: list[int]) -> int:
        with self.lock:
            room = min(len(ids), self.capacity - len(self.items))
            self.items.extend(ids[:room] if room < len(ids) else ids)
            return room

    def pop_many(self, max_count: int) -> list[int]:
        with self.lock:
            pop = self.items.pop
            return [pop() for _ in range(min(max_count, len(self.items)))]


@dataclass(frozen=True)
class Row:
    operation: str
    implementation: str
    records: int  # records per timed call
    median: float  # seconds per timed call


@pytest.fixture(scope="module")
def rows(request: pytest.FixtureRequest) -> Iterator[list[Row]]:
    collected: list[Row] = []
    yield collected
    if not collected:  # --benchmark-disable
        return
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():  # print now, not into captured output
        _print_table(reporter, collected)


def _print_table(reporter: Any, collected: list[Row]) -> None:
    reporter.write_line("")
    reporter.write_line("dialing buffer benchmarks (medians):")
    reporter.write_line("| operation | records per call | implementation | per call | per record | deque+lock / outpace |")
    reporter.write_line("|---|---:|---|---:|---:|---:|")
    by_key = {(r.operation, r.records, r.implementation): r for r in collected}
    for r in collected:
        ours = by_key.get((r.operation, r.records, "outpace"))
        ratio = f"{r.median / ours.median:.1f}x" if ours and r.implementation != "outpace" else ""
        reporter.write_line(
            f"| {r.operation} | {r.records:,} | {r.implementation} | {_ns(r.median)} "
            f"| {_ns(r.median / r.records)} | {ratio} |"
        )


def _ns(seconds: float) -> str:
    return f"{seconds * 1e9:,.1f} ns" if seconds < 1e-5 else f"{seconds * 1e6:,.1f} µs"


def _record(rows: list[Row], benchmark: Any, operation: str, implementation: str, records: int) -> None:
    stats = getattr(benchmark, "stats", None)
    if stats:
        rows.append(Row(operation, implementation, records, stats.stats.median))


def _make(implementation: str, capacity: int) -> Any:
    return LifoBuffer(capacity) if implementation == "outpace" else DequeStack(capacity)


@pytest.mark.benchmark(group="lifo: push + pop, one record per call")
@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_push_pop_pair(benchmark: Any, rows: list[Row], implementation: str) -> None:
    stack = _make(implementation, 1024)
    push, pop = stack.push, stack.pop

    def pair() -> int | None:
        push(12345)
        return pop()  # type: ignore[no-any-return]

    # 1,000 calls per round, so that the timer's own cost (~100 ns) does not dominate.
    assert benchmark.pedantic(pair, iterations=1_000, rounds=300, warmup_rounds=5) == 12345
    assert pop() is None
    _record(rows, benchmark, "push + pop pair", implementation, 1)


def _ids(implementation: str, n: int) -> Any:
    ids = np.arange(1, n + 1, dtype=np.uint64)
    return ids if implementation == "outpace" else ids.tolist()


@pytest.mark.benchmark(group="lifo: push_many")
@pytest.mark.parametrize("n", BATCH_SIZES)
@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_push_many(benchmark: Any, rows: list[Row], implementation: str, n: int) -> None:
    stack = _make(implementation, n)
    ids = _ids(implementation, n)
    # Each round starts empty; emptying it is set-up, not timed.
    pushed = benchmark.pedantic(
        stack.push_many, args=(ids,), setup=lambda: _discard(stack.pop_many(n)), rounds=_rounds(n), warmup_rounds=2
    )
    assert pushed == n
    assert int(stack.pop()) == n  # the last id is on top
    _record(rows, benchmark, "push_many", implementation, n)


@pytest.mark.benchmark(group="lifo: pop_many")
@pytest.mark.parametrize("n", BATCH_SIZES)
@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_pop_many(benchmark: Any, rows: list[Row], implementation: str, n: int) -> None:
    stack = _make(implementation, n)
    ids = _ids(implementation, n)
    out = benchmark.pedantic(
        stack.pop_many, args=(n,), setup=lambda: _discard(stack.push_many(ids)), rounds=_rounds(n), warmup_rounds=2
    )
    assert len(out) == n
    assert int(out[0]) == n and int(out[-1]) == 1  # most recent first
    assert np.array_equal(np.asarray(out, dtype=np.uint64), np.arange(n, 0, -1, dtype=np.uint64))
    _record(rows, benchmark, "pop_many", implementation, n)


def _discard(_: object) -> None:
    """pytest-benchmark takes a set-up's return value as the arguments: return none."""


def _rounds(n: int) -> int:
    return 2_000 if n <= 1_000 else 60
