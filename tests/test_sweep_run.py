"""Running a sweep locally: one row per run, the same numbers as outpace.simulate, results
written as runs finish, resumable, and a run never counted twice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import outpace
from outpace import GroupSettings, Scenario
from outpace.tune import METRICS, Grid, ResultStore, SweepError, sweep

# Short campaigns: a run takes a few milliseconds.
BASE = Scenario(agents=5, days=3, day_length=1800.0)
SETTINGS = GroupSettings(history_length=20)


def small_grid(**kw: Any) -> Grid:
    axes = kw.pop("axes", {"agents": [4, 6], "goal_value": [2.0, 3.0], "mode": ["predictive", "progressive"]})
    return Grid(BASE, SETTINGS, axes=axes, seeds=kw.pop("seeds", 2), **kw)


def deterministic(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns="seconds").reset_index(drop=True)


def test_one_row_per_run_matching_simulate() -> None:
    grid = small_grid()
    table = sweep(grid, workers=2)
    runs = grid.runs()
    assert list(table["run_key"]) == [r.key for r in runs]
    assert set(METRICS) <= set(table.columns)
    # The identity, then the axes (agents is already there), then the metrics.
    assert list(table.columns[:8]) == ["run_key", "config_key", "agents", "days", "seed", "goal_value", "mode", METRICS[0]]
    # Row 7: agents 4, goal 3.0, progressive, seed 2 -- the same as simulating it directly.
    row, run = table.iloc[7], runs[7]
    assert (row["agents"], row["goal_value"], row["mode"], row["seed"]) == (4, 3.0, "progressive", 2)
    direct = outpace.simulate(BASE.replace(agents=4, seed=2), "progressive", settings=SETTINGS.replace(goal_value=3.0))
    for name, value in direct.summary().items():
        assert row[name] == value, name
    assert row["live_answers"] == direct.days["live_answers"].sum() > 0
    assert run.key == row["run_key"]


def test_threads_and_one_worker_give_the_same_numbers() -> None:
    grid = small_grid()
    pd.testing.assert_frame_equal(deterministic(sweep(grid, workers=1)), deterministic(sweep(grid, workers=2)), check_exact=True)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_resume_skips_runs_already_in_the_file(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"results{suffix}"
    first = small_grid(axes={"agents": [4, 6], "goal_value": [2.0, 3.0]})
    done = sweep(first, out)
    assert out.exists() and not Path(f"{out}.partial.jsonl").exists()
    # A larger grid holding the first one: only the new runs are simulated.
    bigger = small_grid(axes={"agents": [4, 6], "goal_value": [2.0, 3.0, 2.5]})
    new: list[dict[str, Any]] = []
    steps: list[tuple[int, int]] = []
    table = sweep(bigger, out, on_row=new.append, progress=lambda d, t: steps.append((d, t)))
    assert len(new) == len(bigger.runs()) - len(first.runs()) == 4
    assert {r["goal_value"] for r in new} == {2.5}
    assert steps[0] == (8, 12) and steps[-1] == (12, 12)
    # Rows read back from the file are the rows computed, to the bit.
    again = table.set_index("run_key").loc[done["run_key"]].reset_index()
    pd.testing.assert_frame_equal(deterministic(again), deterministic(done), check_exact=True, check_dtype=False)
    assert len(pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out)) == 12
    # Nothing left to do: nothing simulated.
    assert sweep(bigger, out, on_row=new.append) is not None and len(new) == 4


def test_a_base_setting_that_becomes_an_axis_is_not_run_again(tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    sweep(Grid(BASE, SETTINGS.replace(goal_value=3.0), seeds=2), out)
    new: list[dict[str, Any]] = []
    table = sweep(Grid(BASE, SETTINGS, axes={"goal_value": [2.5, 3.0]}, seeds=2), out, on_row=new.append)
    assert [r["goal_value"] for r in new] == [2.5, 2.5]  # the 3.0 runs are the same runs
    assert table["goal_value"].tolist() == [2.5, 2.5, 3.0, 3.0]  # their rows get the axis value
    assert list(table.columns[:6]) == ["run_key", "config_key", "agents", "days", "seed", "goal_value"]


def test_a_crash_keeps_finished_runs_and_drops_a_cut_off_line(tmp_path: Path) -> None:
    out = tmp_path / "results.parquet"
    grid = small_grid()
    reference = sweep(grid)
    # What a sweep killed mid-way leaves: the journal of finished runs, its last line cut.
    rows = reference.to_dict(orient="records")
    journal = Path(f"{out}.partial.jsonl")
    lines = [json.dumps(r) for r in rows[:6]]
    journal.write_text("\n".join(lines[:5]) + "\n" + lines[5][:40])
    new: list[dict[str, Any]] = []
    table = sweep(grid, out, on_row=new.append)
    assert len(new) == len(rows) - 5  # the cut-off run is redone, the five are not
    assert not journal.exists()
    pd.testing.assert_frame_equal(deterministic(table), deterministic(reference), check_exact=True)


def test_a_run_arriving_twice_is_kept_once(tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    grid = small_grid(seeds=1)
    row = sweep(grid).iloc[0].to_dict()
    store = ResultStore(out)
    assert store.add(row) and not store.add({**row, "busy_factor": 0.0})
    store.close()
    # The same row twice in a journal (a worker redid a run): one row in the file.
    Path(f"{out}.partial.jsonl").write_text(json.dumps(row) + "\n" + json.dumps(row) + "\n")
    reopened = ResultStore(out)
    assert len(reopened) == 1 and reopened.rows()[0]["busy_factor"] == row["busy_factor"]
    reopened.close()
    assert len(pd.read_parquet(out)) == 1


def test_a_failed_run_is_reported_and_the_others_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from outpace.tune import runner

    real = runner.run_one

    def flaky(run: Any) -> dict[str, Any]:
        if run.values["agents"] == 6 and run.seed == 2:
            raise RuntimeError("simulator crashed")
        return real(run)

    monkeypatch.setattr(runner, "run_one", flaky)
    out = tmp_path / "r.csv"
    with pytest.raises(SweepError, match="4 of 16 runs failed.*simulator crashed"):
        sweep(small_grid(), out)
    assert len(pd.read_csv(out)) == 12
    # Nothing finished at all: no results file, and the next sweep starts clean.
    monkeypatch.setattr(runner, "run_one", lambda run: 1 / 0)
    with pytest.raises(SweepError, match="16 of 16 runs failed"):
        sweep(small_grid(), tmp_path / "none.parquet")
    assert not list(tmp_path.glob("none.parquet*"))
    monkeypatch.setattr(runner, "run_one", real)
    assert len(sweep(small_grid(), tmp_path / "none.parquet")) == 16
    new: list[dict[str, Any]] = []
    sweep(small_grid(), out, on_row=new.append)
    assert len(new) == 4 and {(r["agents"], r["seed"]) for r in new} == {(6, 2)}


def test_bad_output_and_workers() -> None:
    with pytest.raises(ValueError, match=r"\.parquet or \.csv"):
        sweep(small_grid(), "results.xlsx")
    with pytest.raises(ValueError, match="workers"):
        sweep(small_grid(), workers=0)
