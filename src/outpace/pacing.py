"""The pacing rules on their own, for analysis and tests.

``CampaignGroup`` applies these every tick; here they take plain numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from outpace import _core

__all__ = ["SafeCalls", "largest_safe_calls", "progressive_calls"]


def progressive_calls(lines_per_agent: float, ready: int, queued: int, dialing: int) -> int:
    """Genesys' documented progressive rule: floor(m (ready - queued - ceil(dialing / m))).

    Args:
        lines_per_agent: the multiplier m, in (0, 10].
        ready: agents ready (not counting those reserved for inbound).
        queued: answered calls waiting for an agent.
        dialing: calls being dialed.
    """
    if not (0 < lines_per_agent <= 10) or math.isnan(lines_per_agent):
        raise ValueError(f"lines_per_agent must be in (0, 10] (got {lines_per_agent!r})")
    for name, value in (("ready", ready), ("queued", queued), ("dialing", dialing)):
        if value < 0:
            raise ValueError(f"{name} must be >= 0 (got {value!r})")
    return int(_core.progressive_calls(float(lines_per_agent), int(ready), int(queued), int(dialing)))


@dataclass(frozen=True)
class SafeCalls:
    """The result of the one-horizon rule: ``calls`` (-1 if even none is safe) and the
    abandon risk E[unmatched] / E[answers] for 0, 1, ... new calls."""

    calls: int
    risks: list[float]


def _probabilities(name: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64).ravel()
    bad = ~((arr >= 0.0) & (arr <= 1.0))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{name}[{i}] must be a probability in [0, 1] (got {arr[i]!r})")
    return arr


def largest_safe_calls(
    answer: Sequence[float] | np.ndarray,
    free: Sequence[float] | np.ndarray,
    new_call: float,
    free_now: int,
    theta: float,
    max_calls: int = 1000,
    demand_mean: float = 0.0,
) -> SafeCalls:
    """Largest x with E[(A + B_x - V - free_now)+] <= theta E[A + B_x], exactly.

    A: answers of the calls in flight (each answered with its probability in ``answer``);
    B_x ~ Binomial(x, new_call): answers of x new calls; V: busy agents that come free in
    time (each with its probability in ``free``); free_now: agents free now less calls
    waiting; demand_mean: a Poisson demand for agents (inbound calls) in the same window.
    """
    a = _probabilities("answer", answer)
    f = _probabilities("free", free)
    if not (0.0 <= new_call <= 1.0):
        raise ValueError(f"new_call must be a probability in [0, 1] (got {new_call!r})")
    if not (0.0 <= theta <= 1.0):
        raise ValueError(f"theta must be in [0, 1] (got {theta!r})")
    if max_calls < 0:
        raise ValueError(f"max_calls must be >= 0 (got {max_calls!r})")
    if not (demand_mean >= 0.0) or math.isinf(demand_mean):
        raise ValueError(f"demand_mean must be a finite number >= 0 (got {demand_mean!r})")
    calls, risks = _core.largest_safe_calls(a, f, float(new_call), float(free_now), float(theta), int(max_calls), float(demand_mean))
    return SafeCalls(int(calls), [float(r) for r in risks])
