"""The campaign runner on a fake clock: every contact accounted for, bad input per
contact, retries, the pacers' timing through the real async loop, and one real-time run."""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pytest

from outpace.channels import (
    Accepted,
    AutoPacing,
    Broadcast,
    Channel,
    Deferred,
    FakeClock,
    Message,
    MessageTemplate,
    Outcome,
    ProviderCap,
    RatePerMinute,
    Rejected,
    RetryPolicy,
    SendResult,
    SystemClock,
    TransportError,
    Window,
    run_campaign,
)

START = 1_717_200_000.0
Script = Callable[[Message, int], SendResult]


class FakeTransport:
    """Answers from a script (message, attempt number) after ``latency`` seconds on the clock."""

    def __init__(self, clock: FakeClock | SystemClock, channel: Channel = Channel.SMS,
                 script: Script | None = None, latency: float = 0.0) -> None:
        self.clock = clock
        self._channel = channel
        self.script = script or (lambda m, k: Accepted(provider_id=f"p-{m.message_id}"))
        self.latency = latency
        self.sends: list[tuple[float, Message]] = []
        self.attempts: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self.opened = self.closed = False

    @property
    def channel(self) -> Channel:
        return self._channel

    async def open(self) -> None:
        self.opened = True

    async def close(self) -> None:
        self.closed = True

    async def send(self, message: Message) -> SendResult:
        self.sends.append((self.clock.now(), message))
        self.attempts[message.message_id] += 1
        attempt = self.attempts[message.message_id]
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                await self.clock.sleep_until(self.clock.now() + self.latency)
            return self.script(message, attempt)
        finally:
            self.in_flight -= 1


def phones(n: int) -> list[dict[str, str]]:
    return [{"id": f"c{i}", "to": f"+4915100{i:06d}", "name": f"N{i}"} for i in range(n)]


TEMPLATE = MessageTemplate("Hello {name}")


def test_totals_add_up_with_accept_reject_defer_and_bad_input() -> None:
    clock = FakeClock(START)
    contacts = phones(40) + [
        {"id": "bad-number", "to": "12345", "name": "x"},
        {"id": "letters", "to": "+49 151 CALLME", "name": "x"},
        {"id": "no-name", "to": "+4917000000001", "name": ""},
        {"id": "no-column", "to": "+4917000000002"},
        {"id": "dup", "to": "+49 151 00000003", "name": "x"},  # the same number as c3
        {"id": "too-late", "to": "+4917000000003", "name": "x", "not_after": "2020-01-01T00:00:00+00:00"},
        {"id": "bad-zone", "to": "+4917000000004", "name": "x", "not_after": "2030-01-01T00:00", "timezone": "Mars/Base"},
        {"id": "no-address", "name": "x"},
    ]

    def script(m: Message, attempt: int) -> SendResult:
        i = int(m.contact_id[1:])
        if i % 10 == 1:
            return Rejected("0x0B", "invalid destination")
        if i % 10 == 2:
            return Deferred("0x58", "throttled")  # always: fails after the retry limit
        if i % 10 == 3 and attempt < 3:
            return Deferred("0x14", "queue full")  # accepted at the third attempt
        return Accepted(f"p{i}")

    transport = FakeTransport(clock, script=script)
    retry = RetryPolicy(max_attempts=4, backoff=10.0)
    report = asyncio.run(run_campaign(contacts, template=TEMPLATE, transport=transport,
                                      pacer=RatePerMinute(60), clock=clock, retry=retry))
    counts = report.counts
    assert counts == {Outcome.ACCEPTED: 32, Outcome.REJECTED: 4, Outcome.FAILED: 4,
                      Outcome.INVALID: 8, Outcome.EXPIRED: 0}
    assert report.totals_add_up() and sum(counts.values()) == len(contacts)
    by_id = {o.contact_id: o for o in report.contacts}
    assert "international form" in by_id["bad-number"].detail
    assert "E.164" in by_id["letters"].detail
    assert "template field 'name'" in by_id["no-name"].detail
    assert "template field 'name'" in by_id["no-column"].detail
    assert "duplicate address +4915100000003 (also contact c3)" in by_id["dup"].detail
    assert "window closed" in by_id["too-late"].detail
    assert "IANA" in by_id["bad-zone"].detail
    assert "no 'to'" in by_id["no-address"].detail
    # Sent attempts: accepted and rejected once each, except the ones deferred on the way.
    per_contact = Counter(m.contact_id for _, m in transport.sends)
    assert all(per_contact[f"c{i}"] == 4 for i in range(2, 40, 10))
    assert all(per_contact[f"c{i}"] == 3 for i in range(3, 40, 10))
    assert sum(per_contact.values()) == 40 + 4 * 3 + 4 * 2 == report.sends
    accepted_ids = [m.message_id for _, m in transport.sends
                    if by_id[m.contact_id].outcome == Outcome.ACCEPTED]
    assert len(set(accepted_ids)) == 32
    # Retries honour the backoff (10 s, then 20 s, then 40 s) and still take pacing slots.
    t = by_id["c2"].attempts
    assert np.diff(t).tolist() == pytest.approx([10.0, 20.0, 40.0], abs=1.0)
    times = np.array(sorted(s for s, _ in transport.sends))
    assert np.all(np.diff(times) >= 1.0 - 1e-6)
    assert transport.opened and transport.closed


def test_transport_errors_retry_only_when_nothing_can_have_been_sent() -> None:
    clock = FakeClock(START)

    def script(m: Message, attempt: int) -> SendResult:
        if m.contact_id == "c0" and attempt == 1:
            raise TransportError("connection refused", may_have_sent=False)
        if m.contact_id == "c1":
            raise TransportError("connection reset after the message was sent", may_have_sent=True)
        if m.contact_id == "c2":
            raise RuntimeError("a bug in a transport")
        return Accepted()

    transport = FakeTransport(clock, script=script)
    report = asyncio.run(run_campaign(phones(5), template=TEMPLATE, transport=transport,
                                      pacer=Broadcast(), clock=clock, retry=RetryPolicy(backoff=1.0)))
    by_id = {o.contact_id: o for o in report.contacts}
    assert by_id["c0"].outcome == Outcome.ACCEPTED and len(by_id["c0"].attempts) == 2
    assert by_id["c1"].outcome == Outcome.FAILED and len(by_id["c1"].attempts) == 1
    assert "not retried to avoid a duplicate" in by_id["c1"].detail
    assert by_id["c2"].outcome == Outcome.FAILED and "RuntimeError" in by_id["c2"].detail
    assert by_id["c3"].outcome == by_id["c4"].outcome == Outcome.ACCEPTED
    assert report.totals_add_up()


def test_rate_per_minute_through_the_runner_for_an_hour() -> None:
    clock = FakeClock(START)
    transport = FakeTransport(clock, latency=0.05)
    n = 600 * 60
    report = asyncio.run(run_campaign(phones(n), template=TEMPLATE, transport=transport,
                                      pacer=RatePerMinute(600, ProviderCap(connections=2)), clock=clock))
    assert report.counts[Outcome.ACCEPTED] == n
    times = np.array([t for t, _ in transport.sends])
    assert np.max(np.abs(np.diff(times) - 0.1)) < 1e-3
    per_minute = np.bincount(np.floor((times - times[0]) / 60.0).astype(np.int64))
    assert len(per_minute) == 60 and np.all(per_minute == 600)


@pytest.mark.parametrize("seconds", [60.0, 3600.0, 86_400.0, 3 * 86_400.0])
def test_auto_pacing_through_the_runner_finishes_in_the_window(seconds: float) -> None:
    clock = FakeClock(START)
    window = Window(datetime.fromtimestamp(START + 120, UTC),
                    datetime.fromtimestamp(START + 120 + seconds, UTC))

    def script(m: Message, attempt: int) -> SendResult:
        # Every seventh contact is deferred once: the retries must fit in the window too.
        return Deferred("451") if int(m.contact_id[1:]) % 7 == 0 and attempt == 1 else Accepted()

    transport = FakeTransport(clock, script=script, latency=0.01)
    n = 300
    report = asyncio.run(run_campaign(phones(n), template=TEMPLATE, transport=transport,
                                      pacer=AutoPacing(window), clock=clock,
                                      retry=RetryPolicy(backoff=min(30.0, seconds / 100))))
    assert report.counts[Outcome.ACCEPTED] == n
    times = np.array([t for t, _ in transport.sends])
    assert times.min() >= window.start_ts and times.max() < window.end_ts
    # Spread over the whole window: it starts at one slot of window / 300; each deferral
    # adds a message to what is left and the rest is re-spread, so the gap only shrinks,
    # and the last message still goes half a slot before the end.
    gaps = np.diff(np.sort(times))
    assert gaps[0] == pytest.approx(seconds / n, rel=1e-2)  # c0 is deferred at once: 1 more to fit
    assert np.all(np.diff(gaps) <= 1e-6)  # seconds; float resolution at epoch times is 2.4e-7
    assert window.end_ts - times.max() == pytest.approx(gaps[-1] / 2, rel=1e-3)


def test_auto_pacing_expires_what_does_not_fit() -> None:
    clock = FakeClock(START)
    window = Window(datetime.fromtimestamp(START, UTC), datetime.fromtimestamp(START + 10, UTC))
    transport = FakeTransport(clock)
    report = asyncio.run(run_campaign(phones(100), template=TEMPLATE, transport=transport,
                                      pacer=AutoPacing(window, ProviderCap(per_second=2)), clock=clock))
    counts = report.counts
    assert counts[Outcome.ACCEPTED] + counts[Outcome.EXPIRED] == 100
    assert 15 <= counts[Outcome.ACCEPTED] <= 20
    assert max(t for t, _ in transport.sends) < window.end_ts
    assert all("delivery window closed" in o.detail for o in report.contacts if o.outcome == Outcome.EXPIRED)


def test_window_already_closed_is_reported_per_contact() -> None:
    clock = FakeClock(START)
    window = Window(datetime.fromtimestamp(START - 100, UTC), datetime.fromtimestamp(START - 1, UTC))
    report = asyncio.run(run_campaign(phones(3), template=TEMPLATE, transport=FakeTransport(clock),
                                      pacer=RatePerMinute(60, window=window), clock=clock))
    assert report.counts[Outcome.INVALID] == 3
    assert all("delivery window closed" in o.detail for o in report.contacts)


@pytest.mark.parametrize(("per_second", "connections"), [(5, 1), (50, 3), (200, 8)])
def test_broadcast_through_the_runner_respects_both_caps(per_second: int, connections: int) -> None:
    clock = FakeClock(START)
    transport = FakeTransport(clock, latency=0.02)
    n = per_second * 10
    report = asyncio.run(run_campaign(phones(n), template=TEMPLATE, transport=transport,
                                      pacer=Broadcast(ProviderCap(per_second, connections)), clock=clock))
    assert report.counts[Outcome.ACCEPTED] == n
    times = np.array([t for t, _ in transport.sends])
    assert np.all(times[per_second:] - times[:-per_second] >= 1.0 - 1e-9)
    assert transport.max_in_flight <= connections
    # As fast as allowed: the slower of the two caps sets the pace.
    expected = max(n / per_second - 1, n / connections * 0.02 - 0.02)
    assert times[-1] - times[0] <= expected + 1.0


def test_email_addresses_are_checked_for_email_transports() -> None:
    clock = FakeClock(START)
    contacts = [{"to": "a@example.org", "name": "A"}, {"to": "not-an-address", "name": "B"},
                {"to": "b@Example.ORG", "name": "B"}, {"to": "c@localhost", "name": "C"}]
    transport = FakeTransport(clock, channel=Channel.EMAIL)
    report = asyncio.run(run_campaign(contacts, template=MessageTemplate("Hi {name}", subject="For {name}"),
                                      transport=transport, pacer=Broadcast(), clock=clock))
    assert [o.outcome for o in report.contacts] == [Outcome.ACCEPTED, Outcome.INVALID, Outcome.ACCEPTED, Outcome.INVALID]
    assert [m.to for _, m in transport.sends] == ["a@example.org", "b@example.org"]
    assert transport.sends[1][1].subject == "For B"
    assert report.contacts[0].contact_id == "1"  # no id column: the row number


def test_parameters_are_validated_with_field_and_range() -> None:
    with pytest.raises(ValueError, match=r"max_attempts must be a whole number in \[1, 100\]"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match=r"backoff must be in \[0, 86400\] seconds"):
        RetryPolicy(backoff=-1)
    with pytest.raises(ValueError, match="template body field"):
        MessageTemplate("Hi {0}")
    with pytest.raises(ValueError, match="plain column name"):
        MessageTemplate("Hi {user.__class__}")
    with pytest.raises(ValueError, match="not a valid format string"):
        MessageTemplate("Hi {name")


def test_real_clock_rate_has_no_drift() -> None:
    clock = SystemClock()
    transport = FakeTransport(clock)
    n = 150  # 1.5 s at 6000 per minute
    report = asyncio.run(run_campaign(phones(n), template=TEMPLATE, transport=transport,
                                      pacer=RatePerMinute(6000), clock=clock))
    assert report.counts[Outcome.ACCEPTED] == n
    actual = np.array([t for t, _ in transport.sends])
    planned = actual[0] + np.arange(n) * 0.01
    lateness = actual - planned
    # Real sleeps wake a little late; none is early and the lateness does not add up.
    assert np.all(lateness >= -1e-6)
    assert np.median(lateness) < 0.005 and lateness[-1] < 0.05
    assert math.isclose(report.contacts[-1].attempts[0] - report.contacts[0].attempts[0], (n - 1) * 0.01, abs_tol=1e-6)
