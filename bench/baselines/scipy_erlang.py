"""Erlang C and Erlang A in log space with scipy.special, vectorised over NumPy arrays.

What a careful SciPy user writes: no loops, O(1) per element, nothing overflows in the
benchmarked range. scipy.special ufuncs rather than scipy.stats.poisson, whose per-call
argument checking costs tens of microseconds on a scalar.

- Erlang B: log B = log pmf(n; A) - log cdf(n; A) with the Poisson cdf as Q(n + 1, A)
  (``gammaincc``), Jagerman's log form.
- Erlang C from B: C = B / (1 - rho (1 - B)).
- Erlang A (Mandelbaum & Zeltyn): log A(x, y) = y - x log y + log Gamma(x + 1) + log P(x, y)
  with x = n mu / theta, y = lam / theta and P = ``gammainc``;
  P(W > 0) = 1 / (1 + (1 - E) exp(-(log A + log E))), P(Ab | W > 0) = 1/(rho A) + 1 - 1/rho.

Known limits: ``gammainc(x, y)`` underflows to 0 (log A = -inf, then NaN) once
x (rho - 1 - log rho) exceeds about 700: at rho = 0.8 with theta = mu / 2 that is past
n ~ 15,000 (n = 16,000 gives NaN). And P(Ab | W > 0) is the difference of two numbers
near (1 - rho) / rho, so it loses about log10(1 / (rho P(Ab | W > 0))) digits in light
traffic: up to 7.5e-8 relative in p_abandon in the benchmarked range (n <= 11,000),
where nothing underflows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gammainc, gammaincc, gammaln, xlogy


def log_erlang_b(servers: Any, traffic: Any) -> Any:
    """log B(n, A), elementwise."""
    n = np.asarray(servers, dtype=np.float64)
    a = np.asarray(traffic, dtype=np.float64)
    log_pmf = xlogy(n, a) - a - gammaln(n + 1.0)
    return log_pmf - np.log(gammaincc(n + 1.0, a))


def erlang_c(
    servers: Any, traffic: Any, service_time: float = 1.0, answer_within: float = 0.0
) -> tuple[Any, ...]:
    """(p_wait, mean_wait, service_level, occupancy) for stable queues (traffic < servers)."""
    n = np.asarray(servers, dtype=np.float64)
    a = np.asarray(traffic, dtype=np.float64)
    b = np.exp(log_erlang_b(n, a))
    rho = a / n
    c = b / (1.0 - rho * (1.0 - b))
    mean_wait = c * service_time / (n - a)
    service_level = 1.0 - c * np.exp(-(n - a) * answer_within / service_time)
    return c, mean_wait, service_level, rho


def erlang_a(
    servers: Any, arrival_rate: Any, service_rate: Any, patience_rate: Any
) -> tuple[Any, ...]:
    """(p_wait, p_abandon, mean_wait, occupancy) of M/M/n+M, for patience_rate > 0."""
    n = np.asarray(servers, dtype=np.float64)
    lam = np.asarray(arrival_rate, dtype=np.float64)
    mu = np.asarray(service_rate, dtype=np.float64)
    theta = np.asarray(patience_rate, dtype=np.float64)
    x = n * mu / theta
    y = lam / theta
    log_a = y - x * np.log(y) + gammaln(x + 1.0) + np.log(gammainc(x, y))
    log_e = log_erlang_b(n, lam / mu)
    p_wait = 1.0 / (1.0 + -np.expm1(log_e) * np.exp(-(log_a + log_e)))
    rho = y / x
    p_abandon = (np.exp(-log_a) / rho + 1.0 - 1.0 / rho) * p_wait
    occupancy = lam * (1.0 - p_abandon) / (n * mu)
    return p_wait, p_abandon, p_abandon / theta, occupancy
