"""What a channel transport is: one message in, one of three results out.

- :class:`Accepted`: the provider took the message (an SMTP 250, an SMPP
  ``submit_sm_resp`` with status 0, Kannel's 202). Delivery to the handset or mailbox is
  reported later, if at all (delivery reports, bounces).
- :class:`Rejected`: a permanent refusal (SMTP 5xx, an invalid destination). Not retried.
- :class:`Deferred`: a temporary refusal (SMTP 4xx, SMPP throttling, HTTP 503 / 429).
  The campaign retries it with backoff, up to a limit.

A transport raises :class:`TransportError` when it could not get an answer. The error
says whether the message can have reached the provider: if not (the connection was
refused, the bind failed) it is retried like a deferral; if it may have (the connection
dropped after the message was handed over) it is *not* retried, so no contact gets the
same message twice, and the campaign counts it as failed with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from outpace.config.fields import Channel  # one definition for all channels (voice, sms, email)

__all__ = [
    "Accepted",
    "Channel",
    "Deferred",
    "DeliveryReport",
    "Message",
    "Rejected",
    "SendResult",
    "Transport",
    "TransportError",
]




@dataclass(frozen=True)
class Message:
    """One rendered message to one contact.

    Attributes:
        contact_id: the contact's identifier in the campaign (for reports).
        to: the normalized address: E.164 (``+4915112345678``) or ``user@example.org``.
        body: the text.
        subject: email subject (ignored by SMS transports).
        message_id: the campaign's identifier of this message, unique per contact; an SMS
            gateway echoes it in delivery reports.
    """

    contact_id: str
    to: str
    body: str
    subject: str = ""
    message_id: str = ""


@dataclass(frozen=True)
class Accepted:
    provider_id: str = ""  # the provider's identifier (SMPP message_id, SMTP Message-ID)
    detail: str = ""


@dataclass(frozen=True)
class Rejected:
    code: str  # the provider's code: "550", "0x0B", "HTTP 400"
    detail: str = ""


@dataclass(frozen=True)
class Deferred:
    code: str
    detail: str = ""
    retry_after: float | None = None  # seconds, when the provider said (Retry-After)


SendResult = Accepted | Rejected | Deferred


class TransportError(Exception):
    """No answer from the provider.

    Attributes:
        may_have_sent: True when the message may have reached the provider (so it must
            not be sent again), False when it certainly did not.
    """

    def __init__(self, detail: str, *, may_have_sent: bool) -> None:
        super().__init__(detail)
        self.may_have_sent = may_have_sent


class Transport(Protocol):
    """Sends messages of one channel. ``open`` before the first send, ``close`` after."""

    @property
    def channel(self) -> Channel: ...

    async def open(self) -> None: ...

    async def send(self, message: Message) -> SendResult: ...

    async def close(self) -> None: ...


@dataclass
class DeliveryReport:
    """A delivery report from an SMS gateway or SMSC, matched to the campaign's message.

    Attributes:
        message_id: the campaign's message id (or the provider's, where that is all the
            report carries).
        state: ``delivered``, ``failed``, ``buffered`` (still trying), ``submitted``
            (handed to the next hop) or ``rejected``.
        raw: the report's own fields, for the record.
    """

    message_id: str
    state: str
    raw: dict[str, str] = field(default_factory=dict)
