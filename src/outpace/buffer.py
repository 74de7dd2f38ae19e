"""DialingBuffer: the records one campaign group will dial, in order, and their fate.

Order of hand-out: records inserted through the API in LIFO mode (most recent first, so a
web lead inserted now is dialed next), then retries that are due (earliest first), then
calling-list records in list order. Outside LIFO mode an inserted record joins the
calling-list order (appended after the list records already waiting).

After a call the host reports its result; the group's treatment for that result retries
the record later, moves on to the contact's next number, or closes it (see
``outpace.treatments``). In LIFO mode every record gets exactly one attempt.

Times are seconds (float) given by the host; they may not go backwards. Every method is
safe from any thread; ``insert`` in LIFO mode is lock-free. Bad input raises ValueError
naming the argument and changes nothing.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple, Optional, Union

import numpy as np
import numpy.typing as npt

from outpace import _core
from outpace._core import RecordSource
from outpace.results import CallResult
from outpace.treatments import Treatment, TreatmentAction, treatment_table

__all__ = [
    "BufferCounts",
    "RecordToDial",
    "DialingBuffer",
    "Outcome",
    "PreviewAssignment",
    "RecordSource",
    "ReturnedRecord",
]

#: A calling-list entry: a record id, or (record id, number of phone numbers).
ListEntry = Union[int, tuple[int, int]]


class RecordToDial(NamedTuple):
    """A record handed out, to dial or to preview."""

    record_id: int
    phone_index: int  # which of the contact's numbers, from 0
    source: RecordSource


class PreviewAssignment(NamedTuple):
    """A record pushed to a preview agent."""

    agent_id: int
    dial: RecordToDial


class Outcome(NamedTuple):
    """What ``report`` did with a record."""

    action: TreatmentAction  # RETRY / NEXT_NUMBER: back in the buffer at ``due``; CLOSE: done
    due: float  # seconds: when it is due again (CLOSE: the report time)
    phone_index: int  # the number it will be dialed on next
    attempts: int  # attempts already made on that number


class ReturnedRecord(NamedTuple):
    """A record that ``stop`` took out of the buffer without dialing it."""

    record_id: int
    source: RecordSource
    phone_index: int
    phones: int
    attempts: int  # attempts already made on phone_index
    due: Optional[float]  # retries: when it was due, seconds
    agent_id: Optional[int]  # the preview agent that held it, if any


class BufferCounts(NamedTuple):
    """Records in each part of the buffer."""

    lifo: int  # LIFO stack (approximate while inserts run)
    lifo_returned: int  # skipped LIFO records that found the stack full
    list: int
    retry: int  # rescheduled, due or not
    previewing: int  # held by preview agents
    in_flight: int  # dialed, result not reported yet
    duplicates_dropped: int  # LIFO inserts of a record already in the buffer


def _dial(raw: tuple[int, int, RecordSource]) -> RecordToDial:
    return RecordToDial(*raw)


class DialingBuffer:
    """The dialing buffer of one campaign group.

    Args:
        lifo_mode: LIFO mode: API inserts go on top of the buffer and every record gets
            one attempt (no treatment escalation).
        lifo_capacity: most LIFO-inserted records waiting at once (LIFO mode).
        list_batch: calling-list records fetched per refill (a refill fetches whole batches).
        refill_below: refill when fewer calling-list records than this wait (or fewer than
            a call asks for).
        treatments: per call result, overriding ``default_treatments()``.
        calling_list: the calling list, read lazily in batches of ``list_batch``: record
            ids, or (record id, number of phone numbers) pairs. Without it, the host adds
            list records itself (``add_list_records``, guided by ``list_wanted``).
    """

    def __init__(
        self,
        *,
        lifo_mode: bool = False,
        lifo_capacity: int = 1024,
        list_batch: int = 200,
        refill_below: int = 50,
        treatments: Mapping[CallResult, Treatment] | None = None,
        calling_list: Iterable[ListEntry] | None = None,
    ) -> None:
        self._core = _core.DialingBuffer(
            bool(lifo_mode), lifo_capacity, list_batch, refill_below, treatment_table(treatments)
        )
        self._lifo_mode = bool(lifo_mode)
        self._list: Iterator[ListEntry] | None = iter(calling_list) if calling_list is not None else None
        self._list_lock = threading.Lock()  # an iterator is not safe to advance from two threads

    @property
    def lifo_mode(self) -> bool:
        return self._lifo_mode

    def insert(self, record_id: int, *, phones: int = 1) -> bool:
        """Insert a record through the API (a web lead, a callback request).

        LIFO mode: on top, dialed next; returns False if the LIFO stack is full (the
        record was not taken). Otherwise: appended to the calling-list order; returns True.
        """
        return self._core.insert(record_id, phones)

    def add_list_records(self, record_ids: npt.ArrayLike, phones: npt.ArrayLike | None = None) -> None:
        """Append calling-list records in list order (``phones``: numbers per record, default 1)."""
        self._core.add_list_records(np.asarray(record_ids), None if phones is None else np.asarray(phones))

    def list_wanted(self, need: int = 0) -> int:
        """How many calling-list records to add now so that ``max(need, refill_below)`` wait.

        0 when they do, else the shortfall in whole batches of ``list_batch``.
        """
        return self._core.list_wanted(need)

    def _refill(self, need: int) -> None:
        if self._list is None:
            return
        with self._list_lock:
            wanted = self._core.list_wanted(need)
            if self._list is None or wanted == 0:
                return
            batch = list(itertools.islice(self._list, wanted))
            if len(batch) < wanted:
                self._list = None  # exhausted
            if not batch:
                return
            ids = [entry[0] if isinstance(entry, tuple) else entry for entry in batch]
            phones = [entry[1] if isinstance(entry, tuple) else 1 for entry in batch]
            self._core.add_list_records(np.asarray(ids), np.asarray(phones))

    def next_records(self, now: float, max_count: int) -> list[RecordToDial]:
        """Hand out up to ``max_count`` records to dial now, in buffer order.

        They are in flight until their result is reported with ``report``. With a calling
        list, enough whole batches are read first to have ``max_count`` list records.
        """
        self._refill(max_count if max_count > 0 else 0)  # a bad count is reported by the core
        return [_dial(raw) for raw in self._core.next(now, max_count)]

    def push_preview(self, agent_ids: Iterable[int], now: float) -> list[PreviewAssignment]:
        """Push Preview: give the next records to these ready agents, one each, in order.

        Agents that already preview a record are passed over.
        """
        agents = list(agent_ids)
        self._refill(len(agents))
        return [PreviewAssignment(agent, _dial(raw)) for agent, raw in self._core.push_preview(agents, now)]

    def pull_preview(self, agent_id: int, now: float) -> RecordToDial | None:
        """Pull Preview: the agent asks for a record (None when the buffer is empty)."""
        self._refill(1)
        raw = self._core.pull_preview(agent_id, now)
        return None if raw is None else _dial(raw)

    def preview_dial(self, agent_id: int) -> RecordToDial:
        """The agent dials the record it previews; it is now in flight."""
        return _dial(self._core.preview_dial(agent_id))

    def preview_skip(self, agent_id: int) -> None:
        """The agent skips its record; it goes back where it came from."""
        self._core.preview_skip(agent_id)

    def return_undialed(self, record_id: int) -> None:
        """A record handed out by ``next()`` that was not dialed after all goes back where
        it came from (no attempt is counted). Raises ValueError if it is not in flight."""
        self._core.return_undialed(record_id)

    def available(self, now: float) -> int:
        """How many records ``next(now, ...)`` could hand out now (retries due included)."""
        return int(self._core.available(now))

    def report(self, record_id: int, result: CallResult | int, now: float) -> Outcome:
        """The result of a dialed record; returns what its treatment did."""
        try:
            call_result = CallResult(result)
        except ValueError:
            raise ValueError(f"result must be a CallResult (got {result!r})") from None
        return Outcome(*self._core.report(record_id, call_result, now))

    def stop(self) -> list[ReturnedRecord]:
        """Take out every record not dialed, with where it came from.

        Order: LIFO (most recent first), previewed (by agent id), retries (by due time),
        calling list (in order). Records in flight are not returned; their results may
        still be reported. The calling list given at construction is not read further:
        what was not yet read stays in the caller's iterator.
        """
        with self._list_lock:
            self._list = None
        return [ReturnedRecord(*raw) for raw in self._core.stop()]

    def counts(self) -> BufferCounts:
        return BufferCounts(*self._core.counts())
