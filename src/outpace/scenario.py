"""Campaign scenarios for the simulator: every field has a default and a unit.

Times are in seconds, probabilities in [0, 1], rates per hour where the name says so.
Load one from TOML (``Scenario.from_toml``) or build it in Python; the defaults are the
reference campaign of shared/validation/pacing.md with 50 agents and one 8-hour day.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outpace import _core

__all__ = ["Distribution", "Scenario", "Shift"]

_KINDS = {
    "fixed": _core.DistributionKind.FIXED,
    "exponential": _core.DistributionKind.EXPONENTIAL,
    "lognormal": _core.DistributionKind.LOGNORMAL,
    "gamma": _core.DistributionKind.GAMMA,
    "empirical": _core.DistributionKind.EMPIRICAL,
}


@dataclass(frozen=True)
class Distribution:
    """A duration distribution: kind, mean and standard deviation in seconds.

    ``kind`` is one of fixed, exponential, lognormal, gamma (mean and sd) or empirical
    (``sample``: observed durations, drawn uniformly).
    """

    kind: str = "fixed"
    mean: float = 0.0
    sd: float = 0.0
    sample: tuple[float, ...] = ()

    @classmethod
    def of(cls, value: Any, name: str) -> Distribution:
        if isinstance(value, Distribution):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return cls("fixed", float(value))
        if not isinstance(value, Mapping):
            raise ValueError(f"{name} must be a number of seconds or a table with kind, mean, sd (got {value!r})")
        unknown = set(value) - {"kind", "mean", "sd", "sample"}
        if unknown:
            raise ValueError(f"{name}: unknown field(s) {', '.join(sorted(unknown))}; allowed: kind, mean, sd, sample")
        kind = value.get("kind", "fixed")
        if kind not in _KINDS:
            raise ValueError(f"{name}.kind must be one of {', '.join(_KINDS)} (got {kind!r})")
        sample = value.get("sample", ())
        if not isinstance(sample, (list, tuple)):
            raise ValueError(f"{name}.sample must be a list of seconds")
        try:
            mean = float(value.get("mean", sum(sample) / len(sample) if sample else 0.0))
            sd = float(value.get("sd", 0.0))
            values = tuple(float(v) for v in sample)
        except (TypeError, ValueError):
            raise ValueError(f"{name}: mean, sd and sample must be numbers of seconds") from None
        return cls(kind, mean, sd, values)

    def to_core(self) -> _core.Distribution:
        d = _core.Distribution()
        d.kind = _KINDS[self.kind]
        d.mean = self.mean
        d.sd = self.sd
        d.sample = list(self.sample)
        return d


@dataclass(frozen=True)
class Shift:
    """An agent's working hours within the day (seconds from the day's start), with breaks."""

    start: float = 0.0
    end: float = 8 * 3600.0
    breaks: tuple[tuple[float, float], ...] = ()


def _lognormal(mean: float, sd: float) -> Distribution:
    return Distribution("lognormal", mean, sd)


@dataclass(frozen=True)
class Scenario:
    """A campaign to simulate.

    Attributes:
        agents: agents in the group.
        day_length: seconds in a working day (8 h).
        days: days to simulate (statistics carry over from day to day).
        seed: random seed; the same seed gives the same run.
        p_live, p_machine, p_busy, p_no_answer, p_invalid: what a dial leads to (sum 1).
        live_time, machine_time, busy_time, no_answer_time, invalid_time: seconds from the
            dial to that outcome.
        talk, wrap: talk and wrap-up durations, seconds.
        tau: seconds a live answer may wait for an agent before it is abandoned.
        amd_false_positive: share of live answers the answering-machine detection drops.
        live_drift: (fraction of the day, multiplier of p_live) points, linear in between.
        inbound_per_hour: blended inbound calls, each taking an agent first.
        inbound_talk: inbound handling time, seconds.
        shifts: one per agent, or empty for everyone all day.
        tick: seconds between pacing decisions.
        series_interval: seconds per point of the time series.
    """

    agents: int = 50
    day_length: float = 8 * 3600.0
    days: int = 1
    seed: int = 1
    p_live: float = 0.30
    p_machine: float = 0.15
    p_busy: float = 0.10
    p_no_answer: float = 0.45
    p_invalid: float = 0.0
    live_time: Distribution = field(default_factory=lambda: _lognormal(12.0, 6.0))
    machine_time: Distribution = field(default_factory=lambda: _lognormal(12.0, 6.0))
    busy_time: Distribution = field(default_factory=lambda: Distribution("fixed", 5.0))
    no_answer_time: Distribution = field(default_factory=lambda: Distribution("fixed", 25.0))
    invalid_time: Distribution = field(default_factory=lambda: Distribution("fixed", 2.0))
    talk: Distribution = field(default_factory=lambda: _lognormal(150.0, 120.0))
    wrap: Distribution = field(default_factory=lambda: _lognormal(30.0, 15.0))
    tau: float = 2.0
    amd_false_positive: float = 0.0
    live_drift: tuple[tuple[float, float], ...] = ()
    inbound_per_hour: float = 0.0
    inbound_talk: Distribution = field(default_factory=lambda: Distribution("exponential", 180.0, 180.0))
    shifts: tuple[Shift, ...] = ()
    tick: float = 1.0
    series_interval: float = 900.0

    def __post_init__(self) -> None:
        self.to_core().validate()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """Build from a mapping (a parsed TOML table); unknown keys are errors."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown scenario field(s): {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if f.type == "Distribution":
                kwargs[f.name] = Distribution.of(value, f.name)
            elif f.name == "live_drift":
                kwargs[f.name] = tuple((float(a), float(b)) for a, b in value)
            elif f.name == "shifts":
                kwargs[f.name] = tuple(
                    Shift(float(s["start"]), float(s["end"]), tuple((float(a), float(b)) for a, b in s.get("breaks", ())))
                    for s in value
                )
            elif f.type == "int":
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"{f.name} must be a whole number (got {value!r})")
                kwargs[f.name] = value
            else:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise ValueError(f"{f.name} must be a number (got {value!r})")
                kwargs[f.name] = float(value)
        return cls(**kwargs)

    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        """Load ``[scenario]`` (or the top level) of a TOML file."""
        try:
            data = tomllib.loads(Path(path).read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML: {exc}") from None
        table = data.get("scenario", data)
        if not isinstance(table, Mapping):
            raise ValueError(f"{path}: [scenario] must be a table")
        return cls.from_dict({k: v for k, v in table.items() if k != "pacing"})

    def replace(self, **changes: Any) -> Scenario:
        return dataclasses.replace(self, **changes)

    def to_core(self) -> _core.Scenario:
        sc = _core.Scenario()
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Distribution):
                value = value.to_core()
            elif f.name == "live_drift":
                value = [tuple(p) for p in value]
            elif f.name == "shifts":
                shifts = []
                for s in value:
                    cs = _core.Shift()
                    cs.start, cs.end, cs.breaks = s.start, s.end, [tuple(b) for b in s.breaks]
                    shifts.append(cs)
                value = shifts
            elif f.type == "int" and f.name != "seed":
                if not -(2**31) < value < 2**31:
                    raise ValueError(f"{f.name} is out of range (got {value!r})")
            elif f.type == "float" and not math.isfinite(value) and f.name != "tau":
                raise ValueError(f"{f.name} must be finite (got {value!r})")
            if f.name == "seed":
                value = int(value) % 2**64
            setattr(sc, f.name, value)
        return sc
