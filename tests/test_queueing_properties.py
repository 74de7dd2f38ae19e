"""Properties of the queueing math, checked by hypothesis and against mpmath."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import outpace

servers = st.integers(min_value=1, max_value=3000)
loads = st.floats(min_value=1e-3, max_value=4000, allow_nan=False)
rates = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)


@given(servers, loads)
def test_erlang_b_decreases_with_servers_and_increases_with_traffic(n: int, a: float) -> None:
    b = outpace.erlang_b(n, a)
    assert 0.0 <= b <= 1.0  # underflows to 0 for tiny loads on many servers
    assert outpace.erlang_b(n + 1, a) <= b
    assert outpace.erlang_b(n, a * 1.01) >= b


@given(servers, loads)
def test_erlang_c_is_monotonic_and_above_erlang_b(n: int, a: float) -> None:
    assume(a < n)
    c = outpace.erlang_c(n, a)
    assert outpace.erlang_b(n, a) <= c.p_wait <= 1.0
    assert outpace.erlang_c(n + 1, a).p_wait <= c.p_wait
    if a * 1.01 < n:
        assert outpace.erlang_c(n, a * 1.01).p_wait >= c.p_wait


@given(servers, loads, st.floats(min_value=0.01, max_value=10))
def test_erlang_a_is_monotonic(n: int, a: float, theta: float) -> None:
    q = outpace.erlang_a(n, a, 1.0, theta)
    assert 0.0 <= q.p_abandon <= q.p_wait <= 1.0
    assert 0.0 <= q.occupancy <= 1.0
    more = outpace.erlang_a(n + 1, a, 1.0, theta)
    assert more.p_abandon <= q.p_abandon * (1 + 1e-12)
    heavier = outpace.erlang_a(n, a * 1.01, 1.0, theta)
    assert heavier.p_abandon >= q.p_abandon * (1 - 1e-12)


@given(servers, loads, st.floats(min_value=0.0, max_value=30.0))
@example(1, 1.0, 5e-324)  # a subnormal tau once rounded the mean wait above tau
def test_erlang_d_is_monotonic_in_servers_traffic_and_tau(n: int, a: float, tau: float) -> None:
    mu = 1 / 180
    q = outpace.erlang_d(n, a * mu, mu, tau)
    assert 0.0 <= q.p_abandon <= q.p_wait <= 1.0
    assert outpace.erlang_d(n + 1, a * mu, mu, tau).p_abandon <= q.p_abandon * (1 + 1e-12)
    assert outpace.erlang_d(n, a * 1.01 * mu, mu, tau).p_abandon >= q.p_abandon * (1 - 1e-12)
    assert outpace.erlang_d(n, a * mu, mu, tau + 1.0).p_abandon <= q.p_abandon * (1 + 1e-12)
    assert 0.0 <= q.mean_wait <= tau * (1 + 1e-12)


@given(servers, loads, rates)
def test_erlang_d_at_tau_zero_is_erlang_b(n: int, a: float, mu: float) -> None:
    q = outpace.erlang_d(n, a * mu, mu, 0.0)
    assert q.p_abandon == pytest.approx(outpace.erlang_b(n, a), rel=1e-11)
    assert q.mean_wait == 0.0


@given(servers, st.floats(min_value=0.01, max_value=0.99), rates)
def test_erlang_d_with_tau_large_is_erlang_c(n: int, rho: float, mu: float) -> None:
    a = rho * n
    c = outpace.erlang_c(n, a)
    # After tau, a waiting call is still waiting with probability exp(-(n mu - lam) tau).
    tau = 80.0 / ((n - a) * mu)
    q = outpace.erlang_d(n, a * mu, mu, tau)
    assert q.p_wait == pytest.approx(c.p_wait, rel=1e-11)
    assert q.p_abandon < 1e-30
    assert q.mean_wait == pytest.approx(c.mean_wait / mu, rel=1e-11)
    inf = outpace.erlang_d(n, a * mu, mu, math.inf)
    assert inf.p_wait == pytest.approx(c.p_wait, rel=1e-15)


@given(servers, st.floats(min_value=0.01, max_value=0.99))
def test_erlang_a_with_vanishing_patience_rate_is_erlang_c(n: int, rho: float) -> None:
    a = rho * n
    c = outpace.erlang_c(n, a)
    q = outpace.erlang_a(n, a, 1.0, 0.0)
    assert q.p_wait == c.p_wait and q.p_abandon == 0.0
    slow = outpace.erlang_a(n, a, 1.0, 1e-9 * (n - a))
    assert slow.p_wait == pytest.approx(c.p_wait, rel=1e-6)


def _erlang_b_mpmath(n: int, a: float) -> float:
    """Erlang B in 40-digit arithmetic: Poisson pmf / cdf, or for a > n the defining sum
    1/B = sum_j n (n-1) ... (n-j+1) / a^j, whose terms fall geometrically there."""
    mpmath.mp.dps = 40
    if a <= n:
        pmf = mpmath.exp(-a + n * mpmath.log(a) - mpmath.loggamma(n + 1))
        return float(pmf / mpmath.gammainc(n + 1, a, mpmath.inf, regularized=True))
    total, term, j = mpmath.mpf(1), mpmath.mpf(1), 0
    while term > total * mpmath.mpf(10) ** -42 and j < n:
        term *= mpmath.mpf(n - j) / a
        total += term
        j += 1
    return float(1 / total)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=100_000), st.floats(min_value=0.5, max_value=1.5))
def test_large_groups_stay_finite_and_agree_with_mpmath(n: int, rho: float) -> None:
    a = rho * n
    assert outpace.erlang_b(n, a) == pytest.approx(_erlang_b_mpmath(n, a), rel=1e-10)
    for q in (outpace.erlang_a(n, a, 1.0, 0.5), outpace.erlang_d(n, a / 180, 1 / 180, 2.0)):
        for value in (q.p_wait, q.p_abandon, q.mean_wait, q.occupancy):
            assert math.isfinite(value) and value >= 0.0
    c = outpace.erlang_c(n, a)
    assert math.isfinite(c.p_wait) and 0 <= c.p_wait <= 1


def _erlang_a_mpmath(n: int, lam: float, mu: float, theta: float) -> tuple[float, float]:
    mpmath.mp.dps = 40
    x, y = mpmath.mpf(n) * mu / theta, mpmath.mpf(lam) / theta
    big_a = x * mpmath.exp(y) * y ** (-x) * mpmath.gammainc(x, 0, y)
    e = mpmath.mpf(_erlang_b_mpmath(n, lam / mu))
    p_wait = big_a * e / (1 + (big_a - 1) * e)
    rho = y / x
    p_ab = (1 / (rho * big_a) + 1 - 1 / rho) * p_wait
    return float(p_wait), float(p_ab)


@pytest.mark.parametrize(
    ("n", "lam", "theta"),
    [(1, 0.3, 2.0), (5, 4.0, 0.01), (60, 55.0, 0.3), (60, 90.0, 0.3), (2000, 2100.0, 0.05), (30000, 29000.0, 1.0)],
)
def test_erlang_a_against_mpmath_closed_form(n: int, lam: float, theta: float) -> None:
    want_wait, want_ab = _erlang_a_mpmath(n, lam, 1.0, theta)
    q = outpace.erlang_a(n, lam, 1.0, theta)
    assert q.p_wait == pytest.approx(want_wait, rel=1e-10)
    assert q.p_abandon == pytest.approx(want_ab, rel=1e-10)


def test_100k_servers_in_heavy_and_light_traffic() -> None:
    for rho in (0.3, 0.9, 0.999, 1.0, 1.2, 5.0):
        a = rho * 100_000
        for value in (
            outpace.erlang_b(100_000, a),
            outpace.erlang_c(100_000, a).p_wait,
            outpace.erlang_a(100_000, a, 1.0, 1.0).p_abandon,
            outpace.erlang_d(100_000, a, 1.0, 2.0).p_abandon,
        ):
            assert math.isfinite(value) and 0.0 <= value <= 1.0
    # Overload: a fraction 1 - 1/rho must be lost, whatever the abandon model.
    assert outpace.erlang_a(100_000, 500_000.0, 1.0, 1.0).p_abandon == pytest.approx(0.8, rel=1e-4)
    assert outpace.erlang_d(100_000, 500_000.0, 1.0, 2.0).p_abandon == pytest.approx(0.8, rel=1e-4)


@given(
    st.lists(st.tuples(st.integers(1, 500), st.floats(0, 800), st.floats(0.01, 5)), min_size=1, max_size=20)
)
def test_array_results_equal_scalar_results(cases: list[tuple[int, float, float]]) -> None:
    n = np.array([c[0] for c in cases])
    a = np.array([c[1] for c in cases])
    theta = np.array([c[2] for c in cases])
    arr = outpace.erlang_a(n, a, 1.0, theta)
    for i, (ni, ai, ti) in enumerate(cases):
        s = outpace.erlang_a(ni, ai, 1.0, ti)
        assert arr.p_abandon[i] == s.p_abandon and arr.p_wait[i] == s.p_wait
    b = outpace.erlang_b(n, a)
    assert [outpace.erlang_b(int(ni), float(ai)) for ni, ai in zip(n, a)] == list(b)
