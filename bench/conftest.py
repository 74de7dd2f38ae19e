"""Benchmark set-up: the numba warm-up and a per-element summary printed after the run.

pytest-benchmark reports time per round; an array round covers many elements, so the
``record`` fixture keeps each benchmark's median with its element count, and the summary
hook prints the Markdown table of docs/benchmarks.md (per scalar call, per array element,
ratio to outpace) and the issue's targets. Nothing is recorded under --benchmark-disable.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pytest

IMPLEMENTATIONS = ("outpace", "pyworkforce", "scipy", "numba")


@dataclass(frozen=True)
class Row:
    function: str  # "erlang_c" or "erlang_a"
    mode: str  # "scalar" or "array"
    n: int
    implementation: str
    median: float  # seconds per timed call
    elements: int  # values computed per timed call
    max_rel_diff: (
        float  # largest relative difference to outpace (to mpmath for outpace)
    )

    @property
    def per_element(self) -> float:
        return self.median / self.elements


ROWS = pytest.StashKey[list[Row]]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[ROWS] = []


@pytest.fixture(scope="session")
def numba_ready() -> None:
    """Compile the numba baselines once, so no benchmark times the JIT."""
    from baselines import numba_erlang

    numba_erlang.warm_up()


@pytest.fixture
def record(request: pytest.FixtureRequest, benchmark: object) -> Callable[..., None]:
    rows = request.config.stash[ROWS]

    def _record(
        function: str,
        mode: str,
        n: int,
        implementation: str,
        elements: int,
        max_rel_diff: float,
    ) -> None:
        stats = getattr(benchmark, "stats", None)  # None when benchmarking is disabled
        if stats:
            rows.append(
                Row(
                    function,
                    mode,
                    n,
                    implementation,
                    stats.stats.median,
                    elements,
                    max_rel_diff,
                )
            )

    return _record


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    for unit, scale in (("ns", 1e-9), ("µs", 1e-6), ("ms", 1e-3)):
        if seconds < 1000 * scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def _ratio(value: float | None, reference: float | None) -> str:
    if value is None or reference is None:
        return "–"
    return f"{value / reference:.3g}x"


def _table(rows: list[Row]) -> list[str]:
    header = (
        "| function | n | implementation | median per scalar call | ratio to outpace "
        "| median per array element | ratio to outpace | max rel. diff |"
    )
    lines = [header, "|---|---:|---|---:|---:|---:|---:|---:|"]
    by_key = {(r.function, r.mode, r.n, r.implementation): r for r in rows}
    functions = sorted({r.function for r in rows}, key=lambda f: f != "erlang_c")
    for function in functions:
        for n in sorted({r.n for r in rows if r.function == function}):
            for impl in IMPLEMENTATIONS:
                scalar = by_key.get((function, "scalar", n, impl))
                array = by_key.get((function, "array", n, impl))
                if scalar is None and array is None:
                    continue
                ref_s = by_key.get((function, "scalar", n, "outpace"))
                ref_a = by_key.get((function, "array", n, "outpace"))
                s = scalar.median if scalar else None
                a = array.per_element if array else None
                diff = max(r.max_rel_diff for r in (scalar, array) if r is not None)
                ratio_s = _ratio(s, ref_s.median if ref_s else None)
                ratio_a = _ratio(a, ref_a.per_element if ref_a else None)
                lines.append(
                    f"| {function} | {n:,} | {impl} | {_time(s)} | {ratio_s} "
                    f"| {_time(a)} | {ratio_a} | {diff:.1e} |"
                )
    return lines


def _targets(rows: list[Row]) -> list[str]:
    by_key = {(r.function, r.mode, r.n, r.implementation): r for r in rows}
    lines = []
    ours = by_key.get(("erlang_c", "scalar", 1_000, "outpace"))
    theirs = by_key.get(("erlang_c", "scalar", 1_000, "pyworkforce"))
    if ours and theirs:
        speedup = theirs.median / ours.median
        verdict = "met" if speedup >= 50 else "NOT met"
        lines.append(
            f"- erlang_c scalar n=1,000: {speedup:.1f}x pyworkforce (target >= 50x): {verdict}"
        )
    for function in ("erlang_c", "erlang_a"):
        for n, limit in ((14, 50e-9), (10_000, 1e-6)):
            row = by_key.get((function, "array", n, "outpace"))
            if row:
                verdict = "met" if row.per_element <= limit else "NOT met"
                lines.append(
                    f"- {function} array n~{n:,}: {_time(row.per_element)} per element "
                    f"(target <= {_time(limit)}, {row.per_element / limit:.2f} of it): {verdict}"
                )
    return lines


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    rows = config.stash.get(ROWS, [])
    if not rows:
        return
    terminalreporter.section("queueing benchmarks: medians per call and per element")
    for line in _table(rows) + [""] + _targets(rows):
        terminalreporter.write_line(line)
    if any(math.isnan(r.max_rel_diff) for r in rows):
        terminalreporter.write_line("warning: a relative difference is NaN")
