"""SMS end to end through Kannel: HTTP sendsms, the fake SMSC, delivery reports.

bearerbox, smsbox and fakesmsc run from the Debian packages kannel and kannel-extras,
every port pinned to 127.0.0.1; delivery reports come back through ``dlr-url`` to an HTTP
server of the test. Skipped, with the reason, where the binaries are missing.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("httpx", reason="the channels extra (httpx) is not installed")
from channel_servers import DlrReceiver, Kannel, kannel_missing

from outpace.channels import (
    Broadcast,
    MessageTemplate,
    Outcome,
    ProviderCap,
    RatePerMinute,
    RetryPolicy,
    run_campaign,
)
from outpace.channels.sms_http import KannelTransport, is_gsm7, parse_kannel_dlr

pytestmark = pytest.mark.skipif(kannel_missing() is not None, reason=kannel_missing() or "")


@pytest.fixture(scope="module")
def kannel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kannel]:
    gateway = Kannel(tmp_path_factory.mktemp("kannel")).start()
    yield gateway
    gateway.stop()


def contacts(n: int, offset: int = 0) -> list[dict[str, str]]:
    return [{"id": f"c{i}", "phone": f"+49151{i + offset:08d}", "name": f"Kim{i + offset}"} for i in range(n)]


TEMPLATE = MessageTemplate("Hi {name}, your code is 4711")


def test_sendsms_with_delivery_reports(kannel: Kannel) -> None:
    rows = contacts(20) + [
        {"id": "short", "phone": "0151 123", "name": "x"},  # no country code
        {"id": "noname", "phone": "+4915199999999", "name": ""},
    ]
    with DlrReceiver() as dlr:
        transport = KannelTransport(kannel.sendsms_url, username=kannel.username, password=kannel.password,
                                    sender="Shop", dlr_url=dlr.url)
        report = asyncio.run(run_campaign(rows, template=TEMPLATE, transport=transport, address_field="phone",
                                          pacer=RatePerMinute(1200, ProviderCap(connections=2))))
        counts = report.counts
        assert counts[Outcome.ACCEPTED] == 20 and counts[Outcome.INVALID] == 2 and report.totals_add_up()
        assert all(o.detail == "0: Accepted for delivery" for o in report.contacts if o.outcome == Outcome.ACCEPTED)
        # Kannel reports each message twice: 8 (taken by the SMSC), then 1 (delivered).
        reports = [parse_kannel_dlr(q) for q in dlr.wait_for(40)]
    ids = {o.message_id for o in report.contacts if o.outcome == Outcome.ACCEPTED}
    states = Counter((r.message_id, r.state) for r in reports)
    assert set(states) == {(i, s) for i in ids for s in ("submitted", "delivered")}
    assert all(v == 1 for v in states.values())
    to_by_id = {o.message_id: o.to for o in report.contacts}
    assert all(r.raw["to"] == to_by_id[r.message_id] for r in reports)
    # The SMSC got every accepted message once, rendered for its contact.
    received = Counter(kannel.received())
    expected = {f"{o.to} Hi Kim{o.contact_id[1:]}, your code is 4711" for o in report.contacts
                if o.outcome == Outcome.ACCEPTED}
    assert {line for line in received if "Kim" in line and "4711" in line} >= expected
    assert all(received[line] == 1 for line in expected)


def test_bad_credentials_are_rejected_per_contact(kannel: Kannel) -> None:
    transport = KannelTransport(kannel.sendsms_url, username=kannel.username, password="wrong")
    report = asyncio.run(run_campaign(contacts(3, offset=100), template=TEMPLATE, transport=transport,
                                      address_field="phone", pacer=Broadcast()))
    assert report.counts[Outcome.REJECTED] == 3 and report.totals_add_up()
    assert all(o.detail.startswith("HTTP 403") and len(o.attempts) == 1 for o in report.contacts)


def test_full_queue_is_deferred_retried_and_nothing_is_sent_twice(tmp_path: Path) -> None:
    # The SMSC is offline, so messages queue in bearerbox; beyond 5 Kannel answers 503.
    gateway = Kannel(tmp_path, queue_limit=5, with_smsc=False).start()
    try:
        transport = KannelTransport(gateway.sendsms_url, username=gateway.username, password=gateway.password)
        report = asyncio.run(run_campaign(contacts(9, offset=200), template=TEMPLATE, transport=transport,
                                          address_field="phone", pacer=Broadcast(ProviderCap(connections=1)),
                                          retry=RetryPolicy(max_attempts=3, backoff=0.1)))
        counts = report.counts
        assert report.totals_add_up()
        accepted = [o for o in report.contacts if o.outcome == Outcome.ACCEPTED]
        failed = [o for o in report.contacts if o.outcome == Outcome.FAILED]
        assert len(accepted) == 5 and len(failed) == 4, counts
        assert all(o.detail == "3: Queued for later delivery" for o in accepted)
        assert all(len(o.attempts) == 3 and "HTTP 503" in o.detail for o in failed)
        # The SMSC comes online: exactly the five accepted messages arrive, once each.
        gateway.start_smsc()
        deadline = asyncio.run(_wait(lambda: len(gateway.received()) >= 5, 10.0))
        assert deadline
        received = gateway.received()
        assert sorted(line.split(" ", 1)[0] for line in received) == sorted(o.to for o in accepted)
    finally:
        gateway.stop()


async def _wait(condition: object, seconds: float) -> bool:
    assert callable(condition)
    for _ in range(int(seconds / 0.05)):
        if condition():
            await asyncio.sleep(0.3)  # anything extra (a duplicate) would arrive now
            return True
        await asyncio.sleep(0.05)
    return False


def test_message_coding_and_dlr_parsing() -> None:
    assert is_gsm7("Hello {}[]~ €5 @home") and not is_gsm7("Привет") and not is_gsm7("emoji 🙂")
    t = KannelTransport("http://127.0.0.1:1/cgi-bin/sendsms", username="u", password="p",
                        dlr_url="http://127.0.0.1:2/dlr?campaign=7")
    from outpace.channels import Message

    params = t.params(Message("c1", "+4915100000001", "Привет", message_id="abc-1"))
    assert params["coding"] == "2" and params["dlr-mask"] == "31"
    assert params["dlr-url"] == "http://127.0.0.1:2/dlr?campaign=7&id=abc-1&status=%d&answer=%A&ts=%T&to=%p"
    assert parse_kannel_dlr({"id": "abc-1", "status": "2"}).state == "failed"
    with pytest.raises(ValueError, match="status must be one of 1, 2, 4, 8, 16"):
        parse_kannel_dlr({"id": "abc-1", "status": "3"})
    with pytest.raises(ValueError, match=r"dlr_mask must be a whole number in \[1, 31\]"):
        KannelTransport("http://127.0.0.1:1/", username="u", password="p", dlr_mask=0)
    with pytest.raises(ValueError, match="url must be an http"):
        KannelTransport("smpp://127.0.0.1:1/", username="u", password="p")
