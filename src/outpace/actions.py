"""What a campaign group asks the host to do."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Union

__all__ = ["Action", "Bridge", "Dial", "Drop", "Hold", "Preview", "RecordOrigin"]


class RecordOrigin(str, enum.Enum):
    """Where a record returned by ``stop()`` came from."""

    INSERTED = "inserted"
    CALLING_LIST = "calling_list"
    PREVIEW = "preview"
    RETRY = "retry"  # dialed before; a treatment scheduled it again (due or not)


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
