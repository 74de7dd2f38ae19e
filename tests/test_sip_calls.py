"""End-to-end calls against SIPp on 127.0.0.1, over UDP and TCP, one scenario per case.

Each call must end with the right result, SIPp must count its call as successful (it
checks our ACK/CANCEL/BYE), and the UAC must be left with no open transaction.
Timers are shortened (T1 = 50 ms, so timer B = 3.2 s); the ring timeout is given to
the UAC directly, below the 15 s floor that ``TrunkConfig`` enforces (one test here
goes through ``Trunk`` and waits the full 15 s).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from sipp_peer import SCENARIOS, SippPeer, render, requires_sipp

from outpace import CallResult
from outpace.sip import Ending, ResultTable, Timers, Trunk, TrunkConfig, UserAgentClient

pytestmark = requires_sipp

FAST = Timers(t1=0.05, t2=0.4, t4=0.2, d=0.3)
TRANSPORTS = ["udp", "tcp"]
_REQUEST = re.compile(r"^(INVITE|ACK|CANCEL|BYE) (\S+) SIP/2\.0\r?\nVia: [^\n]*branch=([^;\s]+)", re.MULTILINE)


def requests(peer: SippPeer) -> list[tuple[str, str, str]]:
    """(method, request-URI, branch) of every request SIPp received, in order."""
    return _REQUEST.findall(peer.messages())


async def settle(uac: UserAgentClient, timeout: float = 5.0) -> None:
    """Wait until every transaction has terminated (timers D, K, M) and no call is up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while uac.open_transactions or uac.active_calls:
        assert loop.time() < deadline, f"{uac.open_transactions} transactions still open"
        await asyncio.sleep(0.05)


def finish(peer: SippPeer) -> None:
    code = peer.wait()
    assert code == 0, f"sipp exit {code}: {peer.errors()}"
    assert peer.counter("SuccessfulCall(C)") == 1
    assert peer.counter("FailedCall(C)") == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_answer_after_ringing_then_bye(transport: str, tmp_path: Path) -> None:
    second = (SCENARIOS / "second_200.fragment").read_text() if transport == "tcp" else ""
    scenario = render("uas_ring_answer.xml", tmp_path, second_200=second)
    with SippPeer(scenario, tmp_path, transport=transport, extra=("-d", "1000")) as peer:

        async def go() -> None:
            uac = UserAgentClient(transport, "127.0.0.1", peer.port, timers=FAST)
            loop = asyncio.get_running_loop()
            start = loop.time()
            call = await uac.invite("15550001", ring_timeout=15)
            assert call.outcome is not None and call.outcome.ending is Ending.ANSWERED
            assert ResultTable().for_outcome(call.outcome) is CallResult.ANSWER
            assert 0.9 < loop.time() - start < 3.0  # rang for the scenario's 1 s
            # Dialog targeting from the 200: its Contact, and Record-Route as the route set.
            assert call.remote_target is not None and call.remote_target.startswith("sip:answer@127.0.0.1")
            assert call.route_set == (f"<sip:proxy@127.0.0.1:{peer.port};lr>",)
            await asyncio.sleep(0.3)
            assert await uac.hangup(call) is True
            await settle(uac)
            uac.close()

        asyncio.run(go())
        finish(peer)
    sent = requests(peer)
    methods = [m for m, _, _ in sent]
    # TCP runs see the 200 twice and must ACK twice (SIPp checks the second ACK too).
    assert methods == ["INVITE", "ACK", "ACK", "BYE"] if transport == "tcp" else methods == ["INVITE", "ACK", "BYE"]
    invite_branch = sent[0][2]
    assert all(b.startswith("z9hG4bK") for _, _, b in sent)
    assert sent[1][2] != invite_branch  # the 2xx ACK is a transaction of its own
    assert sent[1][1].startswith("sip:answer@") and sent[-1][1].startswith("sip:answer@")


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(
    ("code", "phrase", "cause", "expected"),
    [
        (486, "Busy Here", 17, CallResult.BUSY),
        (404, "Not Found", 1, CallResult.INVALID_NUMBER),
        (503, "Service Unavailable", 34, CallResult.NO_CIRCUIT),
    ],
)
def test_rejected_call(transport: str, code: int, phrase: str, cause: int, expected: CallResult, tmp_path: Path) -> None:
    scenario = render("uas_reject.xml", tmp_path, code=code, phrase=phrase, cause=cause)
    with SippPeer(scenario, tmp_path, transport=transport) as peer:

        async def go() -> None:
            uac = UserAgentClient(transport, "127.0.0.1", peer.port, timers=FAST)
            call = await uac.invite("15550002", ring_timeout=15)
            assert call.outcome is not None
            assert (call.outcome.ending, call.outcome.code, call.outcome.cause) == (Ending.REJECTED, code, cause)
            assert ResultTable().for_outcome(call.outcome) is expected
            assert ResultTable(use_causes=False).for_outcome(call.outcome) is expected
            await settle(uac)
            uac.close()

        asyncio.run(go())
        finish(peer)
    sent = requests(peer)
    assert [m for m, _, _ in sent] == ["INVITE", "ACK"]
    assert sent[1][2] == sent[0][2]  # the non-2xx ACK belongs to the INVITE transaction
    assert sent[1][1] == sent[0][1]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_no_answer_is_cancelled_after_the_ring_timeout(transport: str, tmp_path: Path) -> None:
    with SippPeer("uas_noanswer.xml", tmp_path, transport=transport) as peer:

        async def go() -> None:
            uac = UserAgentClient(transport, "127.0.0.1", peer.port, timers=FAST)
            loop = asyncio.get_running_loop()
            start = loop.time()
            call = await uac.invite("15550003", ring_timeout=1.5)
            assert 1.4 < loop.time() - start < 3.0
            assert call.outcome is not None
            assert (call.outcome.ending, call.outcome.code) == (Ending.RING_TIMEOUT, 487)
            assert ResultTable().for_outcome(call.outcome) is CallResult.NO_ANSWER
            await settle(uac)
            uac.close()

        asyncio.run(go())
        finish(peer)
    sent = requests(peer)
    assert [m for m, _, _ in sent] == ["INVITE", "CANCEL", "ACK"]
    assert sent[0][2] == sent[1][2] == sent[2][2]  # CANCEL and the 487's ACK reuse the branch


def test_trunk_rings_at_least_the_legal_15_seconds(tmp_path: Path) -> None:
    with SippPeer("uas_noanswer.xml", tmp_path) as peer:
        trunk = Trunk(TrunkConfig(peer.uri, ring_timeout=15, timers=FAST))

        async def go() -> None:
            loop = asyncio.get_running_loop()
            start = loop.time()
            tc = await trunk.call("15550004")
            assert 15.0 <= loop.time() - start < 17.0
            assert tc.result is CallResult.NO_ANSWER
            assert trunk.counts().active == 0 and not trunk.down
            await settle(trunk.uac)
            trunk.close()

        asyncio.run(go())
        finish(peer)


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("qop", [False, True])
def test_digest_challenge_then_answer(transport: str, qop: bool, tmp_path: Path) -> None:
    scenario = render("uas_auth.xml", tmp_path, user="alice", password="s3cret", qop_param=', qop="auth"' if qop else "")
    with SippPeer(scenario, tmp_path, transport=transport) as peer:

        async def go() -> None:
            uac = UserAgentClient(transport, "127.0.0.1", peer.port, timers=FAST, username="alice", password="s3cret")
            call = await uac.invite("15550005", ring_timeout=15)
            assert call.outcome is not None and call.outcome.ending is Ending.ANSWERED
            assert call.cseq == 2  # the authenticated INVITE is CSeq + 1
            assert await uac.hangup(call) is True
            await settle(uac)
            uac.close()

        asyncio.run(go())
        finish(peer)
    sent = requests(peer)
    assert [m for m, _, _ in sent] == ["INVITE", "ACK", "INVITE", "ACK", "BYE"]
    assert sent[0][2] == sent[1][2] != sent[2][2]  # a new branch for the second INVITE
    text = peer.messages()
    assert text.count("Authorization: Digest") >= 1
    assert ("qop=auth" in text) is qop


def test_wrong_password_is_not_answered(tmp_path: Path) -> None:
    scenario = render("uas_auth.xml", tmp_path, user="alice", password="s3cret", qop_param="")
    with SippPeer(scenario, tmp_path) as peer:

        async def go() -> None:
            uac = UserAgentClient("udp", "127.0.0.1", peer.port, timers=FAST, username="alice", password="wrong")
            call = await uac.invite("15550006", ring_timeout=15)
            assert call.outcome is not None and (call.outcome.ending, call.outcome.code) == (Ending.REJECTED, 403)
            await settle(uac)
            uac.close()

        asyncio.run(go())
        assert peer.wait() != 0  # SIPp's verifyauth refused the digest


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_no_response_at_all_ends_on_timer_b(transport: str, tmp_path: Path) -> None:
    scenario = render("uas_silent.xml", tmp_path, linger=4500)
    with SippPeer(scenario, tmp_path, transport=transport) as peer:
        trunk = Trunk(TrunkConfig(peer.uri, timers=FAST))

        async def go() -> None:
            loop = asyncio.get_running_loop()
            start = loop.time()
            tc = await trunk.call("15550007")
            elapsed = loop.time() - start
            assert FAST.b - 0.05 <= elapsed < FAST.b + 0.8  # timer B = 64 * T1 = 3.2 s
            assert tc.outcome.ending is Ending.NO_RESPONSE and not tc.outcome.responded
            assert tc.result is CallResult.NETWORK_FAILURE
            assert trunk.down
            assert trunk.uac.open_transactions == 0 and trunk.uac.active_calls == 0
            # Keep the TCP connection until SIPp's scenario is over (else FailedTcpClosed).
            await asyncio.sleep(4.8 - elapsed)
            trunk.close()

        asyncio.run(go())
        finish(peer)
    invites = [m for m, _, _ in requests(peer) if m == "INVITE"]
    if transport == "udp":
        # Timer A: retransmissions at 0.05, 0.15, 0.35, 0.75, 1.55 and 3.15 s.
        assert len(invites) == 7
    else:
        assert len(invites) == 1  # no retransmission over a reliable transport
