"""SMS over SMPP: SmppTransport against a small SMSC of the tests (tests/smsc.py) on
127.0.0.1, and against Kannel's drive_smpp inside a private network namespace."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("smpplib", reason="the channels extra (smpplib) is not installed")
from channel_servers import DRIVE_SMPP, free_port
from smsc import Smsc

from outpace.channels import (
    Broadcast,
    MessageTemplate,
    Outcome,
    ProviderCap,
    RatePerMinute,
    RetryPolicy,
    TransportError,
    run_campaign,
)
from outpace.channels.smpp import SmppTransport, parse_receipt

TEMPLATE = MessageTemplate("Hi {name}, your parcel arrives today")


def contacts(n: int) -> list[dict[str, str]]:
    return [{"id": f"c{i}", "to": f"+4915200{i:06d}", "name": f"Sam{i}"} for i in range(n)]


def run(rows: list[dict[str, str]], transport: SmppTransport, **kwargs: object) -> object:
    kwargs.setdefault("pacer", Broadcast(ProviderCap(connections=2)))
    kwargs.setdefault("retry", RetryPolicy(max_attempts=3, backoff=0.05))
    return asyncio.run(run_campaign(rows, template=TEMPLATE, transport=transport, **kwargs))  # type: ignore[arg-type]


def test_accept_throttle_reject_with_receipts() -> None:
    statuses = {
        "4915200000001": [0x0B],  # invalid destination: rejected
        "4915200000002": [0x58, 0x58],  # throttled twice, then accepted
        "4915200000003": [0x14] * 3,  # queue full on every try: failed after 3
        "4915200000004": [0x45],  # submit failed: rejected
    }
    with Smsc(statuses=statuses) as smsc:
        transport = SmppTransport("127.0.0.1", smsc.port, system_id="shop", password="secret", source_addr="Shop",
                                  linger=0.3)
        report = run(contacts(12) + [{"id": "bad", "to": "+49", "name": "x"}], transport)
    assert report.counts == {Outcome.ACCEPTED: 9, Outcome.REJECTED: 2, Outcome.FAILED: 1, Outcome.INVALID: 1,  # type: ignore[attr-defined]
                             Outcome.EXPIRED: 0}
    by_id = {o.contact_id: o for o in report.contacts}  # type: ignore[attr-defined]
    assert by_id["c1"].detail.startswith("0x0b") and len(by_id["c1"].attempts) == 1
    assert by_id["c2"].outcome == Outcome.ACCEPTED and len(by_id["c2"].attempts) == 3
    assert by_id["c3"].outcome == Outcome.FAILED and "ESME_RMSGQFUL" in by_id["c3"].detail
    # The SMSC accepted each accepted contact exactly once, with the rendered text.
    accepted = Counter(dest for dest, *_ in smsc.accepted)
    assert set(accepted) == {o.to.lstrip("+") for o in report.contacts if o.outcome == Outcome.ACCEPTED}  # type: ignore[attr-defined]
    assert all(v == 1 for v in accepted.values())
    text = next(t for d, t, _, _ in smsc.accepted if d == "4915200000005")
    assert b"Sam5, your parcel" in text
    # A receipt for every accepted message, matched by the SMSC's message id.
    provider_ids = {o.provider_id for o in report.contacts if o.outcome == Outcome.ACCEPTED}  # type: ignore[attr-defined]
    assert {r.message_id for r in transport.reports} == provider_ids
    assert {r.state for r in transport.reports} == {"delivered"}
    assert smsc.max_sessions <= 2


def test_unicode_and_long_texts_go_in_parts() -> None:
    with Smsc() as smsc:
        transport = SmppTransport("127.0.0.1", smsc.port, system_id="shop", password="secret", receipts=False)
        rows = [{"to": "+4915200000001", "name": "Привет"}, {"to": "+4915200000002", "name": "x" * 300}]
        report = run(rows, transport)
    assert report.counts[Outcome.ACCEPTED] == 2  # type: ignore[attr-defined]
    codings = Counter((d, c) for d, _, c, _ in smsc.accepted)
    assert codings[("4915200000001", 8)] == 1  # UCS-2
    assert sum(v for (d, _), v in codings.items() if d == "4915200000002") == 3  # 300+ GSM chars: 3 parts
    assert "3 part(s)" in report.contacts[1].detail  # type: ignore[attr-defined]


def test_a_hangup_between_messages_is_rebound_and_nothing_is_lost() -> None:
    with Smsc(hangup_after=3) as smsc:
        transport = SmppTransport("127.0.0.1", smsc.port, system_id="shop", password="secret")
        report = run(contacts(10), transport, pacer=RatePerMinute(3000, ProviderCap(connections=1)))
    assert report.counts[Outcome.ACCEPTED] == 10  # type: ignore[attr-defined]
    assert len(smsc.accepted) == 10 and smsc.binds >= 4


def test_no_response_is_failed_not_resent() -> None:
    with Smsc(silent={"4915200000000"}) as smsc:
        transport = SmppTransport("127.0.0.1", smsc.port, system_id="shop", password="secret", timeout=0.5)
        report = run(contacts(3), transport, pacer=Broadcast(ProviderCap(connections=1)))
    by_id = {o.contact_id: o for o in report.contacts}  # type: ignore[attr-defined]
    assert by_id["c0"].outcome == Outcome.FAILED and "not retried" in by_id["c0"].detail
    assert smsc.tries["4915200000000"] == 1
    assert by_id["c1"].outcome == by_id["c2"].outcome == Outcome.ACCEPTED


def test_wrong_password_fails_at_open() -> None:
    with Smsc() as smsc:
        transport = SmppTransport("127.0.0.1", smsc.port, system_id="shop", password="nope")
        with pytest.raises(TransportError, match="refused the bind"):
            asyncio.run(transport.open())


def test_parameters_and_receipt_parsing() -> None:
    with pytest.raises(ValueError, match=r"port must be a whole number in \[1, 65535\]"):
        SmppTransport("127.0.0.1", 0, system_id="a", password="b")
    with pytest.raises(ValueError, match="system_id must be 1 to 15 characters"):
        SmppTransport("127.0.0.1", system_id="", password="b")
    r = parse_receipt("id:0123abc sub:001 dlvrd:000 submit date:2406011200 done date:2406011201 stat:UNDELIV err:001")
    assert (r.message_id, r.state) == ("0123abc", "failed")
    with pytest.raises(ValueError, match="not a delivery receipt"):
        parse_receipt("hello")


def _netns_works() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    probe = subprocess.run(["unshare", "-n", "ip", "link", "set", "lo", "up"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not os.access(DRIVE_SMPP, os.X_OK), reason=f"{DRIVE_SMPP} not found (Debian package kannel-extras)")
@pytest.mark.skipif(not _netns_works(), reason="cannot make a private network namespace (unshare -n) here")
def test_against_kannel_drive_smpp_in_a_network_namespace(tmp_path: Path) -> None:
    # drive_smpp listens on every address, so it runs only inside a namespace of its own,
    # where loopback is the only interface; the client runs in the same namespace.
    port = free_port()
    client = tmp_path / "client.py"
    client.write_text(textwrap.dedent(f"""
        import asyncio, json
        from outpace.channels import Broadcast, MessageTemplate, ProviderCap, run_campaign
        from outpace.channels.smpp import SmppTransport
        rows = [{{"to": f"+491520000{{i:04d}}", "name": f"N{{i}}"}} for i in range(5)]
        transport = SmppTransport("127.0.0.1", {port}, system_id="foo", password="bar", system_type="VMA",
                                  receipts=False)
        report = asyncio.run(run_campaign(rows, template=MessageTemplate("drive {{name}}"), transport=transport,
                                          pacer=Broadcast(ProviderCap(connections=1))))
        print(json.dumps({{o.contact_id: [o.outcome.value, o.provider_id] for o in report.contacts}}))
    """))
    script = f"""
        set -e
        ip link set lo up
        {DRIVE_SMPP} -v 0 -p {port} -m 1 > drive_smpp.log 2>&1 &
        DS=$!
        # Wait for the listening socket without connecting to it (drive_smpp -m 1 takes
        # one client only).
        for i in $(seq 50); do ss -Hltn "sport = :{port}" | grep -q . && break; sleep 0.1; done
        {sys.executable} client.py > result.json || true
        kill -INT $DS 2>/dev/null || true
        sleep 0.5; kill -KILL $DS 2>/dev/null || true
    """
    subprocess.run(["unshare", "-n", "bash", "-c", textwrap.dedent(script)], cwd=tmp_path, timeout=60, check=True)
    result = json.loads((tmp_path / "result.json").read_text() or "{}")
    assert result, (tmp_path / "drive_smpp.log").read_text()[-2000:]
    assert [v[0] for v in result.values()] == ["accepted"] * 5
    log = (tmp_path / "drive_smpp.log").read_text(errors="replace")
    # Each message reached the SMSC simulator exactly once.
    assert all(log.count(f"short_message = <drive N{i}>") == 1 for i in range(5)), log[-2000:]
