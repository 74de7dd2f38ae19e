"""Run the campaign simulator: one policy (a dialing mode or a baseline) on a scenario,
over one or more seeds, with metrics and time series as NumPy arrays.

>>> result = simulate(Scenario(agents=50, days=1), "predictive")
>>> result.abandon_rate, result.busy_factor
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from outpace import _core
from outpace.scenario import Scenario
from outpace.settings import DialingMode, GroupSettings

__all__ = ["BASELINES", "Policy", "SimulationResult", "compare", "simulate"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Baselines beside the modes, run on the same work.
BASELINES = {
    "ratio": "fixed dial ratio (lines per ready agent), ratio:R",
    "adaptive": "adaptive dial level of the kind VICIdial uses (its documented defaults)",
    "threshold": "dial M x free agents when at least T are free, threshold:T:M",
    "poisson": "live answers arrive as a Poisson process (queueing validation), poisson:RATE per hour",
}


@dataclass(frozen=True)
class Policy:
    """Who decides how many calls to place: a dialing mode with its settings, or a baseline.

    Build from a name: ``Policy.parse("predictive")``, ``"ratio:2.0"``, ``"adaptive"``,
    ``"threshold:4:2"``, ``"poisson:600"``.
    """

    name: str
    settings: GroupSettings | None = None
    ratio: float = 2.0
    threshold: int = 4
    multiplier: float = 2.0
    answers_per_hour: float = 0.0

    @classmethod
    def parse(cls, text: str, settings: GroupSettings | None = None) -> Policy:
        head, _, rest = text.partition(":")
        args = [a for a in rest.split(":") if a]
        try:
            if head in {m.value for m in DialingMode}:
                base = settings or GroupSettings()
                return cls(head, base.replace(mode=DialingMode(head)))
            if head == "ratio":
                return cls(text, ratio=float(args[0]) if args else 2.0)
            if head == "adaptive":
                return cls("adaptive")
            if head == "threshold":
                return cls(text, threshold=int(args[0]) if args else 4, multiplier=float(args[1]) if len(args) > 1 else 2.0)
            if head == "poisson" and args:
                return cls(text, answers_per_hour=float(args[0]))
        except ValueError as exc:
            raise ValueError(f"policy {text!r}: {exc}") from None
        modes = ", ".join(m.value for m in DialingMode)
        raise ValueError(f"unknown policy {text!r}: use a mode ({modes}) or a baseline ({', '.join(BASELINES)})")

    def to_core(self) -> _core.Policy:
        p = _core.Policy()
        head = self.name.partition(":")[0]
        if self.settings is not None:
            p.kind = _core.PolicyKind.GROUP
            p.settings = self.settings.to_core()
        elif head == "ratio":
            p.kind = _core.PolicyKind.FIXED_RATIO
            p.ratio = self.ratio
        elif head == "adaptive":
            p.kind = _core.PolicyKind.ADAPTIVE_DIAL_LEVEL
        elif head == "threshold":
            p.kind = _core.PolicyKind.THRESHOLD
            p.threshold = self.threshold
            p.multiplier = self.multiplier
        else:
            p.kind = _core.PolicyKind.POISSON_ANSWERS
            p.answer_rate = self.answers_per_hour / 3600.0
        p.validate()
        return p


@dataclass(frozen=True)
class SimulationResult:
    """A policy's runs on a scenario, one or more seeds concatenated day by day.

    ``days`` holds per-day arrays (dials, live_answers, abandoned, connects, machines, and
    agent-seconds of talk, wrap and staffed time); ``series`` per-interval arrays (time in
    seconds since the run started, dials, live_answers, abandoned, connects, work).
    """

    policy: str
    scenario: Scenario
    seeds: tuple[int, ...]
    days: dict[str, npt.NDArray[Any]]
    series: dict[str, npt.NDArray[Any]]
    events: int
    seconds: float  # wall time of the runs

    def _sum(self, key: str) -> float:
        return float(np.sum(self.days[key]))

    @property
    def abandon_rate(self) -> float:
        """Abandoned / live answers over everything, 0..1."""
        live = self._sum("live_answers")
        return self._sum("abandoned") / live if live else 0.0

    @property
    def busy_factor(self) -> float:
        """(Talk + wrap-up) / staffed time, 0..1."""
        return (self._sum("talk") + self._sum("wrap")) / self._sum("staffed")

    @property
    def worst_day_abandon(self) -> float:
        live, ab = self.days["live_answers"], self.days["abandoned"]
        rates = np.divide(ab, live, out=np.zeros(len(live)), where=live > 0)
        return float(rates.max()) if len(rates) else 0.0

    def worst_window_abandon(self, window_days: int = 30) -> float:
        """Highest abandon rate over any run of ``window_days`` consecutive days of one seed."""
        worst = 0.0
        per_seed = self.scenario.days
        live, ab = self.days["live_answers"], self.days["abandoned"]
        w = min(window_days, per_seed)
        for s in range(len(self.seeds)):
            lo = s * per_seed
            cl = np.concatenate([[0], np.cumsum(live[lo : lo + per_seed])])
            ca = np.concatenate([[0], np.cumsum(ab[lo : lo + per_seed])])
            lw, aw = cl[w:] - cl[:-w], ca[w:] - ca[:-w]
            rates = np.divide(aw, lw, out=np.zeros(len(lw)), where=lw > 0)
            worst = max(worst, float(rates.max()))
        return worst

    @property
    def agent_wait(self) -> float:
        """Idle seconds per connect."""
        idle = self._sum("staffed") - self._sum("talk") - self._sum("wrap")
        connects = self._sum("connects")
        return idle / connects if connects else float("inf")

    @property
    def agent_hours(self) -> float:
        return self._sum("staffed") / 3600.0

    @property
    def connects_per_agent_hour(self) -> float:
        return self._sum("connects") / self.agent_hours

    @property
    def dials_per_agent_hour(self) -> float:
        return self._sum("dials") / self.agent_hours

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> dict[str, float]:
        return {
            "abandon_rate": self.abandon_rate,
            "worst_day_abandon": self.worst_day_abandon,
            "worst_30_day_abandon": self.worst_window_abandon(30),
            "busy_factor": self.busy_factor,
            "agent_wait": self.agent_wait,
            "connects_per_agent_hour": self.connects_per_agent_hour,
            "dials_per_agent_hour": self.dials_per_agent_hour,
        }


def _run_one(scenario: Scenario, policy: Policy, seed: int, progress: Callable[[float], None] | None) -> dict[str, Any]:
    core = scenario.replace(seed=seed).to_core()
    result: dict[str, Any] = _core.simulate(core, policy.to_core(), progress)
    return result


def simulate(
    scenario: Scenario,
    policy: str | Policy = "predictive",
    *,
    settings: GroupSettings | None = None,
    seeds: int | Sequence[int] = 1,
    workers: int = 1,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Simulate ``policy`` on ``scenario`` for each seed (``seeds=N`` means seeds
    scenario.seed .. scenario.seed + N - 1), on ``workers`` threads (the runs release the
    GIL). ``progress`` gets the fraction of the work done."""
    import time

    pol = policy if isinstance(policy, Policy) else Policy.parse(policy, settings)
    seed_list = tuple(range(scenario.seed, scenario.seed + seeds)) if isinstance(seeds, int) else tuple(seeds)
    if not seed_list:
        raise ValueError("seeds must name at least one seed")
    done = [0.0] * len(seed_list)

    def report(i: int) -> Callable[[float], None] | None:
        if progress is None:
            return None

        def cb(fraction: float) -> None:
            done[i] = fraction
            progress(sum(done) / len(done))

        return cb

    start = time.perf_counter()
    if workers > 1 and len(seed_list) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            runs = list(pool.map(lambda i: _run_one(scenario, pol, seed_list[i], report(i)), range(len(seed_list))))
    else:
        runs = [_run_one(scenario, pol, s, report(i)) for i, s in enumerate(seed_list)]
    seconds = time.perf_counter() - start
    days = {k: np.concatenate([r["days"][k] for r in runs]) for k in runs[0]["days"]}
    series = {k: np.concatenate([r["series"][k] for r in runs]) for k in runs[0]["series"]}
    return SimulationResult(pol.name, scenario, seed_list, days, series, sum(int(r["events"]) for r in runs), seconds)


def compare(
    scenario: Scenario,
    policies: Sequence[str | Policy],
    *,
    settings: GroupSettings | None = None,
    seeds: int | Sequence[int] = 1,
    workers: int = 1,
    progress: Callable[[float], None] | None = None,
) -> list[SimulationResult]:
    """Every policy on the same scenario and seeds."""
    results = []
    for i, p in enumerate(policies):
        def sub(f: float, i: int = i) -> None:
            if progress is not None:
                progress((i + f) / len(policies))

        results.append(simulate(scenario, p, settings=settings, seeds=seeds, workers=workers, progress=sub))
    return results
