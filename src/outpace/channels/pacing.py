"""The three SMS and email pacing modes: when may the next message go?

A pacer is a schedule, not a loop: ``next_slot(now, remaining)`` answers the earliest
time (seconds since the epoch) at which the next message may be sent, ``commit(t)``
records that it went at ``t``. It never sleeps and never reads a clock, so the same
object runs live, on a fake clock and in a plain ``for`` loop.

- :class:`RatePerMinute`: R messages per minute, one every 60/R s, on a GCRA schedule
  (ITU-T I.371 virtual scheduling, tolerance 0): no bursts. Slot k of a run is computed
  as ``anchor + k * 60 / R`` from integers, never by adding 60/R up, so it does not
  drift over hours; a late send re-anchors the schedule (GCRA's ``TAT = max(now, TAT)``)
  instead of bursting to catch up.
- :class:`AutoPacing`: spreads what is left to send evenly over what is left of the
  delivery window, each message in the middle of its slot, recomputed after every send
  so pauses, retries and failures re-spread the rest. The last message goes before the
  window closes; what cannot go before then is reported, not sent late.
- :class:`Broadcast`: as fast as the provider allows: at most ``per_second`` messages in
  any one-second interval and at most ``connections`` in flight.
"""

from __future__ import annotations

import collections
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = [
    "MAX_CONNECTIONS",
    "MAX_PER_SECOND",
    "MAX_RATE_PER_MINUTE",
    "AutoPacing",
    "Broadcast",
    "Pacer",
    "ProviderCap",
    "RatePerMinute",
    "Window",
]

MAX_RATE_PER_MINUTE = 600_000.0  # 10,000 per second: above any single provider account
MAX_PER_SECOND = 100_000
MAX_CONNECTIONS = 1_000
MAX_WINDOW_SECONDS = 366 * 86_400.0


class Pacer(Protocol):
    """When the next message may go; every time is seconds since the epoch."""

    @property
    def connections(self) -> int:
        """Messages that may be in flight at once (open connections / SMPP window)."""
        ...

    @property
    def window_end(self) -> float:
        """Nothing is sent at or after this time (``math.inf``: no end)."""
        ...

    def next_slot(self, now: float, remaining: int) -> float:
        """Earliest time the next message may go, ``>= now``; ``math.inf`` if it cannot go
        before the window closes. ``remaining`` counts the messages still to send,
        including this one."""
        ...

    def commit(self, t: float) -> None:
        """The next message went at ``t`` (the value ``next_slot`` returned)."""
        ...


@dataclass(frozen=True)
class ProviderCap:
    """What the provider (SMSC, gateway, mail relay) accepts from this account.

    Attributes:
        per_second: messages in any one-second interval; None = no limit.
        connections: messages in flight at once, in [1, 1000].
    """

    per_second: int | None = None
    connections: int = 1

    def __post_init__(self) -> None:
        if self.per_second is not None:
            _check_int("per_second", self.per_second, 1, MAX_PER_SECOND)
        _check_int("connections", self.connections, 1, MAX_CONNECTIONS)


@dataclass(frozen=True)
class Window:
    """A delivery window: messages go at or after ``start`` and before ``end``.

    Both ends are timezone-aware datetimes, in any zones (a window may open in Tokyo
    and close in New York three days later); naive datetimes are refused because their
    meaning depends on the machine.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"window {name} must be a timezone-aware datetime (got {value!r})")
        span = self.end_ts - self.start_ts
        if not 0 < span <= MAX_WINDOW_SECONDS:
            raise ValueError(
                f"window end must be after window start, by at most 366 days (got {span:g} s)"
            )

    @property
    def start_ts(self) -> float:
        """Seconds since the epoch."""
        return self.start.timestamp()

    @property
    def end_ts(self) -> float:
        """Seconds since the epoch."""
        return self.end.timestamp()


class RatePerMinute:
    """Rate per Minute: exactly ``rate`` messages per minute, one every 60/rate seconds.

    Args:
        rate: messages per minute, in (0, 600000].
        cap: the provider's limits; ``rate / 60`` may not exceed ``cap.per_second``.
        window: optional delivery window; slots before it opens move to its start.
    """

    def __init__(self, rate: float, cap: ProviderCap | None = None, window: Window | None = None) -> None:
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate):
            raise ValueError(f"rate must be a number of messages per minute in (0, {MAX_RATE_PER_MINUTE:g}] (got {rate!r})")
        if not 0 < rate <= MAX_RATE_PER_MINUTE:
            raise ValueError(f"rate must be in (0, {MAX_RATE_PER_MINUTE:g}] messages per minute (got {rate:g})")
        self._cap = cap or ProviderCap()
        if self._cap.per_second is not None and rate > 60.0 * self._cap.per_second:
            raise ValueError(
                f"rate must be at most 60 x the provider cap of {self._cap.per_second} per second, "
                f"i.e. in (0, {60 * self._cap.per_second}] per minute (got {rate:g})"
            )
        self.rate = float(rate)
        self._window = window
        self._anchor: float | None = None  # time of slot 0 of the current run
        self._k = 0  # slots used since the anchor

    @property
    def interval(self) -> float:
        """Seconds between two messages (60 / rate)."""
        return 60.0 / self.rate

    @property
    def connections(self) -> int:
        return self._cap.connections

    @property
    def window_end(self) -> float:
        return self._window.end_ts if self._window else math.inf

    def _slot(self, k: int) -> float:
        assert self._anchor is not None
        # k * 60 is exact in binary floating point, so slot R*j lands on anchor + 60*j.
        return self._anchor + (k * 60.0) / self.rate

    def next_slot(self, now: float, remaining: int) -> float:
        t = now if self._anchor is None else max(now, self._slot(self._k))
        if self._window is not None:
            t = max(t, self._window.start_ts)
        return math.inf if t >= self.window_end else t

    def commit(self, t: float) -> None:
        if self._anchor is not None and t <= self._slot(self._k):
            self._k += 1
        else:
            # First message, or a late one: GCRA's TAT = max(now, TAT) re-anchors here.
            self._anchor = t
            self._k = 1

    def set_rate(self, rate: float) -> None:
        """Change the pace from the next message on (the gap after the last send follows
        the new rate)."""
        replacement = RatePerMinute(rate, self._cap, self._window)
        if self._anchor is not None:
            last = self._slot(self._k - 1)
            replacement._anchor = last
            replacement._k = 1
        self.__dict__.update(replacement.__dict__)


class AutoPacing:
    """Auto Pacing: spread the remaining messages evenly over the rest of the window.

    With n messages left over the time left, each gets an equal slot and goes at its
    middle: the first at ``start + slot / 2``, the next ``(end - last) / (n + 0.5)`` after
    the last send, which is the same slot while nothing disturbs the run and re-spreads
    the rest when something does. The last message goes half a slot before the end.

    Args:
        window: the delivery window.
        cap: the provider's limits; consecutive messages are at least 1/per_second apart.
    """

    def __init__(self, window: Window, cap: ProviderCap | None = None) -> None:
        self._window = window
        self._cap = cap or ProviderCap()
        self._min_gap = 0.0 if self._cap.per_second is None else 1.0 / self._cap.per_second
        self._last: float | None = None

    @property
    def connections(self) -> int:
        return self._cap.connections

    @property
    def window_end(self) -> float:
        return self._window.end_ts

    def next_slot(self, now: float, remaining: int) -> float:
        start, end = self._window.start_ts, self._window.end_ts
        n = max(1, remaining)
        if self._last is None or self._last < start:
            begin = max(now, start)
            t = begin + (end - begin) / (2 * n)
        else:
            t = self._last + (end - self._last) / (n + 0.5)
            t = max(t, self._last + self._min_gap)
        t = max(t, now, start)
        return math.inf if t >= end else t

    def commit(self, t: float) -> None:
        self._last = t


class Broadcast:
    """Broadcast: every message as soon as the provider cap allows.

    At most ``cap.per_second`` messages in any one-second interval (a sliding window,
    stricter than per calendar second) and ``cap.connections`` in flight.
    """

    def __init__(self, cap: ProviderCap | None = None, window: Window | None = None) -> None:
        self._cap = cap or ProviderCap()
        self._window = window
        n = self._cap.per_second
        self._recent: collections.deque[float] | None = None if n is None else collections.deque(maxlen=n)

    @property
    def connections(self) -> int:
        return self._cap.connections

    @property
    def window_end(self) -> float:
        return self._window.end_ts if self._window else math.inf

    def next_slot(self, now: float, remaining: int) -> float:
        t = now
        if self._window is not None:
            t = max(t, self._window.start_ts)
        recent = self._recent
        if recent is not None and recent.maxlen is not None and len(recent) == recent.maxlen:
            # The message per_second sends back must be a full second old.
            t = max(t, recent[0] + 1.0)
        return math.inf if t >= self.window_end else t

    def commit(self, t: float) -> None:
        if self._recent is not None:
            self._recent.append(t)


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number in [{low}, {high}] (got {value!r})")
