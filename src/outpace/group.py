"""CampaignGroup: the event contract of outpace, and Dialer for many groups at once.

The host reports what happens, with the time it happened (seconds, any epoch, never
decreasing), and every event returns the actions it triggers::

    g = CampaignGroup(GroupSettings(mode="predictive", goal_value=3.0))
    g.add_records(range(1, 1001))
    g.agent_ready(7, now=0.0)
    for action in g.tick(now=1.0):          # Dial(call_id, record_id, agent_id)
        ...
    g.call_answered(call_id, now=13.2)      # [Bridge(call_id, 7)] or [Hold(call_id)]

Bad events (unknown ids, a call answered twice, time going backwards) raise ValueError
and leave the group as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from outpace import _core
from outpace.actions import Action, Bridge, Dial, Drop, Hold, Preview, RecordOrigin
from outpace.results import CallResult
from outpace.settings import DialingMode, GroupSettings

__all__ = ["CampaignGroup", "Decision", "Dialer", "GroupMetrics"]

_ORIGINS = (RecordOrigin.INSERTED, RecordOrigin.CALLING_LIST, RecordOrigin.PREVIEW, RecordOrigin.RETRY)


def _action(kind: int, call: int, record: int, agent: int) -> Action:
    if kind == 0:
        return Dial(call, record, agent if agent >= 0 else None)
    if kind == 1:
        return Drop(call)
    if kind == 2:
        return Bridge(call, agent)
    if kind == 3:
        return Hold(call)
    return Preview(call, record, agent)


def _actions(raw: list[tuple[int, int, int, int]]) -> list[Action]:
    return [_action(*a) for a in raw]


@dataclass(frozen=True)
class GroupMetrics:
    """What a group has done so far. Times are agent-seconds; rates are fractions (0..1)."""

    now: float
    dials: int
    live_answers: int
    machines: int
    failed: int
    abandoned: int
    connects: int
    abandon_rate: float
    abandon_rate_window: float
    abandon_rate_today: float
    talk_time: float
    wrap_time: float
    idle_time: float
    not_ready_time: float
    busy_factor: float
    agent_wait: float
    distribution_time: float
    agents_ready: int
    agents_reserved: int
    agents_talking: int
    agents_wrap_up: int
    agents_not_ready: int
    calls_dialing: int
    calls_held: int
    calls_in_ivr: int
    effective_mode: DialingMode
    switched_to_progressive: bool
    theta: float
    records_waiting: int  # not dialed yet: inserted, calling list and retries (due or not)
    records_retry: int = 0  # of which retries scheduled by a treatment
    records_closed: int = 0  # records whose treatment closed them


@dataclass(frozen=True)
class Decision:
    """Why the last tick placed the calls it did."""

    calls: int
    expected_answers: float
    expected_free_agents: float
    abandon_risk: float
    horizon: float
    exact: bool


class CampaignGroup:
    """One campaign group's pacer. Safe to call from several threads."""

    def __init__(self, settings: GroupSettings | None = None, *, _core_group: Any = None) -> None:
        self._settings = settings or GroupSettings()
        self._g = _core_group if _core_group is not None else _core.CampaignGroup(self._settings.to_core())

    @property
    def settings(self) -> GroupSettings:
        return self._settings

    def update_settings(self, settings: GroupSettings) -> None:
        """Apply new settings to the running group, keeping what it has learned."""
        self._g.update_settings(settings.to_core())
        self._settings = settings

    # Agent events.
    def agent_ready(self, agent_id: int, now: float) -> list[Action]:
        """An agent logged in, came back from a break, or finished wrap-up."""
        return _actions(self._g.agent_ready(agent_id, now))

    def agent_not_ready(self, agent_id: int, now: float) -> list[Action]:
        """An agent went on a break or logged out (after its call, if it is on one)."""
        return _actions(self._g.agent_not_ready(agent_id, now))

    # Records.
    def insert_record(self, record_id: int, now: float) -> None:
        """A record inserted through the API; in LIFO mode it is dialed next (one attempt).

        Refused (ValueError): a negative id, a record already waiting (or previewed, or
        scheduled for a retry), a full LIFO buffer. A record whose call is still in flight
        is taken when that call ends, unless its treatment brings it back anyway."""
        self._g.insert_record(record_id, now)

    def add_records(self, record_ids: Iterable[int] | npt.NDArray[np.integer[Any]]) -> None:
        """Append calling-list records, dialed in this order."""
        ids = record_ids if isinstance(record_ids, np.ndarray) else np.fromiter(record_ids, dtype=np.int64)
        if ids.size and ids.dtype.kind not in "iu":
            raise ValueError("record_ids must be integers")
        self._g.add_records(ids.astype(np.int64, copy=False).ravel())

    def records_wanted(self) -> int:
        """How many calling-list records to add now: whole batches of 200 when fewer than 50
        wait, else 0. A host that reads its list in batches calls this after each tick."""
        wanted: int = self._g.records_wanted()
        return wanted

    # Time and calls.
    def tick(self, now: float) -> list[Action]:
        """Time passes: drop held calls past tau, then decide and return the dials."""
        return _actions(self._g.tick(now))

    def place(self, calls: int, now: float) -> list[Action]:
        """Dial ``calls`` records now, whatever the pacer would do (a host's own policy)."""
        if calls < 0:
            raise ValueError(f"calls must be >= 0 (got {calls!r})")
        return _actions(self._g.place(calls, now))

    def call_answered(self, call_id: int, now: float, live: bool = True) -> list[Action]:
        """A placed call was answered: by a person (live) or by a machine."""
        return _actions(self._g.call_answered(call_id, now, live))

    def call_failed(self, call_id: int, now: float, result: CallResult | str) -> list[Action]:
        """A placed call ended without a live answer (busy, no answer, ...)."""
        if not isinstance(result, CallResult):
            try:
                result = CallResult[str(result).upper()]
            except KeyError:
                allowed = ", ".join(r.name.lower() for r in CallResult)
                raise ValueError(f"result must be one of {allowed} (got {result!r})") from None
        return _actions(self._g.call_failed(call_id, now, result))

    def call_ended(self, call_id: int, now: float) -> list[Action]:
        """The talk is over; the agent goes to wrap-up until agent_ready."""
        return _actions(self._g.call_ended(call_id, now))

    def agent_requested(self, call_id: int, now: float) -> list[Action]:
        """IVR modes: a caller in the IVR asks for an agent."""
        return _actions(self._g.agent_requested(call_id, now))

    # Preview.
    def pull(self, agent_id: int, now: float) -> Preview | None:
        """Pull Preview: the agent asks for a record."""
        raw = self._g.pull(agent_id, now)
        return None if raw is None else Preview(raw[1], raw[2], raw[3])

    def preview_dial(self, agent_id: int, now: float) -> list[Action]:
        """The agent dials the record it previews."""
        return _actions(self._g.preview_dial(agent_id, now))

    def preview_skip(self, agent_id: int, now: float) -> None:
        """The agent skips its record; it goes back where it came from."""
        self._g.preview_skip(agent_id, now)

    # State.
    def metrics(self) -> GroupMetrics:
        raw = self._g.metrics()
        raw["effective_mode"] = DialingMode[raw["effective_mode"].name]
        return GroupMetrics(**raw)

    def peek(self, now: float) -> Decision:
        """What ``tick(now)`` would decide, and why, without placing calls."""
        return Decision(*self._g.peek(now))

    def last_decision(self) -> Decision:
        return Decision(**self._g.last_decision())

    def snapshot(self) -> dict[str, Any]:
        """What the pacer has learned, and what it saw at the last ``peek``: the learned
        talk, wrap-up and ring-time tables (``talk_rows`` ...), and the elapsed times,
        answer share, inbound rate and theta of that peek's decision (empty before the
        first peek; a tick does not keep them). For explaining decisions and for tests."""
        snap: dict[str, Any] = self._g.snapshot()
        return snap

    def stop(self, now: float) -> list[tuple[int, RecordOrigin]]:
        """Stop dialing; return every record not dialed, with where it came from.

        Order: LIFO inserts (newest first), retries (by due time), the calling list,
        records inserted while their call was in flight, then records agents were
        previewing. ``RecordOrigin.RETRY``: a record dialed before that
        a treatment scheduled again (due or not). Calls in flight go on; a retry their
        results schedule is returned by a later ``stop()``."""
        return [(record, _ORIGINS[origin]) for record, origin in self._g.stop(now)]


class Dialer:
    """Many groups paced from one process: ``tick`` runs all of them in C++ without the GIL."""

    def __init__(self) -> None:
        self._d = _core.Dialer()
        self._groups: list[CampaignGroup] = []

    def add(self, settings: GroupSettings) -> CampaignGroup:
        core = _core.CampaignGroup(settings.to_core())
        self._d.add(core)
        group = CampaignGroup(settings, _core_group=core)
        self._groups.append(group)
        return group

    def __len__(self) -> int:
        return len(self._groups)

    def __getitem__(self, index: int) -> CampaignGroup:
        return self._groups[index]

    def tick(self, now: float) -> npt.NDArray[Any]:
        """Tick every group; a structured array of (group, kind, call_id, record_id, agent_id),
        kind 0 = dial, 1 = drop, 2 = bridge, 3 = hold, 4 = preview."""
        return self._d.tick(now)

    def actions(self, now: float) -> list[tuple[int, Action]]:
        """Like ``tick``, as (group index, action) pairs."""
        return [(int(a[0]), _action(int(a[1]), int(a[2]), int(a[3]), int(a[4]))) for a in self.tick(now)]
