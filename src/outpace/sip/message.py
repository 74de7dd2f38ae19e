"""SIP messages on the wire: build requests, parse what the network sends.

Parsing goes through ``sipmessage`` (a maintained, typed, pure-Python RFC 3261 parser).
Everything the user agent needs from a message is read here, once, into
``Incoming``; any malformed or truncated message becomes ``None`` instead of an
exception, so nothing the network sends can raise inside the user agent.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sipmessage import (
    URI,
    Address,
    AuthChallenge,
    Message,
    Parameters,
    Request,
    Response,
)

__all__ = [
    "BRANCH_COOKIE",
    "Incoming",
    "address",
    "build_request",
    "new_branch",
    "new_tag",
    "parse",
    "sdp_offer",
]

BRANCH_COOKIE = "z9hG4bK"  # RFC 3261 §8.1.1.7: marks an RFC 3261 branch
_Q850 = re.compile(r"^\s*Q\.850\s*;(?:.*;)?\s*cause\s*=\s*(\d{1,3})\b", re.IGNORECASE)
MAX_MESSAGE = 65535  # bytes; larger is not a SIP message we accept


def new_branch() -> str:
    return BRANCH_COOKIE + secrets.token_hex(8)


def new_tag() -> str:
    return secrets.token_hex(6)


@dataclass(frozen=True)
class Incoming:
    """The parts of a received message the user agent acts on."""

    message: Request | Response
    call_id: str
    cseq: int
    cseq_method: str
    branch: str
    code: int = 0  # responses; 0 for requests
    method: str = ""  # requests; "" for responses
    to_tag: str | None = None
    contact: str | None = None  # first Contact URI (the remote target)
    record_route: tuple[str, ...] = ()
    cause: int | None = None  # Q.850 cause from a Reason header
    retry_after: float | None = None  # seconds

    @property
    def is_response(self) -> bool:
        return self.code != 0

    def challenges(self) -> list[tuple[str, AuthChallenge]]:
        """Every parseable Digest challenge, with the header it came in."""
        found: list[tuple[str, AuthChallenge]] = []
        for header in ("WWW-Authenticate", "Proxy-Authenticate"):
            for value in self.message.headers.getlist(header):
                try:
                    challenge = AuthChallenge.parse(value)
                except ValueError:
                    continue
                if challenge.scheme.lower() == "digest":
                    found.append((header, challenge))
        return found


def _cause(message: Message) -> int | None:
    for value in message.headers.getlist("Reason"):
        for part in value.split(","):
            m = _Q850.match(part)
            if m:
                return int(m.group(1))
    return None


def _retry_after(message: Message) -> float | None:
    value = message.headers.get("Retry-After")
    if value is None:
        return None
    m = re.match(r"\s*(\d{1,6})", value)
    return float(m.group(1)) if m else None


def parse(data: bytes) -> Incoming | None:
    """A received datagram or framed stream message, or None if it is not usable SIP."""
    if not data or len(data) > MAX_MESSAGE:
        return None
    try:
        message = Message.parse(data)
        vias = message.via
        if not vias:
            return None
        branch = vias[0].parameters.get("branch") or ""
        cseq = message.cseq
        to = message.to_address
        code = 0
        method = ""
        if isinstance(message, Response):
            code = message.code
            if not 100 <= code <= 699:
                return None
        else:
            method = message.method
        contacts = message.contact
        return Incoming(
            message=message,
            call_id=message.call_id,
            cseq=cseq.sequence,
            cseq_method=cseq.method.upper(),
            branch=branch,
            code=code,
            method=method.upper(),
            to_tag=to.parameters.get("tag"),
            contact=str(contacts[0].uri) if contacts else None,
            record_route=tuple(str(a) for a in message.record_route),
            cause=_cause(message),
            retry_after=_retry_after(message),
        )
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        # sipmessage raises ValueError (UnicodeDecodeError included) on bad syntax and
        # KeyError on a missing mandatory header; the rest guard odd corners.
        return None


def sdp_offer(host: str, port: int, session: int) -> bytes:
    """A minimal audio offer (PCMU, PCMA, telephone-event). No media is sent."""
    return (
        "v=0\r\n"
        f"o=outpace {session} {session} IN IP4 {host}\r\n"
        "s=outpace\r\n"
        f"c=IN IP4 {host}\r\n"
        "t=0 0\r\n"
        f"m=audio {port} RTP/AVP 0 8 101\r\n"
        "a=rtpmap:0 PCMU/8000\r\n"
        "a=rtpmap:8 PCMA/8000\r\n"
        "a=rtpmap:101 telephone-event/8000\r\n"
        "a=sendrecv\r\n"
    ).encode()


def build_request(
    method: str,
    uri: str,
    *,
    via: str,
    from_: str,
    to: str,
    call_id: str,
    cseq: int,
    contact: str | None = None,
    routes: tuple[str, ...] = (),
    headers: tuple[tuple[str, str], ...] = (),
    body: bytes = b"",
    content_type: str | None = None,
) -> bytes:
    """One request, serialised. Content-Length is always present (mandatory on TCP)."""
    request = Request(method, URI.parse(uri), body=body)
    h = request.headers
    h.add("Via", via)
    h.add("Max-Forwards", "70")
    for route in routes:
        h.add("Route", route)
    h.add("From", from_)
    h.add("To", to)
    h.add("Call-ID", call_id)
    h.add("CSeq", f"{cseq} {method}")
    if contact is not None:
        h.add("Contact", contact)
    for key, value in headers:
        h.add(key, value)
    h.add("User-Agent", "outpace")
    if content_type is not None:
        h.add("Content-Type", content_type)
    h.add("Content-Length", str(len(body)))
    return bytes(request)


def address(uri: str, tag: str | None = None) -> str:
    """``<uri>;tag=...`` for From/To."""
    params = {"tag": tag} if tag else {}
    return str(Address(uri=URI.parse(uri), parameters=Parameters(**params)))
