"""The queueing math against reference values computed outside this project."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

import outpace
from validation_tables import capacity_table

REL_TOL = 1e-10


def _rows(validation_dir: Path) -> list[dict[str, str]]:
    with open(validation_dir / "queueing.csv", newline="") as f:
        return list(csv.DictReader(f))


def _expected(row: dict[str, str], field: str) -> float | None:
    return float(row[field]) if row[field] else None


def _compute(row: dict[str, str]) -> dict[str, float]:
    n = int(row["servers"])
    lam = float(row["arrival_rate"])
    mu = float(row["service_rate"])
    model = row["model"]
    if model == "erlang_b":
        return {"p_block_or_wait": outpace.erlang_b(n, lam)}
    if model == "erlang_c":
        c = outpace.erlang_c(n, lam)
        return {"p_block_or_wait": c.p_wait, "mean_wait": c.mean_wait, "occupancy": c.occupancy}
    patience = float(row["patience_rate_or_tau"])
    q = outpace.erlang_a(n, lam, mu, patience) if model == "erlang_a" else outpace.erlang_d(n, lam, mu, patience)
    return {"p_block_or_wait": q.p_wait, "p_abandon": q.p_abandon, "mean_wait": q.mean_wait, "occupancy": q.occupancy}


def test_every_reference_row_within_1e10(validation_dir: Path) -> None:
    rows = _rows(validation_dir)
    assert len(rows) >= 20
    checked = 0
    for row in rows:
        got = _compute(row)
        for field in ("p_block_or_wait", "p_abandon", "mean_wait", "occupancy"):
            want = _expected(row, field)
            if want is None:
                continue
            assert field in got, (row, field)
            assert got[field] == pytest.approx(want, rel=REL_TOL, abs=0), (row["model"], row["servers"], field)
            checked += 1
    assert checked >= 50


def test_reference_rows_as_one_array_call(validation_dir: Path) -> None:
    """The array path gives the same values as the scalar path, row by row."""
    rows = [r for r in _rows(validation_dir) if r["model"] == "erlang_a"]
    n = np.array([int(r["servers"]) for r in rows])
    lam = np.array([float(r["arrival_rate"]) for r in rows])
    mu = np.array([float(r["service_rate"]) for r in rows])
    theta = np.array([float(r["patience_rate_or_tau"]) for r in rows])
    q = outpace.erlang_a(n, lam, mu, theta)
    want = np.array([float(r["p_abandon"]) for r in rows])
    np.testing.assert_allclose(q.p_abandon, want, rtol=REL_TOL, atol=0)


def test_static_capacity_table_of_the_2_second_rule(validation_dir: Path) -> None:
    """Largest answer load at 3% abandon, M/M/n+D with AHT 180 s, tau 2 s (pacing.md)."""
    mu = 1 / 180
    for agents, load, busy in capacity_table(validation_dir):
        lam = outpace.max_arrival_rate(agents, mu, 2.0, 0.03)
        assert lam / mu == pytest.approx(load, abs=0.0015)
        q = outpace.erlang_d(agents, lam, mu, 2.0)
        assert q.p_abandon == pytest.approx(0.03, rel=1e-9)
        assert q.occupancy == pytest.approx(busy, abs=0.00015)
        # The inverse question answers the same table from the other side.
        assert outpace.agents_for_abandon(lam * 0.999, mu, 2.0, 0.03) == agents


def test_erlang_d_reduces_to_erlang_b_at_tau_zero_on_the_notes_value() -> None:
    # pacing.md section 4.4: tau = 0 reproduces Erlang B, 0.0868713141779589 at n=10, A=7.2.
    q = outpace.erlang_d(10, 7.2 / 180, 1 / 180, 0.0)
    assert q.p_abandon == pytest.approx(0.0868713141779589, rel=1e-12)
    assert outpace.erlang_b(10, 7.2) == pytest.approx(0.0868713141779589, rel=1e-12)


def test_service_level_and_staffing_from_the_reference_erlang_c_row() -> None:
    # queueing.csv: C(14 servers, 10 Erlangs) = 0.17413193359504984. With AHT 180 s the
    # service level at 20 s is 1 - C exp(-(14 - 10) 20 / 180) and the mean wait C 180 / 4.
    c_ref = 0.17413193359504984
    c14 = outpace.erlang_c(14, 10.0, service_time=180.0, answer_within=20.0)
    assert c14.service_level == pytest.approx(1 - c_ref * math.exp(-4 * 20 / 180), rel=1e-12)
    assert c14.mean_wait == pytest.approx(c_ref * 180 / 4, rel=1e-12)
    assert math.isclose(c14.occupancy, 10 / 14)
    c13 = outpace.erlang_c(13, 10.0, service_time=180.0, answer_within=20.0)
    assert c13.service_level < 0.8 < c14.service_level
    assert outpace.agents_for_service_level(10.0, 0.8, 20.0, 180.0) == 14
