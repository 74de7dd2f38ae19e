"""Feed a ``CampaignGroup`` from a SIP trunk: its actions become calls, calls become events.

``Dial`` -> INVITE through the trunk (within its limits). Answer -> ``call_answered``,
whose ``Bridge`` hands the call to an agent (simulated here: talk, BYE,
``call_ended``, wrap-up, ``agent_ready``) and whose ``Drop`` hangs up. A failure ->
``call_failed`` with the mapped ``CallResult``. Every group event gets the loop's
clock (seconds since the adapter started).

Nothing escapes ``run``: a group event the kernel refuses is logged and counted in
``errors``, a call task that breaks is counted and its call failed; every call the
group dialed ends with exactly one of ``call_failed`` or ``call_answered``.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from outpace.actions import Action, Bridge, Dial, Drop
from outpace.group import CampaignGroup
from outpace.results import CallResult
from outpace.sip.trunk import Trunk, TrunkCall

__all__ = ["AgentModel", "CampaignReport", "SimulatedAgents", "SipAdapter"]

log = logging.getLogger(__name__)


class AgentModel(Protocol):
    """How long agents talk and wrap up (seconds)."""

    def talk_time(self) -> float: ...

    def wrap_time(self) -> float: ...


class SimulatedAgents:
    """Exponential talk and wrap-up times with the given means (seconds), seeded."""

    def __init__(self, talk: float = 30.0, wrap: float = 5.0, seed: int = 1) -> None:
        if not (talk > 0 and talk < 86400):
            raise ValueError(f"talk must be in (0, 86400) seconds (got {talk!r})")
        if not (wrap >= 0 and wrap < 86400):
            raise ValueError(f"wrap must be in [0, 86400) seconds (got {wrap!r})")
        self.talk, self.wrap = talk, wrap
        self._rng = random.Random(seed)

    def talk_time(self) -> float:
        return self._rng.expovariate(1.0 / self.talk)

    def wrap_time(self) -> float:
        return self._rng.expovariate(1.0 / self.wrap) if self.wrap > 0 else 0.0


@dataclass
class CampaignReport:
    """What a run did. ``results`` counts every dialed call by its result."""

    dialed: int = 0
    results: Counter[CallResult] = field(default_factory=Counter)
    bridged: int = 0
    dropped: int = 0
    ended: int = 0
    errors: int = 0
    records_left: int = 0
    elapsed: float = 0.0  # seconds

    @property
    def accounted(self) -> int:
        """Dialed calls with a result (answered or failed)."""
        return sum(self.results.values())


class SipAdapter:
    """Runs one campaign group on one trunk with simulated agents.

    Args:
        group: the pacer.
        trunk: where the calls go.
        numbers: record id -> the number to call (user part of the Request-URI).
        agents: talk and wrap-up times of the simulated agents.
        tick_interval: seconds between ``group.tick`` calls.
    """

    def __init__(
        self,
        group: CampaignGroup,
        trunk: Trunk,
        numbers: Mapping[int, str],
        agents: AgentModel,
        *,
        tick_interval: float = 0.1,
    ) -> None:
        if not (0 < tick_interval <= 10):
            raise ValueError(f"tick_interval must be in (0, 10] seconds (got {tick_interval!r})")
        self.group = group
        self.trunk = trunk
        self.numbers = numbers
        self.agents = agents
        self.tick_interval = tick_interval
        self.report = CampaignReport()
        self._t0 = 0.0
        self._last = 0.0
        self._pending: set[int] = set()  # dialed, no result yet
        self._up: dict[int, TrunkCall] = {}  # answered, not hung up
        self._tasks: set[asyncio.Task[None]] = set()

    def now(self) -> float:
        """Seconds since ``run`` started, never decreasing."""
        self._last = max(self._last, asyncio.get_running_loop().time() - self._t0)
        return self._last

    def _event(self, fn: Callable[..., list[Action]], *args: Any) -> None:
        try:
            actions = fn(*args)
        except ValueError as exc:
            self.report.errors += 1
            log.warning("group refused %s%s: %s", getattr(fn, "__name__", fn), args, exc)
            return
        self._handle(actions)

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _handle(self, actions: Iterable[Action]) -> None:
        for action in actions:
            if isinstance(action, Dial):
                self.report.dialed += 1
                self._pending.add(action.call_id)
                self._spawn(self._place(action.call_id, action.record_id))
            elif isinstance(action, Bridge):
                tc = self._up.get(action.call_id)
                if tc is not None:
                    self.report.bridged += 1
                    self._spawn(self._talk(action.call_id, action.agent_id, tc))
            elif isinstance(action, Drop):
                tc = self._up.pop(action.call_id, None)
                if tc is not None:
                    self.report.dropped += 1
                    self._spawn(self.trunk.hangup(tc))
            # Hold: the answered call waits for an agent; a Bridge or Drop follows.

    async def _place(self, call_id: int, record_id: int) -> None:
        number = self.numbers.get(record_id)
        result = CallResult.INVALID_NUMBER
        tc: TrunkCall | None = None
        try:
            if number is not None:
                tc = await self.trunk.call(number)
                result = tc.result
        except Exception as exc:  # noqa: BLE001 - a broken call must still be reported
            self.report.errors += 1
            log.warning("call %s to record %s broke: %s", call_id, record_id, exc)
            result = CallResult.NETWORK_FAILURE
        self._pending.discard(call_id)
        self.report.results[result] += 1
        if tc is not None and result is CallResult.ANSWER:
            self._up[call_id] = tc
            self._event(self.group.call_answered, call_id, self.now(), True)
        else:
            self._event(self.group.call_failed, call_id, self.now(), result)

    async def _talk(self, call_id: int, agent_id: int, tc: TrunkCall) -> None:
        try:
            remote = asyncio.ensure_future(tc.call.remote_hangup.wait())
            try:
                await asyncio.wait_for(asyncio.shield(remote), self.agents.talk_time())
            except TimeoutError:
                pass
            finally:
                remote.cancel()
            self._up.pop(call_id, None)
            await self.trunk.hangup(tc)  # no BYE if the far end hung up first
            self.report.ended += 1
            self._event(self.group.call_ended, call_id, self.now())
            await asyncio.sleep(self.agents.wrap_time())
            self._event(self.group.agent_ready, agent_id, self.now())
        except Exception as exc:  # noqa: BLE001 - keep the campaign running
            self.report.errors += 1
            log.warning("talk of call %s broke: %s", call_id, exc)

    def busy(self) -> bool:
        """Calls dialed, up, or being talked or wrapped up."""
        return bool(self._pending or self._up or self._tasks)

    async def run(self, agent_ids: Iterable[int], *, max_duration: float | None = None) -> CampaignReport:
        """Log the agents in, pace until every record is dialed and every call is over
        (or ``max_duration`` seconds pass), then stop the group. Returns the report.

        Records a treatment scheduled again (a busy number is retried 300 s later by
        default) do not keep the run going: when only they are left, the group is stopped
        and ``stop()`` returns them (origin ``RETRY``), counted in ``records_left``."""
        loop = asyncio.get_running_loop()
        self._t0 = loop.time()
        self._last = 0.0
        for agent in agent_ids:
            self._event(self.group.agent_ready, agent, self.now())
        while True:
            now = self.now()
            if max_duration is not None and now >= max_duration:
                break
            self._event(self.group.tick, now)
            m = self.group.metrics()
            if m.records_waiting == m.records_retry and not self._pending and not self._up:
                # Nothing left to dial but retries; the remaining tasks are wrap-ups.
                break
            await asyncio.sleep(self.tick_interval)
        left = self.group.stop(self.now())
        self.report.records_left = len(left)
        # Calls already placed run to their end; answered ones are hung up by their agent
        # or here if they were still waiting for one.
        while self._pending:
            await asyncio.sleep(self.tick_interval)
        for call_id in list(self._up):
            self._spawn(self.trunk.hangup(self._up.pop(call_id)))
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        self.report.elapsed = self.now()
        return self.report
