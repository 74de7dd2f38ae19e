"""Tuning sweeps: many simulated campaigns over a grid of pacing settings and seeds, on
local cores or a Dask cluster, with a report of what is safe and busiest.

>>> from outpace.tune import Grid, report, sweep
>>> grid = Grid.from_toml("examples/sweep-grid.toml")
>>> table = sweep(grid, "results.parquet")            # resumable; scheduler="tcp://..." for Dask
>>> rep = report(table, target=3.0, margin=0.5)       # percent
>>> rep.frontier, rep.recommended

Needs the ``sweep`` extra (pandas and pyarrow; Dask for a cluster): pip install 'outpace[sweep]'.
pandas and Dask are imported only when a sweep runs, so importing this module stays light.
"""

from __future__ import annotations

from outpace.tune.frontier import (
    Report,
    axis_columns,
    configurations,
    plot_report,
    report,
)
from outpace.tune.grid import Grid, Run
from outpace.tune.runner import METRICS, SweepError, run_one, sweep
from outpace.tune.store import ResultStore

__all__ = [
    "METRICS",
    "Grid",
    "Report",
    "ResultStore",
    "Run",
    "SweepError",
    "axis_columns",
    "configurations",
    "plot_report",
    "report",
    "run_one",
    "sweep",
]
