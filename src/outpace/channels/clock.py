"""Clocks for the channel pacers: the real one and a fake one for tests.

Every time here is in seconds on one time base: seconds since the Unix epoch (UTC), so a
delivery window given as dates compares directly with ``clock.now()``. The real clock
reads the monotonic clock and only borrows the epoch offset once, so a wall-clock step
(NTP, a DST change does not matter anyway) never makes a pacer burst or stall.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol

__all__ = ["Clock", "FakeClock", "SystemClock"]


class Clock(Protocol):
    """What a pacer and a campaign need of time."""

    def now(self) -> float:
        """Seconds since the epoch, never going backwards."""
        ...

    async def sleep_until(self, deadline: float) -> None:
        """Return at ``deadline`` (seconds since the epoch), or at once if it has passed."""
        ...


class SystemClock:
    """Real time: the monotonic clock shifted onto the epoch once, at construction."""

    def __init__(self) -> None:
        self._offset = time.time() - time.monotonic()

    def now(self) -> float:
        return time.monotonic() + self._offset

    async def sleep_until(self, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        # The event loop's clock is time.monotonic(): an absolute deadline on it does not
        # accumulate the lateness of earlier sleeps the way sleep(interval) chains do.
        target = deadline - self._offset
        while loop.time() < target:
            fut: asyncio.Future[None] = loop.create_future()
            handle = loop.call_at(target, fut.set_result, None)
            try:
                await fut
            finally:
                handle.cancel()


class FakeClock:
    """Virtual time that jumps to the next sleeper's deadline once every task is blocked.

    Only for code that does no real I/O while it sleeps on this clock (fake transports):
    time advances when the event loop has nothing else ready to run, like trio's
    ``MockClock(autojump_threshold=0)``. Nothing really sleeps, so hours of pacing run in
    the time the computation takes.
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = float(start)
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._driver: asyncio.Task[None] | None = None

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by hand (for code that only reads the clock)."""
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0 (got {seconds})")
        self._now += seconds

    async def sleep_until(self, deadline: float) -> None:
        if deadline <= self._now:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._sleepers, (deadline, next(self._seq), fut))
        if self._driver is None or self._driver.done():
            self._driver = loop.create_task(self._drive())
        await fut

    async def _drive(self) -> None:
        loop = asyncio.get_running_loop()
        while self._sleepers:
            # Let every runnable task run until all of them wait on something.
            while _ready_count(loop) > 0:
                await asyncio.sleep(0)
            await asyncio.sleep(0)
            if _ready_count(loop) > 0:
                continue
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)  # cancelled sleeper
            if not self._sleepers:
                break
            deadline, _, fut = heapq.heappop(self._sleepers)
            self._now = max(self._now, deadline)
            fut.set_result(None)


def _ready_count(loop: asyncio.AbstractEventLoop) -> int:
    # The number of callbacks scheduled to run now. CPython's event loops keep them in
    # ``_ready``; a loop without it is treated as idle after one yield.
    ready = getattr(loop, "_ready", ())
    return len(ready)
