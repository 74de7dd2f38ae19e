"""The three channel pacers on simulated time: spacing, counts, windows and caps."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from outpace.channels import AutoPacing, Broadcast, ProviderCap, RatePerMinute, Window

START = 1_717_200_000.0  # an epoch time of realistic size: float rounding as in real runs


def drive(pacer: RatePerMinute | AutoPacing | Broadcast, n: int, now: float = START) -> np.ndarray:
    """Send n messages as soon as the pacer allows; return the send times."""
    times = []
    for i in range(n):
        t = pacer.next_slot(now, n - i)
        if math.isinf(t):
            break
        assert t >= now
        pacer.commit(t)
        times.append(t)
        now = t
    return np.array(times)


@pytest.mark.parametrize(
    ("rate", "hours"),
    [(1, 10), (60, 6), (600, 3), (6000, 2)],
)
def test_rate_per_minute_even_gaps_and_exact_counts_over_hours(rate: int, hours: int) -> None:
    n = rate * 60 * hours
    times = drive(RatePerMinute(rate), n)
    assert len(times) == n
    gaps = np.diff(times)
    interval = 60.0 / rate
    assert np.max(np.abs(gaps - interval)) < 1e-3, "every gap within 1 ms of 60/R"
    # No drift: message k goes at start + k * 60/R, to well under a millisecond, even after hours.
    k = np.arange(n)
    assert np.max(np.abs(times - (START + k * 60.0 / rate))) < 1e-6
    # Exactly R messages in every minute of the run.
    per_minute = np.bincount(np.floor((times - START) / 60.0).astype(np.int64))
    assert len(per_minute) == 60 * hours
    assert np.all(per_minute == rate)


def test_rate_per_minute_late_send_does_not_burst() -> None:
    pacer = RatePerMinute(600)  # 0.1 s apart
    now = START
    times = []
    for i in range(50):
        t = pacer.next_slot(now, 1)
        if i == 20:
            t += 0.55  # the host was late for this one
        pacer.commit(t)
        times.append(t)
        now = t
    gaps = np.diff(times)
    assert gaps[19] == pytest.approx(0.65)
    # After the late message the schedule restarts from it: no catch-up burst.
    assert np.all(np.abs(gaps[20:] - 0.1) < 1e-6)  # float resolution at epoch times: 2.4e-7 s
    assert np.all(gaps >= 0.1 - 1e-6)


def test_rate_per_minute_change_of_rate_and_window_start() -> None:
    window = Window(datetime.fromtimestamp(START + 30, UTC), datetime.fromtimestamp(START + 90, UTC))
    pacer = RatePerMinute(60, window=window)
    assert pacer.next_slot(START, 10) == START + 30  # waits for the window to open
    times = drive(pacer, 1000)
    assert times[0] == START + 30
    assert times[-1] < START + 90 and len(times) == 60  # stops at the window's end
    pacer = RatePerMinute(60)
    first = drive(pacer, 3)
    pacer.set_rate(120)
    t = pacer.next_slot(first[-1], 1)
    assert t == pytest.approx(first[-1] + 0.5)


@pytest.mark.parametrize("rate", [0, -1, 0.0, math.inf, math.nan, 600_001, True, "60"])
def test_rate_per_minute_refuses_bad_rates(rate: object) -> None:
    with pytest.raises(ValueError, match=r"rate must be .*\(0, 600000\]"):
        RatePerMinute(rate)  # type: ignore[arg-type]


def test_rate_above_provider_cap_is_refused() -> None:
    with pytest.raises(ValueError, match=r"rate must be at most 60 x the provider cap of 5 per second"):
        RatePerMinute(301, ProviderCap(per_second=5))
    RatePerMinute(300, ProviderCap(per_second=5))


WINDOWS = [60.0, 3600.0, 8 * 3600.0, 86_400.0, 3 * 86_400.0]


@pytest.mark.parametrize("seconds", WINDOWS)
@pytest.mark.parametrize("n", [1, 2, 7, 500, 20_000])
def test_auto_pacing_fills_the_window_evenly(seconds: float, n: int) -> None:
    # A window that opens in Tokyo and closes in New York.
    start = datetime(2024, 6, 3, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    end = (start + timedelta(seconds=seconds)).astimezone(ZoneInfo("America/New_York"))
    window = Window(start, end)
    times = drive(AutoPacing(window), n, now=window.start_ts - 5.0)
    assert len(times) == n, "every message fits"
    slot = seconds / n
    assert times[0] == pytest.approx(window.start_ts + slot / 2, abs=1e-6)
    assert times[-1] < window.end_ts
    assert times[-1] == pytest.approx(window.end_ts - slot / 2, abs=1e-5)
    if n > 1:
        gaps = np.diff(times)
        assert np.max(np.abs(gaps - slot)) < 1e-5, "evenly spaced"


def test_auto_pacing_respreads_after_a_pause_and_late_retries() -> None:
    window = Window(datetime.fromtimestamp(START, UTC), datetime.fromtimestamp(START + 3600, UTC))
    pacer = AutoPacing(window)
    now = START
    remaining = 100
    times = []
    while remaining:
        t = pacer.next_slot(now, remaining)
        if len(times) == 30:
            t += 900.0  # a 15-minute pause (the host stopped the campaign)
        if len(times) == 60:
            remaining += 10  # ten deferred messages came back for a retry
        pacer.commit(t)
        times.append(t)
        now = t
        remaining -= 1
    assert len(times) == 110
    assert times[-1] < window.end_ts
    # After the last disturbance the rest is evenly spread up to the end of the window.
    tail = np.diff(times[61:])
    assert np.max(tail) - np.min(tail) < 1e-6
    assert times[-1] == pytest.approx(window.end_ts - tail[0] / 2, abs=1e-6)


def test_auto_pacing_obeys_provider_cap_and_stops_at_window_end() -> None:
    window = Window(datetime.fromtimestamp(START, UTC), datetime.fromtimestamp(START + 10, UTC))
    times = drive(AutoPacing(window, ProviderCap(per_second=5)), 1000)
    gaps = np.diff(times)
    assert np.all(gaps >= 0.2 - 1e-9)
    assert times[-1] < window.end_ts
    assert 45 <= len(times) <= 50  # what fits at 5 per second; the rest is not sent late


def test_auto_pacing_window_already_closed() -> None:
    window = Window(datetime.fromtimestamp(START, UTC), datetime.fromtimestamp(START + 60, UTC))
    assert math.isinf(AutoPacing(window).next_slot(START + 60, 3))


@pytest.mark.parametrize("per_second", [1, 10, 100, 1000])
def test_broadcast_never_exceeds_cap_per_second(per_second: int) -> None:
    n = per_second * 20
    times = drive(Broadcast(ProviderCap(per_second=per_second, connections=4)), n)
    assert len(times) == n
    # At most per_second messages in any one-second interval [t, t + 1) ...
    assert np.all(times[per_second:] - times[:-per_second] >= 1.0)
    # ... and no slower than that: per_second at once, then the next batch a second later.
    assert np.all(times[:per_second] == START)
    assert times[-1] - START == pytest.approx(19.0)


def test_broadcast_without_cap_sends_at_once() -> None:
    times = drive(Broadcast(), 1000)
    assert np.all(times == START)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"per_second": 0}, r"per_second must be a whole number in \[1, 100000\]"),
        ({"per_second": 2.5}, r"per_second must be a whole number in \[1, 100000\]"),
        ({"connections": 0}, r"connections must be a whole number in \[1, 1000\]"),
        ({"connections": 1001}, r"connections must be a whole number in \[1, 1000\]"),
    ],
)
def test_provider_cap_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ProviderCap(**kwargs)  # type: ignore[arg-type]


def test_window_validation() -> None:
    aware = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="window start must be a timezone-aware datetime"):
        Window(datetime(2024, 1, 1), aware)
    with pytest.raises(ValueError, match="window end must be after window start"):
        Window(aware, aware)
    with pytest.raises(ValueError, match="at most 366 days"):
        Window(aware, aware + timedelta(days=400))
