"""The blended centre of the ContactCenters ``Blend`` example (Deslauriers et al. 2007,
Bell Canada): inbound-only and blend agents, an inbound queue with balking and patience,
and a dialer whose reached calls only blend agents take.

The defaults are the published example: 08:00-14:00 in three 2-hour periods, the dialer
from 11:00 until 5 minutes before close with ContactCenters' threshold rule.

>>> r = simulate_blend(BlendScenario(), days=1000, seed=1)
>>> r.estimates()["mismatches"].mean
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from outpace import _core
from outpace.scenario import Distribution

__all__ = ["BlendPolicy", "BlendResult", "BlendScenario", "Estimate", "simulate_blend"]

_INT_TUPLES = ("inbound_agents", "blend_agents")
_FLOAT_TUPLES = ("inbound_per_hour", "reach")


def _inbound_service() -> Distribution:
    # Gamma with shape 0.755 and scale 753.8 s (mean 569.1 s), as mean and sd.
    return Distribution("gamma", 0.755 * 753.8, math.sqrt(0.755) * 753.8)


@dataclass(frozen=True)
class BlendScenario:
    """A blended centre; times in seconds after opening, rates per hour.

    Attributes:
        period_length: seconds per staffing period (2 h).
        inbound_per_hour: inbound arrival rate per period, before the busyness factor
            (the example's 68.45, 72.93, 71.92 per 30 min).
        inbound_agents, blend_agents: agents of each group per period; after close the
            last period's agents finish the calls still waiting.
        reach: probability that a dialed number reaches the right party, per period.
        busyness_shape: the day's rates are multiplied by B ~ Gamma(shape, rate=shape),
            mean 1; ``math.inf`` for B = 1.
        balk: probability that an inbound caller who must wait hangs up at once.
        patience: mean seconds an inbound caller waits (exponential).
        inbound_service, outbound_service: service times in seconds.
        mismatch_wait: seconds a reached call waits for a blend agent before it is a
            mismatch (abandoned).
        dialer_start, dialer_end: seconds after opening the dialer is on (11:00 and
            13:55 for the 08:00 opening).
        service_level_time: seconds; an inbound call answered or abandoned after waiting
            this long misses the service-level target.
        queue_capacity: calls that may wait, both queues together; more are blocked.
    """

    period_length: float = 7200.0
    inbound_per_hour: tuple[float, ...] = (136.9, 145.86, 143.84)
    inbound_agents: tuple[int, ...] = (23, 23, 21)
    blend_agents: tuple[int, ...] = (16, 18, 16)
    reach: tuple[float, ...] = (0.28, 0.29, 0.29)
    busyness_shape: float = 29.7
    balk: float = 0.005
    patience: float = 500.0
    inbound_service: Distribution = field(default_factory=_inbound_service)
    outbound_service: Distribution = field(default_factory=lambda: Distribution("exponential", 440.2, 440.2))
    mismatch_wait: float = 5.0
    dialer_start: float = 3 * 3600.0
    dialer_end: float = 6 * 3600.0 - 300.0
    service_level_time: float = 20.0
    queue_capacity: int = 80

    def __post_init__(self) -> None:
        self.to_core().validate()

    def replace(self, **changes: Any) -> BlendScenario:
        return dataclasses.replace(self, **changes)

    def to_core(self, days: int = 1, seed: int = 1) -> _core.BlendScenario:
        sc = _core.BlendScenario()
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in _INT_TUPLES:
                if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
                    raise ValueError(f"{f.name} must be whole numbers of agents (got {value!r})")
                value = [int(v) for v in value]
            elif f.name in _FLOAT_TUPLES:
                try:
                    value = [float(v) for v in value]
                except (TypeError, ValueError):
                    raise ValueError(f"{f.name} must be numbers (got {value!r})") from None
            elif isinstance(value, Distribution):
                value = value.to_core()
            elif f.name == "queue_capacity":
                if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                    raise ValueError(f"queue_capacity must be a whole number (got {value!r})")
                value = int(value)
            else:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise ValueError(f"{f.name} must be a number (got {value!r})")
                value = float(value)
            setattr(sc, f.name, value)
        if isinstance(days, bool) or not isinstance(days, int):
            raise ValueError(f"days must be a whole number (got {days!r})")
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
            raise ValueError(f"seed must be a whole number in [0, 2**64) (got {seed!r})")
        sc.days = days
        sc.seed = seed
        return sc


_KINDS = {
    "threshold": _core.BlendPolicyKind.THRESHOLD,
    "progressive": _core.BlendPolicyKind.PROGRESSIVE,
    "custom": _core.BlendPolicyKind.CUSTOM,
}


@dataclass(frozen=True)
class BlendPolicy:
    """How many numbers the dialer tries at a decision (its start, and each time an agent
    of either group ends a service).

    - ``threshold`` (ContactCenters' rule): when at least ``min_free_all`` agents are free
      in both groups and at least ``min_free_blend`` blend agents, dial
      round(``multiplier`` x free blend agents) + ``extra``. ``"threshold:4:1:2"``.
    - ``progressive``: the kernel's progressive rule on the free blend agents less
      ``reserved`` kept for inbound calls, with ``lines_per_agent``, less the calls
      waiting. ``"progressive:1:2"``.
    - ``custom``: ``custom(state)`` returns the number to dial; ``state`` is an
      ``outpace._core.BlendState`` (free, busy, staffed agents per group, calls waiting,
      time in seconds after opening, period).
    """

    kind: str = "threshold"
    min_free_all: int = 4
    min_free_blend: int = 1
    multiplier: float = 2.0
    extra: int = 0
    lines_per_agent: float = 1.0
    reserved: int = 0
    custom: Callable[[_core.BlendState], int] | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"kind must be one of {', '.join(_KINDS)} (got {self.kind!r})")
        if self.kind == "custom" and not callable(self.custom):
            raise ValueError("custom must be a function of the state for a custom policy")
        core = self.to_core()
        if self.kind != "custom":  # the function is handed over at run time
            core.validate()

    @classmethod
    def parse(cls, text: str) -> BlendPolicy:
        head, _, rest = text.partition(":")
        args = [a for a in rest.split(":") if a]
        try:
            if head == "threshold" and len(args) <= 3:
                names = ("min_free_all", "min_free_blend", "multiplier")
                kw: dict[str, Any] = {n: (float(a) if n == "multiplier" else int(a)) for n, a in zip(names, args)}
                return cls("threshold", **kw)
            if head == "progressive" and len(args) <= 2:
                lines = float(args[0]) if args else 1.0
                return cls("progressive", lines_per_agent=lines, reserved=int(args[1]) if len(args) > 1 else 0)
        except ValueError as exc:
            raise ValueError(f"blend policy {text!r}: {exc}") from None
        raise ValueError(
            f"unknown blend policy {text!r}: use threshold[:ALL:BLEND:MULTIPLIER] or progressive[:LINES:RESERVED]"
        )

    @property
    def name(self) -> str:
        return self.to_core().name()

    def to_core(self) -> _core.BlendPolicy:
        p = _core.BlendPolicy()
        p.kind = _KINDS[self.kind]
        for n in ("min_free_all", "min_free_blend", "extra", "reserved"):
            v = getattr(self, n)
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError(f"{n} must be a whole number (got {v!r})")
            setattr(p, n, v)
        for n in ("multiplier", "lines_per_agent"):
            v = getattr(self, n)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ValueError(f"{n} must be a number (got {v!r})")
            setattr(p, n, float(v))
        return p


class Estimate(NamedTuple):
    """A mean over days and its standard error (same unit)."""

    mean: float
    se: float

    def ci(self, z: float = 1.96) -> tuple[float, float]:
        return (self.mean - z * self.se, self.mean + z * self.se)


def _linear(num: npt.NDArray[Any], den: npt.NDArray[Any] | None, scale: float) -> tuple[float, npt.NDArray[Any]]:
    """A measure as (point estimate, per-day values whose mean's error is the estimate's):
    a mean of days, or scale x sum(num) / sum(den) linearised (the delta method, as
    ContactCenters reports a function of averages)."""
    x = np.asarray(num, dtype=float)
    if den is None:
        return float(np.mean(x)), x
    d = np.asarray(den, dtype=float)
    if np.sum(d) == 0:
        return math.nan, np.full(len(x), math.nan)
    r = float(np.sum(x) / np.sum(d))
    return scale * r, scale * (x - r * d) / np.mean(d)


def _estimate(point: float, x: npt.NDArray[Any], covariate: npt.NDArray[Any] | None, given: float) -> Estimate:
    n = len(x)
    if n < 2 or math.isnan(point):
        return Estimate(point, math.nan)
    if covariate is None:
        return Estimate(point, float(np.std(x, ddof=1) / math.sqrt(n)))
    # Control variate: move the estimate along the regression on the covariate to its
    # given mean; what is left has the residual's error.
    c = np.asarray(covariate, dtype=float)
    var = float(np.var(c, ddof=1))
    b = float(np.cov(x, c)[0, 1] / var) if var > 0 else 0.0
    resid = x - b * c
    return Estimate(point + b * (given - float(np.mean(c))), float(np.std(resid, ddof=1) / math.sqrt(n)))


@dataclass(frozen=True)
class BlendResult:
    """One run of ``days`` days. ``days`` holds per-day arrays: busyness (B), tried,
    reached, mismatches, outbound_served, inbound_arrivals, inbound_served,
    inbound_abandoned, inbound_late (answered or abandoned after service_level_time),
    busy_inbound, busy_blend, staffed_inbound, staffed_blend (agent-seconds from opening
    to close; staffed counts leavers finishing their call), first_dial and last_dial
    (seconds after opening, -1 without a dial), outbound_max_wait (seconds) and events.
    """

    policy: str
    scenario: BlendScenario
    seed: int
    days: dict[str, npt.NDArray[Any]]
    seconds: float  # wall time of the run

    def estimates(self, given_arrivals: float | None = None) -> dict[str, Estimate]:
        """The example's measures with standard errors: means per day, and percentages as
        ratios of sums (service level, occupancies, mismatch share of reached calls).

        With ``given_arrivals`` (mean inbound arrivals per day), each estimate is what
        these days say it would be had their inbound arrivals averaged that (a control
        variate): comparing with another run of the model, this takes out the part of
        the gap that its luck with arrivals explains.
        """
        d = self.days
        arrivals = d["inbound_arrivals"]
        late = d["inbound_late"]
        busy_all = d["busy_inbound"] + d["busy_blend"]
        staffed_all = d["staffed_inbound"] + d["staffed_blend"]
        parts: dict[str, tuple[npt.NDArray[Any], npt.NDArray[Any] | None]] = {
            "tried": (d["tried"], None),
            "reached": (d["reached"], None),
            "mismatches": (d["mismatches"], None),
            "mismatch_share": (d["mismatches"], d["reached"]),
            "outbound_served": (d["outbound_served"], None),
            "inbound_arrivals": (arrivals, None),
            "inbound_served": (d["inbound_served"], None),
            "inbound_abandoned": (d["inbound_abandoned"], None),
            "service_level": (arrivals - late, arrivals),
            "occupancy_inbound": (d["busy_inbound"], d["staffed_inbound"]),
            "occupancy_blend": (d["busy_blend"], d["staffed_blend"]),
            "occupancy_all": (busy_all, staffed_all),
        }
        out = {}
        for name, (num, den) in parts.items():
            point, x = _linear(num, den, 100.0)
            if given_arrivals is None:
                out[name] = _estimate(point, x, None, 0.0)
            elif name == "inbound_arrivals":
                out[name] = Estimate(float(given_arrivals), 0.0)
            else:
                out[name] = _estimate(point, x, arrivals, float(given_arrivals))
        return out

    def means(self) -> dict[str, float]:
        return {k: e.mean for k, e in self.estimates().items()}

    @property
    def events(self) -> int:
        return int(np.sum(self.days["events"]))


def simulate_blend(
    scenario: BlendScenario | None = None,
    days: int = 1000,
    seed: int = 1,
    policy: str | BlendPolicy | Callable[[_core.BlendState], int] = "threshold",
) -> BlendResult:
    """Simulate ``days`` independent days of ``scenario`` (default: the published example)
    with ``policy`` (a name, a ``BlendPolicy`` or a function of the state returning the
    number to dial). Day d draws from streams seeded by (seed, d); its inbound side is the
    same under every policy."""
    sc = scenario if scenario is not None else BlendScenario()
    if isinstance(policy, BlendPolicy):
        pol = policy
    elif isinstance(policy, str):
        pol = BlendPolicy.parse(policy)
    elif callable(policy):
        pol = BlendPolicy("custom", custom=policy)
    else:
        raise ValueError(f"policy must be a name, a BlendPolicy or a function (got {policy!r})")
    core = sc.to_core(days, seed)
    start = time.perf_counter()
    out: Mapping[str, npt.NDArray[Any]] = _core.simulate_blend(core, pol.to_core(), pol.custom)
    seconds = time.perf_counter() - start
    return BlendResult(pol.name, sc, seed, dict(out), seconds)
