"""UAC rules that SIPp cannot show on UDP: 2xx retransmissions, 407, races, TCP loss."""

from __future__ import annotations

import asyncio

from sip_fake import fake_uac, response, settled

from outpace.sip import Ending
from outpace.sip.digest import digest_response


def test_every_retransmitted_200_is_acked_again_on_udp() -> None:
    async def go() -> None:
        uac, fake = fake_uac()
        task = asyncio.ensure_future(uac.invite("100", ring_timeout=1.0))
        await asyncio.sleep(0)
        invite = fake.requests("INVITE")[0]
        ok = response(invite, 200, "OK")
        for _ in range(3):
            uac.receive(ok)
        call = await task
        assert call.answered
        acks = fake.requests("ACK")
        assert len(acks) == 3 and len({a.message.headers["Via"] for a in acks}) == 1
        assert acks[0].branch != invite.branch and acks[0].to_tag == "ft1"
        assert str(acks[0].message.uri) == "sip:far@127.0.0.1:5060"  # the 200's Contact
        await uac.hangup(call)
        uac.receive(response(fake.requests("BYE")[0], 200, "OK"))
        assert await settled(uac)

    asyncio.run(go())


def test_proxy_challenge_is_answered_once_with_proxy_authorization() -> None:
    async def go() -> None:
        uac, fake = fake_uac(username="bob", password="pw")
        task = asyncio.ensure_future(uac.invite("200", ring_timeout=1.0))
        await asyncio.sleep(0)
        first = fake.requests("INVITE")[0]
        challenge = 'Proxy-Authenticate: Digest realm="carrier", nonce="abc", qop="auth", algorithm=SHA-256\r\n'
        uac.receive(response(first, 407, "Proxy Authentication Required", headers=challenge))
        await asyncio.sleep(0)
        second = fake.requests("INVITE")[1]
        assert second.cseq == first.cseq + 1 and second.branch != first.branch and second.call_id == first.call_id
        value = second.message.headers["Proxy-Authorization"]
        params = dict(p.strip().split("=", 1) for p in value.removeprefix("Digest ").split(", "))
        expected = digest_response(
            algorithm="SHA-256", username="bob", realm="carrier", password="pw", method="INVITE",
            uri=str(second.message.uri), nonce="abc", qop="auth", nc=params["nc"], cnonce=params["cnonce"].strip('"'),
        )  # fmt: skip
        assert params["response"] == f'"{expected}"'
        # A second challenge is final: the credentials are wrong, not the contact.
        uac.receive(response(second, 407, "Proxy Authentication Required", headers=challenge))
        call = await task
        assert call.outcome is not None and (call.outcome.ending, call.outcome.code) == (Ending.REJECTED, 407)
        assert len(fake.requests("INVITE")) == 2
        assert await settled(uac)

    asyncio.run(go())


def test_200_after_cancel_is_an_answer() -> None:
    async def go() -> None:
        uac, fake = fake_uac()
        task = asyncio.ensure_future(uac.invite("300", ring_timeout=0.02))
        await asyncio.sleep(0)
        invite = fake.requests("INVITE")[0]
        uac.receive(response(invite, 180, "Ringing"))
        await asyncio.sleep(0.05)
        cancel = fake.requests("CANCEL")[0]
        assert cancel.branch == invite.branch and cancel.to_tag is None  # §9.1
        uac.receive(response(invite, 200, "OK"))  # the callee answered as we gave up
        call = await task
        assert call.answered
        uac.receive(response(cancel, 481, "Gone"))
        await uac.hangup(call)
        uac.receive(response(fake.requests("BYE")[0], 200, "OK"))
        assert await settled(uac)

    asyncio.run(go())


def test_only_100_trying_cannot_hold_a_call_forever() -> None:
    async def go() -> None:
        uac, fake = fake_uac()
        task = asyncio.ensure_future(uac.invite("400", ring_timeout=0.02))
        await asyncio.sleep(0)
        uac.receive(response(fake.requests("INVITE")[0], 100, "Trying"))
        call = await asyncio.wait_for(task, 2.0)  # CANCEL after 20 ms, then 64 T1 without a final
        assert call.outcome is not None and call.outcome.ending is Ending.RING_TIMEOUT
        assert len(fake.requests("CANCEL")) >= 1
        assert await settled(uac)

    asyncio.run(go())


def test_tcp_connection_loss_fails_open_calls_at_once() -> None:
    async def go() -> None:
        uac, _fake = fake_uac(reliable=True)
        task = asyncio.ensure_future(uac.invite("500", ring_timeout=1.0))
        await asyncio.sleep(0)
        uac._transport_error(ConnectionResetError("peer reset"))
        call = await asyncio.wait_for(task, 0.5)
        assert call.outcome is not None and call.outcome.ending is Ending.TRANSPORT
        assert await settled(uac)

    asyncio.run(go())


def test_incoming_bye_is_answered_and_ends_the_call() -> None:
    async def go() -> None:
        uac, fake = fake_uac()
        task = asyncio.ensure_future(uac.invite("600", ring_timeout=1.0))
        await asyncio.sleep(0)
        invite = fake.requests("INVITE")[0]
        uac.receive(response(invite, 200, "OK"))
        call = await task
        h = invite.message.headers
        bye = (
            f"BYE sip:outpace@127.0.0.1:5999 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKfar\r\n"
            f"From: {h['To']};tag=ft1\r\nTo: {h['From']}\r\nCall-ID: {h['Call-ID']}\r\nCSeq: 9 BYE\r\n"
            "Content-Length: 0\r\n\r\n"
        ).encode()
        uac.receive(bye)
        assert call.remote_hangup.is_set() and call.ended
        assert b"SIP/2.0 200 OK" in fake.sent[-1] and b"9 BYE" in fake.sent[-1]
        assert await uac.hangup(call) is False  # nothing left to hang up
        assert await settled(uac)

    asyncio.run(go())
