"""Settings of one SIP trunk and the RFC 3261 timers, validated when they are built.

Units: seconds for every time, calls per second for ``cps``. Bad values raise
ValueError naming the field and the allowed range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sipmessage import URI

__all__ = ["MIN_RING_TIMEOUT", "Timers", "TrunkConfig", "parse_trunk_uri"]

MIN_RING_TIMEOUT = 15.0
"""Seconds a call must ring before the dialer may give up (the legal minimum, e.g. US/UK)."""

_TRANSPORTS = ("udp", "tcp")


def _check_range(name: str, value: float, low: float, high: float, *, low_open: bool = False) -> None:
    ok = math.isfinite(value) and (value > low if low_open else value >= low) and value <= high
    if not ok:
        bracket = "(" if low_open else "["
        raise ValueError(f"{name} must be in {bracket}{low:g}, {high:g}] (got {value!r})")


@dataclass(frozen=True)
class Timers:
    """RFC 3261 timer bases (§17, Appendix A), in seconds.

    Timer A starts at ``t1`` and doubles (UDP only); B = F = M = 64·t1; E starts at
    ``t1`` and doubles up to ``t2`` (UDP only); D is ``d`` on UDP and 0 on TCP; K is
    ``t4`` on UDP and 0 on TCP. Tests shorten ``t1`` so that timer B is short.
    """

    t1: float = 0.5
    t2: float = 4.0
    t4: float = 5.0
    d: float = 32.0

    def __post_init__(self) -> None:
        _check_range("t1", self.t1, 0.0, 60.0, low_open=True)
        _check_range("t2", self.t2, self.t1, 600.0)
        _check_range("t4", self.t4, 0.0, 600.0)
        _check_range("d", self.d, 0.0, 600.0)

    @property
    def b(self) -> float:
        """INVITE transaction timeout: 64·T1."""
        return 64.0 * self.t1


def parse_trunk_uri(uri: str) -> tuple[str, int, str]:
    """``sip:host[:port][;transport=udp|tcp]`` -> (host, port, transport)."""
    if not isinstance(uri, str) or not uri:
        raise ValueError(f"trunk uri must be a SIP URI like 'sip:192.0.2.1:5060;transport=udp' (got {uri!r})")
    try:
        parsed = URI.parse(uri)
    except ValueError:
        raise ValueError(
            f"trunk uri must be a SIP URI like 'sip:192.0.2.1:5060;transport=udp' (got {uri!r})"
        ) from None
    if parsed.scheme != "sip":
        raise ValueError(f"trunk uri scheme must be 'sip' (got {parsed.scheme!r}; sips/TLS is not supported)")
    port = 5060 if parsed.port is None else parsed.port
    _check_range("trunk uri port", port, 1, 65535)
    transport = (parsed.parameters.get("transport") or "udp").lower()
    if transport not in _TRANSPORTS:
        raise ValueError(f"trunk uri transport must be one of {', '.join(_TRANSPORTS)} (got {transport!r})")
    return parsed.host, port, transport


@dataclass(frozen=True)
class TrunkConfig:
    """One SIP trunk.

    Attributes:
        uri: where the calls go, ``sip:host[:port][;transport=udp|tcp]``.
        cps: calls per second the trunk accepts (new INVITEs), in (0, 10000].
        max_calls: concurrent calls on the trunk (ringing or talking), in [1, 100000].
        ring_timeout: seconds a call may ring (from the first 180/183) before CANCEL;
            at least 15 s, the legal minimum, at most 600 s.
        username, password: digest credentials for 401/407 challenges (optional).
        caller: the user part of From (the caller id), e.g. ``"+15550100"``.
        retry_down: seconds between probe calls while the trunk is down (no response).
        timers: RFC 3261 timer bases.
        local_host: address to bind and to advertise in Via/Contact/SDP.
    """

    uri: str
    cps: float = 10.0
    max_calls: int = 100
    ring_timeout: float = 30.0
    username: str | None = None
    password: str | None = None
    caller: str = "outpace"
    retry_down: float = 30.0
    timers: Timers = field(default_factory=Timers)
    local_host: str = "127.0.0.1"

    def __post_init__(self) -> None:
        parse_trunk_uri(self.uri)
        _check_range("cps", self.cps, 0.0, 10000.0, low_open=True)
        if isinstance(self.max_calls, bool) or not isinstance(self.max_calls, int):
            raise ValueError(f"max_calls must be an integer in [1, 100000] (got {self.max_calls!r})")  # noqa: TRY004 - bad settings are ValueErrors here
        _check_range("max_calls", self.max_calls, 1, 100000)
        _check_range("ring_timeout", self.ring_timeout, MIN_RING_TIMEOUT, 600.0)
        _check_range("retry_down", self.retry_down, 0.0, 3600.0, low_open=True)
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password must be given together (digest authentication)")
        if not self.caller or any(c in self.caller for c in " <>;@\"\r\n"):
            raise ValueError(f"caller must be a plain user part such as '+15550100' (got {self.caller!r})")

    @property
    def host(self) -> str:
        return parse_trunk_uri(self.uri)[0]

    @property
    def port(self) -> int:
        return parse_trunk_uri(self.uri)[1]

    @property
    def transport(self) -> str:
        return parse_trunk_uri(self.uri)[2]
