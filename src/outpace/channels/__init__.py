"""SMS and email campaigns: pacers (Rate per Minute, Auto Pacing, Broadcast), real
transports (SMTP, an SMS HTTP gateway such as Kannel, SMPP) and the campaign runner that
accounts for every contact.

The transports need the optional libraries of the ``channels`` extra
(``pip install 'outpace[channels]'``); they are imported from their own modules
(``outpace.channels.email``, ``.sms_http``, ``.smpp``) so that the pacers and the
campaign runner work without them.
"""

from __future__ import annotations

from outpace.channels.addresses import normalize_email, normalize_phone
from outpace.channels.campaign import (
    CampaignReport,
    ContactOutcome,
    Outcome,
    RetryPolicy,
    run_campaign,
)
from outpace.channels.clock import Clock, FakeClock, SystemClock
from outpace.channels.pacing import (
    AutoPacing,
    Broadcast,
    Pacer,
    ProviderCap,
    RatePerMinute,
    Window,
)
from outpace.channels.template import MessageTemplate, MissingField
from outpace.channels.transport import (
    Accepted,
    Channel,
    Deferred,
    DeliveryReport,
    Message,
    Rejected,
    SendResult,
    Transport,
    TransportError,
)

__all__ = [
    "Accepted",
    "AutoPacing",
    "Broadcast",
    "CampaignReport",
    "Channel",
    "Clock",
    "ContactOutcome",
    "Deferred",
    "DeliveryReport",
    "FakeClock",
    "Message",
    "MessageTemplate",
    "MissingField",
    "Outcome",
    "Pacer",
    "ProviderCap",
    "RatePerMinute",
    "Rejected",
    "RetryPolicy",
    "SendResult",
    "SystemClock",
    "Transport",
    "TransportError",
    "Window",
    "normalize_email",
    "normalize_phone",
    "run_campaign",
]
