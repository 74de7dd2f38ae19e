"""SIP trunk adapter: places the calls a ``CampaignGroup`` asks for on a SIP trunk.

Needs the ``sip`` extra (``pip install outpace[sip]``, which brings ``sipmessage``).

- ``TrunkConfig`` / ``Timers``: the trunk and its limits, validated (config.py).
- ``UserAgentClient``: the asyncio UAC over UDP or TCP (uac.py, transaction.py).
- ``ResultTable``: SIP final responses and Q.850 causes -> ``CallResult`` (results.py).
- ``Trunk``: calls-per-second and concurrent-call caps, down detection (trunk.py).
- ``SipAdapter``: a group's actions -> calls -> the group's events (adapter.py).
"""

from __future__ import annotations

try:
    import sipmessage  # noqa: F401
except ImportError as exc:  # pragma: no cover - only without the extra
    raise ImportError("outpace.sip needs the 'sip' extra: pip install 'outpace[sip]'") from exc

from outpace.sip.adapter import AgentModel, CampaignReport, SimulatedAgents, SipAdapter
from outpace.sip.call import Call, CallOutcome, Ending
from outpace.sip.config import MIN_RING_TIMEOUT, Timers, TrunkConfig, parse_trunk_uri
from outpace.sip.results import DEFAULT_CAUSES, DEFAULT_CODES, ResultTable
from outpace.sip.trunk import Trunk, TrunkCall, TrunkCounts
from outpace.sip.uac import UserAgentClient

__all__ = [
    "DEFAULT_CAUSES",
    "DEFAULT_CODES",
    "MIN_RING_TIMEOUT",
    "AgentModel",
    "Call",
    "CallOutcome",
    "CampaignReport",
    "Ending",
    "ResultTable",
    "SimulatedAgents",
    "SipAdapter",
    "Timers",
    "Trunk",
    "TrunkCall",
    "TrunkConfig",
    "TrunkCounts",
    "UserAgentClient",
    "parse_trunk_uri",
]
