"""``outpace sweep`` end to end on a tiny grid: locally, resumed, on a Dask cluster, and
bad grid files reported in one line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from distributed import LocalCluster

from outpace.cli import main

TINY = """
seeds = 2
[scenario]
days = 3
day_length = 1800.0
[pacing]
history_length = 20
[grid]
agents = [4, 6]
goal_value = [2.0, 3.0]
[report]
target = 3.0
margin = 0.5
"""


@pytest.fixture
def grid(tmp_path: Path) -> Path:
    f = tmp_path / "tiny.toml"
    f.write_text(TINY)
    return f


def test_sweep_reports_and_resumes(grid: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, chart = tmp_path / "r.parquet", tmp_path / "front.png"
    assert main(["sweep", str(grid), "--out", str(out), "--workers", "2", "--report", "--plot", str(chart)]) == 0
    text = capsys.readouterr().out
    assert "8 runs: 8 simulated, 0 already in" in text
    assert "4 agents: frontier" in text and "6 agents: frontier" in text and "recommended" in text
    assert "goal_value" in text
    table = pd.read_parquet(out)
    assert len(table) == 8 and table["run_key"].is_unique
    assert chart.stat().st_size > 10_000
    # Again: nothing to simulate, the same file.
    assert main(["sweep", str(grid), "--out", str(out), "--plot", ""]) == 0
    assert "8 runs: 0 simulated, 8 already in" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_parquet(out), table)


def test_sweep_default_file_names_and_csv(grid: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", str(grid), "--report"]) == 0
    assert (tmp_path / "tiny-results.parquet").exists() and (tmp_path / "tiny-frontier.png").exists()
    assert main(["sweep", str(grid), "--out", "r.csv"]) == 0
    assert len(pd.read_csv(tmp_path / "r.csv")) == 8
    capsys.readouterr()


def test_sweep_on_a_dask_scheduler(grid: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    local = tmp_path / "local.parquet"
    remote = tmp_path / "remote.parquet"
    assert main(["sweep", str(grid), "--out", str(local)]) == 0
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0") as cluster:
        assert main(["sweep", str(grid), "--out", str(remote), "--scheduler", cluster.scheduler_address]) == 0
    assert cluster.scheduler_address in capsys.readouterr().out
    a, b = (pd.read_parquet(p).drop(columns="seconds") for p in (local, remote))
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.parametrize(
    ("text", "args", "needle"),
    [
        ("[grid]\nagents = [4, 'six']\n", [], "grid.agents must be whole numbers"),
        ("[grid]\nlines_per_agnt = [1.0]\n", [], "unknown axis 'lines_per_agnt'"),
        ("[pacing]\nhistory_length = 'long'\n", [], "history_length must be a number"),
        ("speed = 1\n", [], "unknown top-level field(s): speed"),
        ("[grid\n", [], "not valid TOML"),
        (TINY, ["--workers", "0"], "--workers must be at least 1"),
        (TINY, ["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "use --scheduler alone"),
        (TINY, ["--target", "2", "--margin", "3"], "--margin < --target"),
        (TINY, ["--out", "r.json"], ".parquet or .csv"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, text: str, args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "g.toml"
    f.write_text(text)
    assert main(["sweep", str(f), *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_grid_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "no-such-grid.toml"]) == 2
    assert "grid file not found" in capsys.readouterr().err
