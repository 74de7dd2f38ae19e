"""An in-memory trunk for SIP tests that need exact control over what arrives."""

from __future__ import annotations

import asyncio

from outpace.sip import Timers, UserAgentClient
from outpace.sip.message import Incoming, parse
from outpace.sip.transport import Transport

TINY = Timers(t1=0.002, t2=0.008, t4=0.004, d=0.004)  # timer B = 128 ms


class FakeTransport(Transport):
    """Records what the UAC sends; the test answers through ``uac.receive``."""

    def __init__(self, reliable: bool = False) -> None:
        super().__init__("127.0.0.1", 5060, "127.0.0.1", lambda data: None, lambda exc: None)
        self.reliable = reliable
        self.name = "TCP" if reliable else "UDP"
        self.local_port = 5999
        self.sent: list[bytes] = []

    async def ensure_open(self) -> None:
        return None

    def send(self, data: bytes) -> None:
        self.sent.append(data)

    def close(self) -> None:
        return None

    def requests(self, method: str) -> list[Incoming]:
        out = []
        for data in self.sent:
            m = parse(data)
            assert m is not None, data
            if m.method == method:
                out.append(m)
        return out


def fake_uac(reliable: bool = False, timers: Timers = TINY, **kwargs: str) -> tuple[UserAgentClient, FakeTransport]:
    uac = UserAgentClient("tcp" if reliable else "udp", "127.0.0.1", 5060, timers=timers, **kwargs)  # type: ignore[arg-type]
    fake = FakeTransport(reliable)
    uac.transport = fake
    return uac, fake


def response(request: Incoming, code: int, phrase: str = "X", *, to_tag: str | None = "ft1", headers: str = "") -> bytes:
    """A response to ``request`` (its Via, From, To, Call-ID, CSeq)."""
    h = request.message.headers
    to = h["To"] + (f";tag={to_tag}" if to_tag and code > 100 and "tag=" not in h["To"] else "")
    return (
        f"SIP/2.0 {code} {phrase}\r\n"
        f"Via: {h['Via']}\r\n"
        f"From: {h['From']}\r\n"
        f"To: {to}\r\n"
        f"Call-ID: {h['Call-ID']}\r\n"
        f"CSeq: {h['CSeq']}\r\n"
        f"Contact: <sip:far@127.0.0.1:5060>\r\n"
        f"{headers}"
        f"Content-Length: 0\r\n\r\n"
    ).encode()


async def settled(uac: UserAgentClient, timeout: float = 3.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while uac.open_transactions or uac.active_calls:
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True
