"""Erlang C and Erlang A as numba @njit code: what a Python user writes to go fast.

- Erlang B by the inverse recursion I(k) = 1 + (k / A) I(k - 1), B = 1 / I (Qiao & Qiao;
  the form pyworkforce uses). O(n) per value, accurate to about n ulp. I overflows only
  when B < 1e-308, where C and A are zero to double precision anyway.
- Erlang A by Mandelbaum & Zeltyn with A(x, y) = x e^y y^-x gamma(x, y) summed as its
  Kummer series sum_k y^k / ((x + 1) ... (x + k)), which stays finite while y < x
  (rho < 1, the benchmarked range; in overload it needs log space, not written here).

Array versions are a plain loop, single-threaded (no ``parallel=True``) like outpace, and
no ``fastmath``, which would let LLVM reorder the sums. Call :func:`warm_up` before timing
so that JIT compilation is not measured. No argument has a default: a call to a jitted
function that leaves a default out takes numba's slow dispatch path, about 25 µs here
against 0.3 µs with every argument given.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=False)
def _inv_erlang_b(n, a):  # type: ignore[no-untyped-def]
    inv = 1.0
    step = 1.0 / a
    for k in range(1, n + 1):
        inv = 1.0 + k * step * inv
    return inv


@njit(cache=False)
def erlang_c(n, a, service_time, answer_within):  # type: ignore[no-untyped-def]
    """(p_wait, mean_wait, service_level, occupancy) for traffic a < n servers."""
    inv = _inv_erlang_b(n, a)
    rho = a / n
    c = 1.0 / (inv * (1.0 - rho) + rho)  # B / (1 - rho (1 - B)) with B = 1 / inv
    mean_wait = c * service_time / (n - a)
    service_level = 1.0 - c * math.exp(-(n - a) * answer_within / service_time)
    return c, mean_wait, service_level, rho


@njit(cache=False)
def erlang_a(n, lam, mu, theta):  # type: ignore[no-untyped-def]
    """(p_wait, p_abandon, mean_wait, occupancy) of M/M/n+M, for theta > 0 and lam < n mu."""
    x = n * mu / theta
    y = lam / theta
    # A(x, y) = sum_k y^k / prod_{i<=k} (x + i); stop when the geometric bound on the
    # tail, term * r / (1 - r) with r = y / (x + k + 1), is below 1e-17 of the sum.
    big_a = 1.0
    term = 1.0
    k = 0
    while True:
        k += 1
        term *= y / (x + k)
        big_a += term
        r = y / (x + k + 1.0)
        if r < 1.0 and term * r <= 1e-17 * big_a * (1.0 - r):
            break
    inv_e = _inv_erlang_b(n, lam / mu)
    # A E / (1 + (A - 1) E) with E = 1 / inv_e.
    p_wait = big_a / (inv_e + big_a - 1.0)
    rho = y / x
    p_abandon = (1.0 / (rho * big_a) + 1.0 - 1.0 / rho) * p_wait
    return p_wait, p_abandon, p_abandon / theta, lam * (1.0 - p_abandon) / (n * mu)


@njit(cache=False)
def erlang_c_array(servers, traffic, service_time, answer_within):  # type: ignore[no-untyped-def]
    count = servers.shape[0]
    out = np.empty((4, count))
    for i in range(count):
        c, w, sl, occ = erlang_c(servers[i], traffic[i], service_time, answer_within)
        out[0, i] = c
        out[1, i] = w
        out[2, i] = sl
        out[3, i] = occ
    return out


@njit(cache=False)
def erlang_a_array(servers, arrival_rate, service_rate, patience_rate):  # type: ignore[no-untyped-def]
    count = servers.shape[0]
    out = np.empty((4, count))
    for i in range(count):
        p_wait, p_ab, w, occ = erlang_a(
            servers[i], arrival_rate[i], service_rate, patience_rate
        )
        out[0, i] = p_wait
        out[1, i] = p_ab
        out[2, i] = w
        out[3, i] = occ
    return out


def warm_up() -> None:
    """Compile every function for the argument types the benchmarks pass."""
    servers = np.array([10, 11], dtype=np.int64)
    traffic = np.array([8.0, 9.0])
    erlang_c(10, 8.0, 1.0, 0.0)
    erlang_a(10, 8.0, 1.0, 0.5)
    erlang_c_array(servers, traffic, 1.0, 0.0)
    erlang_a_array(servers, traffic, 1.0, 0.5)
