"""Sweep scaling: wall time of one fixed sweep on 1 and on 2 local workers, both ways a
sweep runs locally: the default thread pool (``workers=N``) and a Dask LocalCluster of N
single-threaded worker processes on 127.0.0.1 (started before timing; its start-up is
not timed). Every round must give the reference rows, bit for bit.

    python -m pytest bench/bench_sweep.py --benchmark-only --benchmark-columns=median,iqr,rounds

The fixed sweep: the reference campaign (shared/validation/pacing.md) with 5 and 10
agents x abandon goals 2, 2.5 and 3% x 4 seeds = 24 runs of 3 eight-hour days.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from distributed import Client, LocalCluster

from outpace import GroupSettings, Scenario
from outpace.tune import Grid, sweep

GRID = Grid(Scenario(days=3), GroupSettings(), axes={"agents": [5, 10], "goal_value": [2.0, 2.5, 3.0]}, seeds=4)
ROUNDS = 5


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    table: pd.DataFrame = sweep(GRID, workers=1).drop(columns="seconds")
    return table


def check(table: Any, reference: pd.DataFrame) -> None:
    assert len(table) == 24
    pd.testing.assert_frame_equal(table.drop(columns="seconds"), reference, check_exact=True)


@pytest.fixture(params=[1, 2], ids=["1-worker", "2-workers"])
def dask_client(request: pytest.FixtureRequest) -> Iterator[Client]:
    n = request.param
    with (
        LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(n)
        yield client


@pytest.mark.benchmark(group="sweep-24-runs")
@pytest.mark.parametrize("workers", [1, 2], ids=["1-worker", "2-workers"])
def test_local_threads(benchmark: Any, workers: int, reference: pd.DataFrame) -> None:
    table = benchmark.pedantic(sweep, args=(GRID,), kwargs={"workers": workers}, rounds=ROUNDS, iterations=1)
    check(table, reference)


@pytest.mark.benchmark(group="sweep-24-runs")
def test_dask_local_cluster(benchmark: Any, dask_client: Client, reference: pd.DataFrame) -> None:
    table = benchmark.pedantic(sweep, args=(GRID,), kwargs={"scheduler": dask_client}, rounds=ROUNDS, iterations=1)
    check(table, reference)
