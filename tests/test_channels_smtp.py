"""Email end to end: SmtpTransport against aiosmtpd servers on 127.0.0.1.

The server accepts most recipients, rejects chosen ones with 550 and defers others with
451 a chosen number of times; every message must be accounted for, delivered at most
once, and the deferred ones retried.
"""

from __future__ import annotations

import asyncio
import gc
import ssl
import time
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("aiosmtplib", reason="the channels extra (aiosmtplib) is not installed")
aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd (test extra) is not installed")
from aiosmtpd.smtp import AuthResult, LoginPassword
from channel_servers import free_port, self_signed_cert

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
from outpace.channels.email import SmtpTransport


class Mailbox:
    """aiosmtpd handler: 550 for ``reject``, 451 for the first ``defer[addr]`` tries."""

    def __init__(self, reject: set[str] = frozenset(), defer: dict[str, int] | None = None) -> None:  # type: ignore[assignment]
        self.reject = set(reject)
        self.defer = dict(defer or {})
        self.rcpt_tries: Counter[str] = Counter()
        self.delivered: list[tuple[str, list[str], bytes, float]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        self.rcpt_tries[address] += 1
        if address in self.reject:
            return "550 5.1.1 No such user"
        if self.rcpt_tries[address] <= self.defer.get(address, 0):
            return "451 4.7.1 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.delivered.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content, time.monotonic()))
        return "250 2.0.0 Message accepted for delivery"


# aiosmtpd's Controller stops its server loop (in its own thread) as soon as stop() is
# called; a session whose QUIT was just answered may not have closed its socket yet, and
# that server-side socket is then collected later, anywhere, as an "unclosed socket"
# warning (seen once in CI), which would fail whichever test is running then. Our client
# closes every connection it opened (SmtpTransport.close closes each one, then lets the
# loop run the close callbacks).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def start(handler: Mailbox, **kwargs: Any) -> tuple[Any, int]:
    port = free_port()
    controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, port


def contacts(n: int) -> list[dict[str, str]]:
    return [{"id": f"c{i}", "email": f"user{i}@example.org", "name": f"User {i}"} for i in range(n)]


TEMPLATE = MessageTemplate("Dear {name},\nyour order has shipped.", subject="Order for {name}")


def test_accept_reject_defer_every_message_accounted_for() -> None:
    rows = contacts(30) + [{"id": "bad", "email": "user@@example", "name": "x"}, {"id": "noname", "email": "n@example.org"}]
    mailbox = Mailbox(
        reject={"user1@example.org", "user11@example.org", "user21@example.org"},
        defer={"user2@example.org": 2, "user12@example.org": 1, "user22@example.org": 99, "user29@example.org": 99},
    )
    controller, port = start(mailbox)
    try:
        transport = SmtpTransport("127.0.0.1", port, sender="campaigns@shop.example", tls="none")
        report = asyncio.run(run_campaign(
            rows, template=TEMPLATE, transport=transport, address_field="email",
            pacer=Broadcast(ProviderCap(per_second=200, connections=3)),
            retry=RetryPolicy(max_attempts=3, backoff=0.05, factor=2.0),
        ))
    finally:
        controller.stop()
    counts = report.counts
    assert counts == {Outcome.ACCEPTED: 25, Outcome.REJECTED: 3, Outcome.FAILED: 2, Outcome.INVALID: 2, Outcome.EXPIRED: 0}
    assert report.totals_add_up()
    by_id = {o.contact_id: o for o in report.contacts}
    assert by_id["c1"].detail.startswith("550") and len(by_id["c1"].attempts) == 1
    assert by_id["c22"].outcome == Outcome.FAILED and "deferred 3 times, last: 451" in by_id["c22"].detail
    assert len(by_id["c2"].attempts) == 3 and len(by_id["c12"].attempts) == 2
    assert by_id["bad"].outcome == by_id["noname"].outcome == Outcome.INVALID
    # The server saw each accepted message exactly once, and nothing else.
    delivered = Counter(rcpt for _, rcpts, _, _ in mailbox.delivered for rcpt in rcpts)
    accepted = {o.to for o in report.contacts if o.outcome == Outcome.ACCEPTED}
    assert set(delivered) == accepted and all(v == 1 for v in delivered.values())
    assert mailbox.rcpt_tries["user2@example.org"] == 3 and mailbox.rcpt_tries["user22@example.org"] == 3
    # The message itself: rendered from the template, with the provider id we report.
    mail = next(message_from_bytes(c, policy=default_policy) for _, r, c, _ in mailbox.delivered if r == ["user5@example.org"])
    assert mail["Subject"] == "Order for User 5" and mail["From"] == "campaigns@shop.example"
    assert "Dear User 5," in mail.get_content()
    assert mail["Message-ID"] == by_id["c5"].provider_id


def test_starttls_with_authentication(tmp_path: Path) -> None:
    cert, key = self_signed_cert(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[bytes] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"shop" and auth_data.password == b"s3cret"
        if ok:
            logins.append(auth_data.login)
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535

    mailbox = Mailbox()
    controller, port = start(mailbox, tls_context=context, require_starttls=True, authenticator=authenticator,
                             auth_required=True)
    try:
        good = SmtpTransport("127.0.0.1", port, sender="a@shop.example", tls="starttls", username="shop",
                             password="s3cret", cert_bundle=str(cert))
        report = asyncio.run(run_campaign(contacts(5), template=TEMPLATE, transport=good, address_field="email",
                                          pacer=Broadcast(ProviderCap(connections=2))))
        assert report.counts[Outcome.ACCEPTED] == 5 and len(mailbox.delivered) == 5
        assert logins and set(logins) == {b"shop"}
        # A wrong password, or no STARTTLS where the server requires it, stops at open():
        # one clear error instead of one failure per contact.
        bad = SmtpTransport("127.0.0.1", port, sender="a@shop.example", tls="starttls", username="shop",
                            password="wrong", cert_bundle=str(cert))
        with pytest.raises(TransportError, match="535"):
            asyncio.run(run_campaign(contacts(2), template=TEMPLATE, transport=bad, address_field="email",
                                     pacer=Broadcast()))
    finally:
        controller.stop()
    assert len(mailbox.delivered) == 5


# A STARTTLS handshake that fails leaves asyncio's raw socket to the garbage collector
# (CPython's start_tls does not close it), which warns whenever the collector runs; the
# collection is forced here so the warning lands in this test and not in a later one.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_untrusted_certificate_stops_at_open(tmp_path: Path) -> None:
    cert, key = self_signed_cert(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox = Mailbox()
    controller, port = start(mailbox, tls_context=context, require_starttls=True)
    try:
        untrusted = SmtpTransport("127.0.0.1", port, sender="a@shop.example", tls="starttls", username="shop",
                                  password="s3cret")
        with pytest.raises(TransportError, match="cannot connect|CERTIFICATE"):
            asyncio.run(untrusted.open())
    finally:
        controller.stop()
        gc.collect()
    assert mailbox.delivered == []


def test_implicit_tls(tmp_path: Path) -> None:
    cert, key = self_signed_cert(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox = Mailbox()
    controller, port = start(mailbox, ssl_context=context)
    try:
        transport = SmtpTransport("127.0.0.1", port, sender="a@shop.example", tls="tls", cert_bundle=str(cert))
        report = asyncio.run(run_campaign(contacts(3), template=TEMPLATE, transport=transport, address_field="email",
                                          pacer=Broadcast()))
    finally:
        controller.stop()
    assert report.counts[Outcome.ACCEPTED] == 3 and len(mailbox.delivered) == 3


def test_rate_per_minute_arrives_evenly_spaced() -> None:
    mailbox = Mailbox()
    controller, port = start(mailbox)
    try:
        transport = SmtpTransport("127.0.0.1", port, sender="a@shop.example", tls="none")
        n = 60
        report = asyncio.run(run_campaign(contacts(n), template=TEMPLATE, transport=transport, address_field="email",
                                          pacer=RatePerMinute(3000, ProviderCap(connections=2))))  # 20 ms apart
    finally:
        controller.stop()
    assert report.counts[Outcome.ACCEPTED] == n
    arrivals = np.array(sorted(t for *_, t in mailbox.delivered))
    gaps = np.diff(arrivals)
    # Real time on a shared machine: the median gap is the pacer's, the run does not drift.
    assert abs(np.median(gaps) - 0.02) < 0.003
    assert abs((arrivals[-1] - arrivals[0]) - (n - 1) * 0.02) < 0.05


def test_closed_port_defers_then_fails_without_sending() -> None:
    port = free_port()  # nothing listens here
    transport = SmtpTransport("127.0.0.1", port, sender="a@shop.example", tls="none", timeout=2)
    with pytest.raises(TransportError, match="cannot connect"):
        asyncio.run(transport.open())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tls": "ssl"}, "tls must be one of none, auto, starttls, tls"),
        ({"port": 0}, r"port must be a whole number in \[1, 65535\]"),
        ({"username": "u"}, "username and password must be given together"),
        ({"username": "u", "password": "p", "tls": "none"}, "tls must be starttls or tls when a username is given"),
        ({"timeout": 0}, r"timeout must be in \(0, 600\] seconds"),
    ],
)
def test_smtp_parameters_are_validated(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SmtpTransport("127.0.0.1", **{"sender": "a@shop.example", **kwargs})
