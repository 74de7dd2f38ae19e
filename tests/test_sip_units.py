"""SIP adapter pieces without a network: settings, result table, digest, TCP framing."""

from __future__ import annotations

import math

import pytest
from sipmessage import AuthChallenge

from outpace import CallResult
from outpace.sip import (
    CallOutcome,
    Ending,
    ResultTable,
    Timers,
    TrunkConfig,
    parse_trunk_uri,
)
from outpace.sip.digest import authorization, choose_challenge, digest_response
from outpace.sip.message import parse
from outpace.sip.transport import StreamFramer

# ---- settings ------------------------------------------------------------------------


def test_trunk_uri_parts() -> None:
    assert parse_trunk_uri("sip:192.0.2.1") == ("192.0.2.1", 5060, "udp")
    assert parse_trunk_uri("sip:trunk.example.com:5080;transport=TCP") == ("trunk.example.com", 5080, "tcp")


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"uri": "http://x"}, "trunk uri must be a SIP URI"),
        ({"uri": "sip:"}, "trunk uri must be a SIP URI"),
        ({"uri": "sips:host"}, "scheme must be 'sip'"),
        ({"uri": "sip:host;transport=sctp"}, r"transport must be one of udp, tcp"),
        ({"uri": "sip:host:0"}, r"port must be in \[1, 65535\]"),
        ({"cps": -1.0}, r"cps must be in \(0, 10000\]"),
        ({"cps": 0.0}, r"cps must be in \(0, 10000\]"),
        ({"cps": math.nan}, r"cps must be in \(0, 10000\]"),
        ({"max_calls": 0}, r"max_calls must be in \[1, 100000\]"),
        ({"max_calls": 2.5}, "max_calls must be an integer"),
        ({"ring_timeout": 14.9}, r"ring_timeout must be in \[15, 600\]"),
        ({"ring_timeout": 601.0}, r"ring_timeout must be in \[15, 600\]"),
        ({"retry_down": 0.0}, r"retry_down must be in \(0, 3600\]"),
        ({"username": "alice"}, "username and password must be given together"),
        ({"caller": "a b"}, "caller must be a plain user part"),
    ],
)
def test_bad_trunk_settings_name_the_field_and_range(kwargs: dict[str, object], needle: str) -> None:
    args: dict[str, object] = {"uri": "sip:127.0.0.1:5060"} | kwargs
    with pytest.raises(ValueError, match=needle):
        TrunkConfig(**args)  # type: ignore[arg-type]


def test_ring_timeout_floor_is_the_legal_minimum() -> None:
    assert TrunkConfig("sip:127.0.0.1", ring_timeout=15).ring_timeout == 15


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [({"t1": 0.0}, r"t1 must be in \(0, 60\]"), ({"t1": 1.0, "t2": 0.5}, r"t2 must be in \[1, 600\]"), ({"t4": -1.0}, "t4")],
)
def test_bad_timers(kwargs: dict[str, float], needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        Timers(**kwargs)


def test_timer_b_is_64_t1() -> None:
    assert Timers().b == 32.0 and Timers(t1=0.05).b == pytest.approx(3.2)


# ---- result table --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (486, CallResult.BUSY),
        (600, CallResult.BUSY),
        (480, CallResult.NO_ANSWER),
        (408, CallResult.NO_ANSWER),
        (404, CallResult.INVALID_NUMBER),
        (484, CallResult.INVALID_NUMBER),
        (485, CallResult.INVALID_NUMBER),
        (604, CallResult.INVALID_NUMBER),
        (410, CallResult.VACANT),
        (503, CallResult.NO_CIRCUIT),
        (500, CallResult.REORDER),
        (502, CallResult.REORDER),
        (504, CallResult.REORDER),
        (603, CallResult.DECLINED),
        (488, CallResult.NETWORK_FAILURE),
        (302, CallResult.NETWORK_FAILURE),
        (499, CallResult.REORDER),
        (599, CallResult.REORDER),
        (699, CallResult.DECLINED),
    ],
)
def test_status_code_table(code: int, expected: CallResult) -> None:
    assert ResultTable().for_response(code) is expected


def test_q850_cause_refines_the_code() -> None:
    table = ResultTable()
    assert table.for_response(480, 17) is CallResult.BUSY
    assert table.for_response(404, 22) is CallResult.VACANT
    assert table.for_response(500, 34) is CallResult.NO_CIRCUIT
    assert table.for_response(503, 38) is CallResult.NO_CIRCUIT  # 38 is ambiguous: the code decides
    assert ResultTable(use_causes=False).for_response(480, 17) is CallResult.NO_ANSWER


def test_outcomes_without_a_final_code() -> None:
    table = ResultTable()
    assert table.for_outcome(CallOutcome(Ending.ANSWERED, 200)) is CallResult.ANSWER
    assert table.for_outcome(CallOutcome(Ending.RING_TIMEOUT, 487)) is CallResult.NO_ANSWER
    assert table.for_outcome(CallOutcome(Ending.RING_TIMEOUT)) is CallResult.NO_ANSWER
    assert table.for_outcome(CallOutcome(Ending.NO_RESPONSE)) is CallResult.NETWORK_FAILURE
    assert table.for_outcome(CallOutcome(Ending.TRANSPORT)) is CallResult.NETWORK_FAILURE


def test_table_is_overridable_and_checked() -> None:
    table = ResultTable(codes={480: CallResult.BUSY}, causes={16: CallResult.DECLINED})
    assert table.for_response(480) is CallResult.BUSY
    assert table.for_response(486) is CallResult.BUSY  # defaults kept
    assert table.for_response(404, 16) is CallResult.DECLINED
    with pytest.raises(ValueError, match=r"codes keys must be integers in \[300, 699\]"):
        ResultTable(codes={200: CallResult.BUSY})
    with pytest.raises(ValueError, match="must be a failure CallResult"):
        ResultTable(codes={486: CallResult.ANSWER})


# ---- digest --------------------------------------------------------------------------


def test_digest_rfc2617_example() -> None:
    # RFC 2617 §3.5.
    assert (
        digest_response(
            algorithm="MD5",
            username="Mufasa",
            realm="testrealm@host.com",
            password="Circle Of Life",
            method="GET",
            uri="/dir/index.html",
            nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
            qop="auth",
            nc="00000001",
            cnonce="0a4f113b",
        )
        == "6629fae49393a05397450978507c4ef1"
    )


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
        ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ],
)
def test_digest_rfc7616_examples(algorithm: str, expected: str) -> None:
    # RFC 7616 §3.9.1 (SIP uses the same computation, RFC 8760).
    assert (
        digest_response(
            algorithm=algorithm,
            username="Mufasa",
            realm="http-auth@example.org",
            password="Circle of Life",
            method="GET",
            uri="/dir/index.html",
            nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            qop="auth",
            nc="00000001",
            cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        )
        == expected
    )


def test_strongest_challenge_wins_and_header_matches() -> None:
    md5 = AuthChallenge.parse('Digest realm="r", nonce="n", algorithm=MD5')
    sha = AuthChallenge.parse('Digest realm="r", nonce="n", algorithm=SHA-512-256, qop="auth"')
    intonly = AuthChallenge.parse('Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth-int"')
    _header, chosen = choose_challenge([("WWW-Authenticate", md5), ("WWW-Authenticate", sha), ("WWW-Authenticate", intonly)]) or ("", md5)
    assert chosen is sha
    name, value = authorization("Proxy-Authenticate", sha, username="u", password="p", method="INVITE", uri="sip:1@h", cnonce="c")
    assert name == "Proxy-Authorization"
    assert "algorithm=SHA-512-256" in value and "qop=auth" in value and "nc=00000001" in value
    expected = digest_response(
        algorithm="SHA-512-256", username="u", realm="r", password="p", method="INVITE", uri="sip:1@h", nonce="n", qop="auth", cnonce="c"
    )
    assert f'response="{expected}"' in value
    assert choose_challenge([("WWW-Authenticate", AuthChallenge.parse('Digest realm="r", nonce="n", algorithm=SHA-1'))]) is None


# ---- parsing and framing -------------------------------------------------------------

RESPONSE = (
    b"SIP/2.0 486 Busy Here\r\n"
    b"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc;rport\r\n"
    b"From: <sip:a@127.0.0.1>;tag=1\r\n"
    b"To: <sip:b@127.0.0.1>;tag=2\r\n"
    b"Call-ID: x@127.0.0.1\r\n"
    b"CSeq: 7 INVITE\r\n"
    b"Reason: SIP;cause=486, Q.850;cause=17;text=\"User busy\"\r\n"
    b"Retry-After: 30\r\n"
    b"Content-Length: 4\r\n\r\nbody"
)


def test_parse_reads_what_the_uac_needs() -> None:
    r = parse(RESPONSE)
    assert r is not None
    assert (r.code, r.branch, r.cseq, r.cseq_method, r.to_tag, r.cause, r.retry_after) == (
        486, "z9hG4bKabc", 7, "INVITE", "2", 17, 30.0,
    )  # fmt: skip


@pytest.mark.parametrize("cut", [0, 1, 10, 40, 120, 200])
def test_truncated_messages_parse_to_none(cut: int) -> None:
    assert parse(RESPONSE[:cut]) is None


def test_stream_framer_splits_by_content_length() -> None:
    framer = StreamFramer()
    data = b"\r\n\r\n" + RESPONSE + RESPONSE
    out: list[bytes] = []
    for i in range(0, len(data), 7):
        out += framer.feed(data[i : i + 7])
    assert out == [RESPONSE, RESPONSE]


def test_stream_framer_drops_what_it_cannot_frame() -> None:
    framer = StreamFramer()
    assert framer.feed(b"x" * 70000) == []
    assert framer.feed(b"SIP/2.0 200 OK\r\nContent-Length: 999999\r\n\r\n") == []
    assert framer.feed(RESPONSE) == [RESPONSE]
