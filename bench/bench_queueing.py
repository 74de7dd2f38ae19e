"""Cost of outpace.erlang_c and outpace.erlang_a against the Erlang code Python users write.

    python -m pytest bench/bench_queueing.py --benchmark-only --benchmark-columns=median,iqr,rounds

Not part of the test run (``testpaths`` is ``tests/``). Each benchmark also checks its
result, to the tolerances in ``TOLERANCE``: outpace against 40-digit mpmath (on a sample
of elements for arrays), every baseline against outpace. Baselines (see ``baselines/``):
pyworkforce 0.5 (Erlang C only: it has no Erlang A), SciPy log-space closed forms
vectorised with scipy.special, and numba @njit recursion and series, single-threaded
like outpace.

Inputs:
- scalar calls: servers n and traffic 0.95 n Erlangs, n in N_VALUES;
- arrays "around n": ELEMENTS pairs, servers uniform on the integers in [0.9 n, 1.1 n],
  traffic = servers x U(0.80, 0.99), seeded;
- Erlang A: service_rate 1 (so arrival_rate = traffic) and patience_rate 0.5 (mean
  patience two handling times), for scalars and arrays alike.

pyworkforce has no array API, so its "array" benchmark loops over the first
PYWORKFORCE_ELEMENTS[n] pairs (pre-converted to Python numbers) and the summary divides by
that count. The summary table printed at the end is the one in docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from baselines import mpmath_erlang, numba_erlang, pyworkforce_erlang, scipy_erlang

import outpace

N_VALUES = (14, 1_000, 10_000)
ELEMENTS = 100_000
SEED = 20_240
SERVICE_RATE = 1.0
PATIENCE_RATE = 0.5
# Pure Python at ~0.1 µs per server: enough pairs for a ~0.2 s round, not 100,000.
PYWORKFORCE_ELEMENTS = {14: 100_000, 1_000: 2_000, 10_000: 200}
# outpace elements checked against mpmath per array benchmark (a few ms each).
MPMATH_SAMPLE = 20

# Largest relative difference allowed to outpace, per implementation and field. outpace
# itself is held to 1e-11 against mpmath: around n = 10,000 one ulp of traffic moves C
# by up to 4e-13, and outpace is within a few such ulps (1.6e-12 seen). The recursions
# (pyworkforce, numba) lose about n ulp; SciPy's log-gamma sums of size ~x lose ~x ulp
# in log A, and its P(Ab | W > 0) = 1/(rho A) + 1 - 1/rho cancels, losing about
# log10(1 / P(Ab | W > 0)) digits (7.5e-8 relative seen at n ~ 10,000).
TOLERANCE: dict[str, dict[str, float]] = {
    "outpace": {"p_wait": 1e-11, "p_abandon": 1e-11},
    "pyworkforce": {
        "p_wait": 1e-10,
        "mean_wait": 1e-10,
        "service_level": 1e-10,
        "occupancy": 1e-15,
    },
    "numba": {
        "p_wait": 1e-10,
        "p_abandon": 1e-10,
        "mean_wait": 1e-10,
        "service_level": 1e-10,
        "occupancy": 1e-12,
    },
    "scipy": {
        "p_wait": 1e-9,
        "p_abandon": 1e-6,
        "mean_wait": 1e-6,
        "service_level": 1e-9,
        "occupancy": 1e-9,
    },
}
C_FIELDS = ("p_wait", "mean_wait", "service_level", "occupancy")
A_FIELDS = ("p_wait", "p_abandon", "mean_wait", "occupancy")


# ---- inputs and references -------------------------------------------------------------


def _pairs(n: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    rng = np.random.default_rng([SEED, n])
    servers = rng.integers(
        (9 * n + 9) // 10, 11 * n // 10, size=ELEMENTS, endpoint=True, dtype=np.int64
    )
    traffic = servers * rng.uniform(0.80, 0.99, size=ELEMENTS)
    return servers, traffic


PAIRS = {n: _pairs(n) for n in N_VALUES}


def _scalar(n: int) -> tuple[int, float]:
    return n, 0.95 * n


def _as_fields(result: Any, fields: tuple[str, ...]) -> dict[str, np.ndarray[Any, Any]]:
    """outpace's dataclass or a baseline's tuple (same order) as arrays by field name."""
    if hasattr(result, fields[0]):
        return {f: np.asarray(getattr(result, f), dtype=np.float64) for f in fields}
    if isinstance(result, np.ndarray) and result.ndim == 2:  # numba: one row per field
        return dict(zip(fields, result))
    if isinstance(result, list):  # pyworkforce loop: one tuple per element
        return dict(zip(fields, np.array(result, dtype=np.float64).T))
    return {f: np.asarray(v, dtype=np.float64) for f, v in zip(fields, result)}


def _max_rel_diff(
    got: dict[str, Any], want: dict[str, Any], tolerance: dict[str, float]
) -> float:
    """Check every field in ``tolerance``; return the largest relative difference seen."""
    worst = 0.0
    for field, rel in tolerance.items():
        if field not in got:
            continue
        g = np.atleast_1d(np.asarray(got[field], dtype=np.float64))
        w = np.atleast_1d(np.asarray(want[field], dtype=np.float64))[: g.size]
        diff = np.abs(g - w) / np.abs(w)
        i = int(np.argmax(diff))
        worst_here = float(diff[i])
        assert worst_here <= rel, (
            f"{field}: relative difference {worst_here:.3g} > {rel:g} at element {i}"
        )
        worst = max(worst, worst_here)
    return worst


def _sample(n: int) -> np.ndarray[Any, Any]:
    return np.random.default_rng([SEED, n, 1]).choice(
        ELEMENTS, size=MPMATH_SAMPLE, replace=False
    )


def _mpmath_c(servers: Any, traffic: Any) -> dict[str, np.ndarray[Any, Any]]:
    values = [
        mpmath_erlang.erlang_c_p_wait(int(s), float(a))
        for s, a in zip(np.atleast_1d(servers), np.atleast_1d(traffic))
    ]
    return {"p_wait": np.array(values)}


def _mpmath_a(servers: Any, traffic: Any) -> dict[str, np.ndarray[Any, Any]]:
    pairs = [
        mpmath_erlang.erlang_a_p_wait_p_abandon(
            int(s), float(a) * SERVICE_RATE, SERVICE_RATE, PATIENCE_RATE
        )
        for s, a in zip(np.atleast_1d(servers), np.atleast_1d(traffic))
    ]
    return {
        "p_wait": np.array([p for p, _ in pairs]),
        "p_abandon": np.array([q for _, q in pairs]),
    }


def _cases(function: str, mode: str, implementations: tuple[str, ...]) -> list[Any]:
    # One group per (function, mode, n): each table compares implementations on equal
    # input. Array rounds take 2 ms to 2.5 s; 3 s per benchmark (and at least 5 rounds)
    # steadies their medians.
    options = {"max_time": 3.0} if mode == "array" else {}
    marks = [
        pytest.mark.benchmark(group=f"{function} {mode} n={n}", **options)
        for n in N_VALUES
    ]
    return [
        pytest.param(n, impl, id=f"n{n}-{impl}", marks=mark)
        for n, mark in zip(N_VALUES, marks)
        for impl in implementations
    ]


# ---- the calls timed ---------------------------------------------------------------------


def _erlang_c_scalar(impl: str, n: int, a: float) -> Callable[[], Any]:
    if impl == "numba":  # every argument given: see baselines/numba_erlang.py
        return lambda: numba_erlang.erlang_c(n, a, 1.0, 0.0)
    fns: dict[str, Callable[..., Any]] = {
        "outpace": outpace.erlang_c,
        "pyworkforce": pyworkforce_erlang.erlang_c,
        "scipy": scipy_erlang.erlang_c,
    }
    fn = fns[impl]
    return lambda: fn(n, a)


def _erlang_a_scalar(impl: str, n: int, a: float) -> Callable[[], Any]:
    fns: dict[str, Callable[..., Any]] = {
        "outpace": outpace.erlang_a,
        "scipy": scipy_erlang.erlang_a,
        "numba": numba_erlang.erlang_a,
    }
    fn = fns[impl]
    return lambda: fn(n, a * SERVICE_RATE, SERVICE_RATE, PATIENCE_RATE)


def _erlang_c_array(impl: str, n: int) -> tuple[Callable[[], Any], int]:
    servers, traffic = PAIRS[n]
    if impl == "pyworkforce":
        count = PYWORKFORCE_ELEMENTS[n]
        pairs = list(zip(servers[:count].tolist(), traffic[:count].tolist()))
        return (lambda: [pyworkforce_erlang.erlang_c(s, a) for s, a in pairs]), count
    if impl == "numba":
        return (
            lambda: numba_erlang.erlang_c_array(servers, traffic, 1.0, 0.0)
        ), ELEMENTS
    fns: dict[str, Callable[..., Any]] = {
        "outpace": outpace.erlang_c,
        "scipy": scipy_erlang.erlang_c,
    }
    fn = fns[impl]
    return (lambda: fn(servers, traffic)), ELEMENTS


def _erlang_a_array(impl: str, n: int) -> Callable[[], Any]:
    servers, traffic = PAIRS[n]
    arrival_rate = traffic * SERVICE_RATE
    fns: dict[str, Callable[..., Any]] = {
        "outpace": outpace.erlang_a,
        "scipy": scipy_erlang.erlang_a,
        "numba": numba_erlang.erlang_a_array,
    }
    fn = fns[impl]
    return lambda: fn(servers, arrival_rate, SERVICE_RATE, PATIENCE_RATE)


# ---- benchmarks ---------------------------------------------------------------------------


@pytest.mark.usefixtures("numba_ready")
@pytest.mark.parametrize(
    ("n", "impl"),
    _cases("erlang_c", "scalar", ("outpace", "pyworkforce", "scipy", "numba")),
)
def test_erlang_c_scalar(benchmark: Any, record: Any, n: int, impl: str) -> None:
    servers, traffic = _scalar(n)
    got = _as_fields(benchmark(_erlang_c_scalar(impl, servers, traffic)), C_FIELDS)
    want = (
        _mpmath_c(servers, traffic)
        if impl == "outpace"
        else _as_fields(outpace.erlang_c(servers, traffic), C_FIELDS)
    )
    record("erlang_c", "scalar", n, impl, 1, _max_rel_diff(got, want, TOLERANCE[impl]))


@pytest.mark.usefixtures("numba_ready")
@pytest.mark.parametrize(
    ("n", "impl"), _cases("erlang_a", "scalar", ("outpace", "scipy", "numba"))
)
def test_erlang_a_scalar(benchmark: Any, record: Any, n: int, impl: str) -> None:
    servers, traffic = _scalar(n)
    got = _as_fields(benchmark(_erlang_a_scalar(impl, servers, traffic)), A_FIELDS)
    if impl == "outpace":
        want = _mpmath_a(servers, traffic)
    else:
        want = _as_fields(
            outpace.erlang_a(
                servers, traffic * SERVICE_RATE, SERVICE_RATE, PATIENCE_RATE
            ),
            A_FIELDS,
        )
    record("erlang_a", "scalar", n, impl, 1, _max_rel_diff(got, want, TOLERANCE[impl]))


@pytest.mark.usefixtures("numba_ready")
@pytest.mark.parametrize(
    ("n", "impl"),
    _cases("erlang_c", "array", ("outpace", "pyworkforce", "scipy", "numba")),
)
def test_erlang_c_array(benchmark: Any, record: Any, n: int, impl: str) -> None:
    fn, count = _erlang_c_array(impl, n)
    benchmark.extra_info["elements"] = count
    got = _as_fields(benchmark(fn), C_FIELDS)
    servers, traffic = PAIRS[n]
    if impl == "outpace":
        pick = _sample(n)
        got = {f: v[pick] for f, v in got.items()}
        want = _mpmath_c(servers[pick], traffic[pick])
    else:
        want = _as_fields(outpace.erlang_c(servers, traffic), C_FIELDS)
    record(
        "erlang_c", "array", n, impl, count, _max_rel_diff(got, want, TOLERANCE[impl])
    )


@pytest.mark.usefixtures("numba_ready")
@pytest.mark.parametrize(
    ("n", "impl"), _cases("erlang_a", "array", ("outpace", "scipy", "numba"))
)
def test_erlang_a_array(benchmark: Any, record: Any, n: int, impl: str) -> None:
    benchmark.extra_info["elements"] = ELEMENTS
    got = _as_fields(benchmark(_erlang_a_array(impl, n)), A_FIELDS)
    servers, traffic = PAIRS[n]
    if impl == "outpace":
        pick = _sample(n)
        got = {f: v[pick] for f, v in got.items()}
        want = _mpmath_a(servers[pick], traffic[pick])
    else:
        want = _as_fields(
            outpace.erlang_a(
                servers, traffic * SERVICE_RATE, SERVICE_RATE, PATIENCE_RATE
            ),
            A_FIELDS,
        )
    record(
        "erlang_a",
        "array",
        n,
        impl,
        ELEMENTS,
        _max_rel_diff(got, want, TOLERANCE[impl]),
    )
