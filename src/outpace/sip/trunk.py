"""One SIP trunk with its limits: calls per second, concurrent calls, up or down.

Calls beyond the limits wait, first come first served; none is dropped. New calls
start at most every 1/cps seconds (an exact schedule, no bursts) and only while
fewer than ``max_calls`` are up or being set up. A call that gets no response at all
(timer B) or cannot be sent marks the trunk down; while it is down, waiting calls
go out one every ``retry_down`` seconds as probes, and the first response of any
kind marks it up again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from outpace.results import CallResult
from outpace.sip.call import Call, CallOutcome, Ending
from outpace.sip.config import TrunkConfig
from outpace.sip.results import ResultTable
from outpace.sip.uac import UserAgentClient

__all__ = ["Trunk", "TrunkCall", "TrunkCounts"]


@dataclass
class TrunkCall:
    """A call placed through the trunk: its SIP side and the mapped result."""

    number: str
    call: Call
    result: CallResult
    started_at: float  # loop time the INVITE went out (seconds)
    released: bool = False

    @property
    def outcome(self) -> CallOutcome:
        assert self.call.outcome is not None
        return self.call.outcome


@dataclass(frozen=True)
class TrunkCounts:
    waiting: int  # calls waiting for admission
    active: int  # calls holding a slot (setting up or up)
    placed: int  # INVITEs sent
    answered: int
    failed: int
    down: bool


class Trunk:
    """Places calls on one trunk within its limits.

    Args:
        config: the trunk (limits, credentials, timers).
        results: the SIP -> CallResult table (defaults to ``ResultTable()``).
        uac: the user agent to use (built from ``config`` when omitted).
    """

    def __init__(self, config: TrunkConfig, *, results: ResultTable | None = None, uac: UserAgentClient | None = None) -> None:
        self.config = config
        self.results = results or ResultTable()
        self.uac = uac or UserAgentClient(
            config.transport,
            config.host,
            config.port,
            local_host=config.local_host,
            timers=config.timers,
            caller=config.caller,
            username=config.username,
            password=config.password,
        )
        self._admission: asyncio.Lock | None = None
        self._slots: asyncio.Semaphore | None = None
        self._next_start = float("-inf")
        self._last_start = float("-inf")
        self._down_since: float | None = None
        self._waiting = 0
        self._active = 0
        self._placed = 0
        self._answered = 0
        self._failed = 0

    @property
    def down(self) -> bool:
        """No response from the trunk since the last call that got none."""
        if self._down_since is not None and self.uac.last_response_at > self._down_since:
            self._down_since = None
        return self._down_since is not None

    def counts(self) -> TrunkCounts:
        return TrunkCounts(self._waiting, self._active, self._placed, self._answered, self._failed, self.down)

    async def _admit(self) -> None:
        if self._admission is None or self._slots is None:
            self._admission = asyncio.Lock()
            self._slots = asyncio.Semaphore(self.config.max_calls)
        loop = asyncio.get_running_loop()
        self._waiting += 1
        try:
            # asyncio.Lock wakes waiters in arrival order: calls start in the order asked.
            async with self._admission:
                await self._slots.acquire()
                try:
                    spacing = 1.0 / self.config.cps
                    now = loop.time()
                    # An exact schedule: each start is one spacing after the previous
                    # *scheduled* start, so sleeping late does not lower the rate. A trunk
                    # idle for longer than one spacing restarts the schedule (no burst).
                    start = self._next_start if self._next_start >= now - spacing else now
                    if self.down:
                        start = max(start, self._last_start + self.config.retry_down)
                    if start > now:
                        await asyncio.sleep(start - now)
                    self._last_start = start
                    self._next_start = start + spacing
                except BaseException:
                    self._slots.release()
                    raise
        finally:
            self._waiting -= 1
        self._active += 1

    def _release(self, tc: TrunkCall) -> None:
        if tc.released:
            return
        tc.released = True
        self._active -= 1
        if self._slots is not None:
            self._slots.release()

    async def call(self, number: str) -> TrunkCall:
        """Wait for a slot, call ``number``, and return once it is answered or failed.

        A failed call has given its slot back; an answered one holds it until
        ``hangup``.
        """
        if not number or any(c in number for c in " <>;@\"\r\n:"):
            raise ValueError(f"number must be a plain user part such as '+15550100' (got {number!r})")
        await self._admit()
        loop = asyncio.get_running_loop()
        started = loop.time()
        self._placed += 1
        try:
            call = await self.uac.invite(number, ring_timeout=self.config.ring_timeout)
        except BaseException:
            self._active -= 1
            if self._slots is not None:
                self._slots.release()
            raise
        outcome = call.outcome
        assert outcome is not None
        tc = TrunkCall(number, call, self.results.for_outcome(outcome), started)
        if outcome.ending in (Ending.NO_RESPONSE, Ending.TRANSPORT) and self.uac.last_response_at < started:
            self._down_since = loop.time()
        if call.answered:
            self._answered += 1
        else:
            self._failed += 1
            self._release(tc)
        return tc

    async def hangup(self, tc: TrunkCall) -> bool:
        """End an answered call (BYE unless the far end hung up) and free its slot.

        True if a BYE went out and the trunk answered it.
        """
        try:
            return await self.uac.hangup(tc.call)
        finally:
            self._release(tc)

    def close(self) -> None:
        self.uac.close()
