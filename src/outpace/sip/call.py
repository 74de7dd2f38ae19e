"""One outbound call as the user agent tracks it: identifiers, dialog state, outcome.

Identifiers follow RFC 3261 §8.1.1 and §12: one Call-ID and From tag for the whole
call (the re-INVITE after a digest challenge included), the To tag from the answer,
and the route set from the 2xx's Record-Route, reversed (§12.1.2).
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass, field

__all__ = ["Call", "CallOutcome", "Ending"]


class Ending(enum.Enum):
    """How the INVITE ended, before any mapping to a call result."""

    ANSWERED = "answered"  # 2xx
    REJECTED = "rejected"  # a final 3xx-6xx
    RING_TIMEOUT = "ring_timeout"  # we sent CANCEL after the ring timeout (487 or no final)
    NO_RESPONSE = "no_response"  # timer B: nothing at all from the trunk
    TRANSPORT = "transport"  # could not send, or the connection broke


@dataclass(frozen=True)
class CallOutcome:
    """The final word on an INVITE.

    Attributes:
        ending: what happened.
        code: the final SIP status code, if one arrived.
        cause: the Q.850 cause from a ``Reason`` header, if any.
        responded: whether the trunk sent anything at all (any response).
        retry_after: seconds from a ``Retry-After`` header (5xx), if any.
    """

    ending: Ending
    code: int | None = None
    cause: int | None = None
    responded: bool = False
    retry_after: float | None = None


@dataclass
class Call:
    """A call placed by ``UserAgentClient.invite``. Read its ``outcome`` once it returns."""

    call_id: str
    request_uri: str
    local_uri: str
    from_tag: str
    cseq: int = 1
    invite_branch: str = ""
    invite_bytes: bytes = b""
    auth_header: tuple[str, str] | None = None
    to_tag: str | None = None
    remote_target: str | None = None
    route_set: tuple[str, ...] = ()
    ringing: bool = False
    cancel_sent: bool = False
    responded: bool = False
    outcome: CallOutcome | None = None
    acks: dict[int, bytes] = field(default_factory=dict)  # CSeq number -> the 2xx ACK sent
    ended: bool = False
    remote_hangup: asyncio.Event = field(default_factory=asyncio.Event)
    final: asyncio.Future[CallOutcome] | None = None
    ring_timer: asyncio.TimerHandle | None = None

    @property
    def answered(self) -> bool:
        return self.outcome is not None and self.outcome.ending is Ending.ANSWERED
