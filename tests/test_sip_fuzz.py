"""Fuzz what the network can send: malformed, truncated and mutated responses.

Whatever arrives, nothing raises out of the UAC's receive path, the call ends (timer B,
the ring timeout and 64·T1 after CANCEL bound it) and no transaction stays open.
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sip_fake import fake_uac, response, settled

from outpace.sip.message import parse
from outpace.sip.transport import StreamFramer

CODES = [100, 180, 183, 200, 401, 407, 404, 486, 487, 503, 603]
CHALLENGE = 'WWW-Authenticate: Digest realm="r", nonce="n", qop="auth"\r\nProxy-Authenticate: Digest realm=r\r\n'

mutation = st.one_of(
    st.tuples(st.just("keep"), st.integers(0, 0), st.binary(max_size=0)),
    st.tuples(st.just("cut"), st.integers(0, 600), st.binary(max_size=0)),
    st.tuples(st.just("flip"), st.integers(0, 600), st.binary(min_size=1, max_size=1)),
    st.tuples(st.just("insert"), st.integers(0, 600), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("noise"), st.integers(0, 0), st.binary(max_size=300)),
)


def mutate(data: bytes, how: tuple[str, int, bytes]) -> bytes:
    kind, at, extra = how
    at = min(at, len(data))
    if kind == "cut":
        return data[:at]
    if kind == "flip":
        return data[:at] + extra + data[at + 1 :]
    if kind == "insert":
        return data[:at] + extra + data[at:]
    if kind == "noise":
        return extra
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(CODES), mutation, st.booleans()), max_size=8),
    st.booleans(),
)
def test_malformed_responses_never_escape_and_never_hang_a_call(
    events: list[tuple[int, tuple[str, int, bytes], bool]], reliable: bool
) -> None:
    async def go() -> None:
        uac, fake = fake_uac(reliable=reliable, username="u", password="p")
        task = asyncio.ensure_future(uac.invite("123", ring_timeout=0.02))
        await asyncio.sleep(0)
        for code, how, challenge in events:
            invites = fake.requests("INVITE")
            data = response(invites[-1], code, headers=CHALLENGE if challenge else "")
            uac.receive(mutate(data, how))
            await asyncio.sleep(0)
        call = await asyncio.wait_for(task, 5.0)
        assert call.outcome is not None
        if call.answered:
            await asyncio.wait_for(uac.hangup(call), 5.0)  # timer F ends it if nothing answers
        assert await settled(uac, 5.0), f"{uac.open_transactions} transactions open"

    asyncio.run(go())


@given(st.binary(max_size=2000))
def test_parse_never_raises(data: bytes) -> None:
    parse(data)


@given(st.lists(st.binary(max_size=300), max_size=20))
def test_stream_framer_never_raises_and_never_grows_unbounded(chunks: list[bytes]) -> None:
    framer = StreamFramer()
    for chunk in chunks:
        for message in framer.feed(chunk):
            assert b"\r\n\r\n" in message
        assert len(framer._buffer) <= 65535 + 300
