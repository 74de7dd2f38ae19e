"""Every configurable field, with its type, range, unit and the modes that accept it.

This table is the single source of the configuration rules: validation, the JSON
Schema, ``outpace config check`` and the tests all read it. The per-mode sets follow
the product's tables (``shared/notes/modes.md``): each mode accepts exactly its pacing
options and optimization parameters, plus the fields every mode of its channel has
(compliance and calling constraints).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from dataclasses import dataclass
from typing import Any

from outpace.settings import ComplianceRegime, DialingMode, Goal

__all__ = [
    "FIELDS",
    "LEVELS",
    "MODES_OF_CHANNEL",
    "Channel",
    "ConfigError",
    "Field",
    "Level",
    "MessagingMode",
    "Mode",
    "TimezoneSource",
    "Weekday",
    "accepted_fields",
    "allowed_goals",
    "coerce",
    "parse_mode",
]


class ConfigError(ValueError):
    """A configuration mistake; ``field`` is the dotted path of the field at fault
    (for example ``groups.east.lines_per_agent``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Channel(str, enum.Enum):
    VOICE = "voice"
    SMS = "sms"
    EMAIL = "email"


class MessagingMode(str, enum.Enum):
    """SMS and email modes."""

    RATE_PER_MINUTE = "rate_per_minute"  # a precise number of messages each minute (the default)
    AUTO_PACING = "auto_pacing"  # spread what is left evenly over what is left of the window
    BROADCAST = "broadcast"  # as fast as the provider allows


class Weekday(str, enum.Enum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class TimezoneSource(str, enum.Enum):
    """Whose local time the calling constraints are read in."""

    CAMPAIGN = "campaign"  # the campaign's time zone
    CONTACT = "contact"  # each contact's time zone (from the number or address)


class Level(str, enum.Enum):
    PROFILE = "profiles"
    TEMPLATE = "templates"
    GROUP = "groups"


LEVELS = (Level.PROFILE, Level.TEMPLATE, Level.GROUP)

Mode = DialingMode | MessagingMode


def parse_mode(value: Any, field: str) -> Mode:
    if isinstance(value, (DialingMode, MessagingMode)):
        return value
    if isinstance(value, str):
        for kind in (DialingMode, MessagingMode):
            try:
                return kind(value)
            except ValueError:
                pass
    allowed = ", ".join([m.value for m in DialingMode] + [m.value for m in MessagingMode])
    raise ConfigError(field, f"must be one of {allowed} (got {value!r})")


@dataclass(frozen=True)
class Field:
    """One configurable field.

    ``kind`` is float, int, bool, an enum class, ``dt.date`` or ``list`` (of weekdays).
    Numbers must lie in [low, high]; with ``zero_is_off`` 0 is also accepted.
    ``levels`` are where the field may be set.
    """

    name: str
    kind: Any
    doc: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    zero_is_off: bool = False
    levels: tuple[Level, ...] = LEVELS

    def range_text(self) -> str:
        if self.low is None or self.high is None:
            return ""
        unit = f" {self.unit}" if self.unit else ""
        text = f"in [{_num(self.low)}, {_num(self.high)}]{unit}"
        return f"0 (off) or {text}" if self.zero_is_off else text


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


_ALL = LEVELS
_PROFILE = (Level.PROFILE,)

FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        # Where the group sits and what it is.
        Field("channel", Channel, "channel of the profile: voice, sms or email", levels=_PROFILE),
        Field("ivr_modes", bool, "IVR modes on: they replace the automatic voice modes", levels=_PROFILE),
        Field("lifo", bool, "LIFO mode: API-inserted records are dialed next, newest first, one attempt each", levels=_PROFILE),
        Field("mode", Mode, "dialing mode (voice and IVR) or messaging mode (SMS and email)"),
        # Optimization parameters (predictive modes).
        Field("goal", Goal, "optimization goal: abandon_rate, busy_factor, agent_wait_time or distribution_time"),
        Field("goal_value", float, "target of the goal: percent for abandon_rate and busy_factor, seconds otherwise", low=0.0, high=3600.0),
        # Pacing options.
        Field("small_group_mode", bool, "use the small-group rule when fewer agents than small_group_threshold are logged in"),
        Field("small_group_threshold", int, "agents below which small-group mode applies", "agents", 1, 100_000),
        Field("ignore_calls_longer_than", float, "talk longer than this is left out of the averages", "seconds", 10, 86_400, zero_is_off=True),
        Field("average_outbound_call", float, "average outbound call duration that seeds the learned talk time", "seconds", 1, 86_400, zero_is_off=True),
        Field("average_inbound_call", float, "average inbound call duration (blended groups)", "seconds", 1, 86_400, zero_is_off=True),
        Field("inbound_calls_per_hour", float, "inbound calls that take agents first", "calls per hour", 0, 1_000_000),
        Field("lines_per_agent", float, "calls placed per available agent", "lines per agent", 0.01, 10),
        Field("reserved_inbound_agents", int, "agents kept free for inbound calls", "agents", 0, 100_000),
        Field("ivr_ports", int, "IVR ports of the group", "ports", 1, 1_000_000),
        Field("calls_per_minute", float, "Power IVR pace", "calls per minute", 0.001, 1_000_000),
        Field("messages_per_minute", float, "Rate per Minute pace", "messages per minute", 0.001, 1_000_000),
        Field("engage_agents_first", bool, "seize agents before placing calls (on with the seizing modes)"),
        # outpace's own engine parameters.
        Field("history_length", int, "live answers before predictive pacing trusts its statistics", "live answers", 0, 1_000_000),
        Field("max_lines_per_agent", float, "cap on calls in flight per logged-in agent", "lines per agent", 1, 50),
        Field("seize_timeout", float, "a seized agent whose call has not connected by then is released", "seconds", 1, 3_600),
        # Compliance.
        Field("tau", float, "an answered call no agent takes within tau is abandoned (2 s by US law)", "seconds", 0, 60),
        Field("compliance", ComplianceRegime, "abandon-rate regime: us (campaign and 30 days) or uk (24 hours)"),
        Field("switch_to_progressive_at", float, "abandon rate at which Predictive switches to Progressive", "percent", 0.01, 100, zero_is_off=True),
        Field("switch_back_at", float, "abandon rate at which it switches back to Predictive (below switch_to_progressive_at)", "percent", 0, 100),
        # Calling constraints.
        Field("days_to_wait", int, "days between attempts on one contact", "days", 0, 3_650),
        Field("start_date", dt.date, "first day records may be dialed (instead of days_to_wait)"),
        Field("allowed_weekdays", list, "weekdays on which contacts may be reached"),
        Field("timezone_source", TimezoneSource, "whose local time the constraints use: campaign or contact"),
    ]
}

_PREDICTIVE_PACING = frozenset(
    {"small_group_mode", "small_group_threshold", "ignore_calls_longer_than", "average_outbound_call", "average_inbound_call", "inbound_calls_per_hour"}
)
_OPTIMIZATION = frozenset({"goal", "goal_value"})
_ENGINE = frozenset({"history_length", "max_lines_per_agent"})
_SWITCH = frozenset({"switch_to_progressive_at", "switch_back_at"})
_SEIZING = frozenset({"engage_agents_first", "seize_timeout"})
_PROGRESSIVE = frozenset({"lines_per_agent", "reserved_inbound_agents"})

# The pacing options and optimization parameters each mode accepts (the product's tables).
MODE_FIELDS: dict[Mode, frozenset[str]] = {
    DialingMode.PREDICTIVE: _PREDICTIVE_PACING | _OPTIMIZATION | _ENGINE | _SWITCH,
    DialingMode.PREDICTIVE_SEIZING: _PREDICTIVE_PACING | _OPTIMIZATION | _ENGINE | _SWITCH | _SEIZING,
    DialingMode.PROGRESSIVE: _PROGRESSIVE,
    DialingMode.PROGRESSIVE_SEIZING: _PROGRESSIVE | _SEIZING,
    DialingMode.PUSH_PREVIEW: frozenset(),
    DialingMode.PULL_PREVIEW: frozenset(),
    DialingMode.PREDICTIVE_IVR: _OPTIMIZATION | _ENGINE,
    DialingMode.PROGRESSIVE_IVR: frozenset({"ivr_ports"}),
    DialingMode.POWER_IVR: frozenset({"calls_per_minute"}),
    MessagingMode.RATE_PER_MINUTE: frozenset({"messages_per_minute"}),
    MessagingMode.AUTO_PACING: frozenset(),
    MessagingMode.BROADCAST: frozenset(),
}

_CONSTRAINTS = frozenset({"days_to_wait", "start_date", "allowed_weekdays", "timezone_source"})
# Fields every mode of a channel accepts, wherever they are set.
_CHANNEL_FIELDS: dict[Channel, frozenset[str]] = {
    Channel.VOICE: _CONSTRAINTS | {"mode", "tau", "compliance", "ivr_modes", "lifo"},
    Channel.SMS: _CONSTRAINTS | {"mode"},
    Channel.EMAIL: _CONSTRAINTS | {"mode"},
}

MODES_OF_CHANNEL: dict[Channel, tuple[Mode, ...]] = {
    Channel.VOICE: tuple(DialingMode),
    Channel.SMS: tuple(MessagingMode),
    Channel.EMAIL: tuple(MessagingMode),
}

_GOALS: dict[Mode, tuple[Goal, ...]] = {
    DialingMode.PREDICTIVE: (Goal.BUSY_FACTOR, Goal.ABANDON_RATE, Goal.AGENT_WAIT_TIME),
    DialingMode.PREDICTIVE_SEIZING: (Goal.BUSY_FACTOR, Goal.ABANDON_RATE, Goal.AGENT_WAIT_TIME),
    DialingMode.PREDICTIVE_IVR: tuple(Goal),
}

# The goal_value range of each goal.
GOAL_RANGES: dict[Goal, tuple[float, float, str]] = {
    Goal.ABANDON_RATE: (0.01, 100.0, "percent"),
    Goal.BUSY_FACTOR: (1.0, 100.0, "percent"),
    Goal.AGENT_WAIT_TIME: (0.0, 3600.0, "seconds"),
    Goal.DISTRIBUTION_TIME: (0.0, 3600.0, "seconds"),
}


def accepted_fields(channel: Channel, mode: Mode) -> frozenset[str]:
    """Every field a level of this channel may set when its mode is ``mode``."""
    return MODE_FIELDS[mode] | _CHANNEL_FIELDS[channel] | {"channel"}


def allowed_goals(mode: Mode) -> tuple[Goal, ...]:
    return _GOALS.get(mode, ())


def coerce(spec: Field, value: Any, path: str) -> Any:
    """``value`` converted to the field's type and range-checked, or a ConfigError."""
    kind = spec.kind
    if kind is Mode:
        return parse_mode(value, path)
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(path, f"must be true or false (got {value!r})")
        return value
    if kind is int or kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(path, f"must be a number {spec.range_text()} (got {value!r})")
        number: float | int = value
        if kind is int:
            if isinstance(value, float):
                if not (math.isfinite(value) and value.is_integer()):
                    raise ConfigError(path, f"must be a whole number {spec.range_text()} (got {value!r})")
                number = int(value)
        else:
            number = float(value) if abs(value) < 1e308 else math.inf
        off = spec.zero_is_off and number == 0
        assert spec.low is not None and spec.high is not None
        finite = isinstance(number, int) or math.isfinite(number)  # isfinite overflows on huge ints
        if not off and not (finite and spec.low <= number <= spec.high):
            raise ConfigError(path, f"must be {spec.range_text()} (got {value!r})")
        return number
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        if isinstance(value, kind):
            return value
        try:
            return kind(value)
        except (ValueError, TypeError):
            allowed = ", ".join(str(m.value) for m in kind)
            raise ConfigError(path, f"must be one of {allowed} (got {value!r})") from None
    if kind is dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, (dt.date, str)):
            raise ConfigError(path, f"must be a date YYYY-MM-DD (got {value!r})")
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise ConfigError(path, f"must be a date YYYY-MM-DD (got {value!r})") from None
        return value
    if kind is list:
        allowed = ", ".join(d.value for d in Weekday)
        if not isinstance(value, (list, tuple)) or not value:
            raise ConfigError(path, f"must be a non-empty list of weekdays ({allowed}) (got {value!r})")
        days: list[Weekday] = []
        for item in value:
            try:
                day = Weekday(item)
            except (ValueError, TypeError):
                raise ConfigError(path, f"must list weekdays among {allowed} (got {item!r})") from None
            if day in days:
                raise ConfigError(path, f"lists {day.value} twice")
            days.append(day)
        return tuple(days)
    raise AssertionError(f"unknown field kind {kind!r}")  # pragma: no cover - the table is ours
