"""What a campaign group asks the host to do, and how calls end."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Union

__all__ = ["Action", "Bridge", "CallResult", "Dial", "Drop", "Hold", "Preview", "RecordOrigin"]


class CallResult(str, enum.Enum):
    """How a placed call ended, as the host reports it (``call_failed``)."""

    ANSWER = "answer"
    ANSWERING_MACHINE = "answering_machine"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    INVALID_NUMBER = "invalid_number"
    VACANT = "vacant"
    NO_CIRCUIT = "no_circuit"
    REORDER = "reorder"
    DECLINED = "declined"
    NETWORK_FAILURE = "network_failure"
    DROPPED = "dropped"
    ABANDONED = "abandoned"


class RecordOrigin(str, enum.Enum):
    """Where a record returned by ``stop()`` came from."""

    INSERTED = "inserted"
    CALLING_LIST = "calling_list"
    PREVIEW = "preview"


@dataclass(frozen=True, slots=True)
class Dial:
    """Place ``call_id`` to ``record_id``; ``agent_id`` is the seized agent, if any."""

    call_id: int
    record_id: int
    agent_id: int | None = None


@dataclass(frozen=True, slots=True)
class Drop:
    """Hang up answered ``call_id``: no agent took it within tau (it counts as abandoned)."""

    call_id: int


@dataclass(frozen=True, slots=True)
class Bridge:
    """Connect answered ``call_id`` to ``agent_id``."""

    call_id: int
    agent_id: int


@dataclass(frozen=True, slots=True)
class Hold:
    """Answered ``call_id`` waits for an agent (play the hold message)."""

    call_id: int


@dataclass(frozen=True, slots=True)
class Preview:
    """Show ``record_id`` to ``agent_id``; if dialed it becomes ``call_id``."""

    call_id: int
    record_id: int
    agent_id: int


Action = Union[Dial, Drop, Bridge, Hold, Preview]
