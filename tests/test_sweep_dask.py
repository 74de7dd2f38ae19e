"""Sweeps on a Dask cluster: a LocalCluster of two worker processes on 127.0.0.1, started
here. The same numbers as the local default, bit for bit; and a worker killed mid-sweep
loses no run and counts none twice."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from distributed import Client, LocalCluster

from outpace import GroupSettings, Scenario
from outpace.tune import Grid, sweep


@pytest.fixture
def cluster() -> Iterator[LocalCluster]:
    # Processes with a nanny each (the nanny starts a new worker when one dies); the
    # scheduler's web server on a free port, not 8787, which another cluster may hold.
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0", memory_limit=None
    ) as c:
        yield c


def deterministic(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns="seconds").reset_index(drop=True)


def test_cluster_gives_the_local_numbers_bit_for_bit(cluster: LocalCluster, tmp_path: Path) -> None:
    grid = Grid(
        Scenario(agents=6, days=3, day_length=1800.0),
        GroupSettings(history_length=20),
        axes={"agents": [4, 8], "goal_value": [2.0, 3.0], "mode": ["predictive", "predictive_seizing"]},
        seeds=3,
    )
    local = sweep(grid)  # the default: local threads
    on_cluster = sweep(grid, tmp_path / "r.parquet", scheduler=cluster.scheduler_address)
    assert len(local) == len(on_cluster) == 24
    pd.testing.assert_frame_equal(deterministic(on_cluster), deterministic(local), check_exact=True)
    # The runs really went to the worker processes: their pids are not ours.
    with Client(cluster) as client:
        pids = set(client.run(os.getpid).values())
    assert os.getpid() not in pids and len(pids) == 2
    # Per seed, the seeds of one configuration differ (the seed reaches the simulator).
    first = on_cluster[on_cluster["config_key"] == on_cluster["config_key"][0]]
    assert first["seed"].tolist() == [1, 2, 3] and first["dials"].nunique() == 3


def test_a_killed_worker_loses_nothing_and_counts_nothing_twice(cluster: LocalCluster, tmp_path: Path) -> None:
    # Runs of ~0.1-0.2 s, so both workers are busy when one is killed.
    grid = Grid(
        Scenario(agents=12, days=6, day_length=7200.0),
        GroupSettings(history_length=30),
        axes={"goal_value": [2.0, 2.5, 3.0], "lines_per_agent": [1.0, 1.5]},
        seeds=3,
    )
    reference = sweep(grid)
    out = tmp_path / "r.parquet"
    killed: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    with Client(cluster) as client:
        before = set(client.run(os.getpid).values())

        def kill_after_three(row: dict[str, Any]) -> None:
            rows.append(row)
            if len(rows) != 3:
                return
            busy = {w: keys for w, keys in client.processing().items() if keys}
            address, keys = next(iter(busy.items()))
            killed["keys"] = set(keys)
            killed["written"] = {f"outpace-run-{r['run_key']}" for r in rows}
            killed["pid"] = client.run(os.getpid, workers=[address])[address]
            os.kill(killed["pid"], signal.SIGKILL)

        table = sweep(grid, out, scheduler=client, on_row=kill_after_three)
        after = set(client.run(os.getpid).values())
        stories = {key: cluster.scheduler.story(key) for key in killed["keys"]}
        written = {key: cluster.scheduler.story(key) for key in killed["written"]}
    # The nanny replaced the killed process.
    assert killed["pid"] in before and killed["pid"] not in after and len(after) == 2
    # The runs it held were given to a worker again ...
    redone = [k for k, story in stories.items() if sum(1 for t in story if t[2] == "processing") >= 2]
    assert redone, {k: [(t[1], t[2]) for t in s] for k, s in stories.items()}
    # Runs whose rows were written before the kill were released, so never run again.
    assert all(sum(1 for t in story if t[2] == "processing") == 1 for story in written.values())
    # ... and every run is in the table and the file once, with the local numbers.
    assert len(rows) == len(reference) == 18
    assert sorted(r["run_key"] for r in rows) == sorted(reference["run_key"])
    pd.testing.assert_frame_equal(deterministic(table), deterministic(reference), check_exact=True)
    on_disk = pd.read_parquet(out)
    assert len(on_disk) == 18 and on_disk["run_key"].is_unique
