"""High-precision reference values (mpmath, 40 digits) to check outpace itself.

The same closed forms as the SciPy baseline, evaluated with enough digits that the
cancellations and overflows of double precision do not matter. A few milliseconds per
value, so the benchmarks check outpace against it on a sample of inputs only.
"""

from __future__ import annotations

import mpmath as mp

_CONTEXT = mp.MPContext()
_CONTEXT.dps = 40


def _erlang_b(n: int, a: mp.mpf) -> mp.mpf:
    m = _CONTEXT
    log_pmf = n * m.log(a) - a - m.loggamma(n + 1)
    return m.exp(log_pmf) / m.gammainc(n + 1, a, m.inf, regularized=True)


def erlang_c_p_wait(servers: int, traffic: float) -> float:
    """Erlang C probability of waiting, for traffic < servers."""
    a = _CONTEXT.mpf(traffic)
    b = _erlang_b(servers, a)
    return float(b / (1 - a / servers * (1 - b)))


def erlang_a_p_wait_p_abandon(
    servers: int, arrival_rate: float, service_rate: float, patience_rate: float
) -> tuple[float, float]:
    """Erlang A (P(W > 0), P(Ab)) by Mandelbaum & Zeltyn's closed form."""
    m = _CONTEXT
    lam, mu, theta = m.mpf(arrival_rate), m.mpf(service_rate), m.mpf(patience_rate)
    x = servers * mu / theta
    y = lam / theta
    big_a = x * m.exp(y) * y ** (-x) * m.gammainc(x, 0, y)
    e = _erlang_b(servers, lam / mu)
    p_wait = big_a * e / (1 + (big_a - 1) * e)
    rho = y / x
    return float(p_wait), float((1 / (rho * big_a) + 1 - 1 / rho) * p_wait)
