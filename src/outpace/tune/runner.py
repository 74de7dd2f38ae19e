"""Run a grid: every run not yet in the results file, on local threads or on a Dask cluster.

Locally (the default) the runs go to a thread pool as wide as the machine: the simulator
releases the GIL for the whole run, so threads use every core without process start-up
and without Dask. With ``scheduler`` (an address such as ``tcp://10.0.0.5:8786``, or a
``distributed.Client``) they go to an existing Dask cluster as one task each, named by
the run key. If a worker dies, the scheduler gives its unfinished tasks to other workers;
each finished run is written once to the results store as it arrives, so nothing is lost
and nothing is counted twice. A run is deterministic per seed, so both ways give the same
numbers, bit for bit.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from outpace.sim import simulate
from outpace.tune.grid import Grid, Run
from outpace.tune.store import ResultStore, _pandas

__all__ = ["IDENTITY", "METRICS", "SweepError", "run_one", "sweep"]

# A result row: these columns, then the grid's axes (by axis name), then METRICS and the
# wall time ``seconds``.
IDENTITY = ("run_key", "config_key", "agents", "days", "seed")
# Fractions 0..1 (abandon, busy), seconds (agent_wait, work, staffed), rates per agent-hour, counts.
METRICS = (
    "abandon_rate",
    "worst_day_abandon",
    "worst_30_day_abandon",
    "busy_factor",
    "agent_wait",
    "connects_per_agent_hour",
    "dials_per_agent_hour",
    "dials",
    "live_answers",
    "abandoned",
    "connects",
    "work_seconds",
    "staffed_seconds",
    "events",
)


class SweepError(RuntimeError):
    """Some runs failed; the others are saved, and a new sweep retries only the failed."""


def run_one(run: Run) -> dict[str, Any]:
    """Simulate one run and return its result row (plain Python values)."""
    r = simulate(run.scenario, run.settings.mode.value, settings=run.settings, seeds=[run.seed])
    d = r.days
    row: dict[str, Any] = {"run_key": run.key, "config_key": run.config_key}
    row.update(agents=run.scenario.agents, days=run.scenario.days, seed=run.seed)
    row.update(run.values)
    row.update(r.summary())
    row.update(
        dials=int(d["dials"].sum()),
        live_answers=int(d["live_answers"].sum()),
        abandoned=int(d["abandoned"].sum()),
        connects=int(d["connects"].sum()),
        work_seconds=float(d["talk"].sum() + d["wrap"].sum()),
        staffed_seconds=float(d["staffed"].sum()),
        events=r.events,
        seconds=r.seconds,  # wall time: the one column that differs between two runs of the same key
    )
    return row


def _local(runs: Sequence[Run], workers: int) -> Iterator[tuple[Run, dict[str, Any] | BaseException]]:
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="outpace-sweep") as pool:
        pending: dict[Future[dict[str, Any]], Run] = {pool.submit(run_one, r): r for r in runs}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    run = pending.pop(f)
                    exc = f.exception()
                    yield run, exc if exc is not None else f.result()
        finally:  # interrupted: do not start what is left
            for f in pending:
                f.cancel()


def _dask(runs: Sequence[Run], scheduler: Any) -> Iterator[tuple[Run, dict[str, Any] | BaseException]]:
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise ImportError("--scheduler needs Dask: pip install 'outpace[sweep]'") from exc
    if isinstance(scheduler, Client):
        client = scheduler
    else:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        by_key = {f"outpace-run-{r.key}": r for r in runs}
        # Named tasks, one per run; retries cover an exception inside a run, the scheduler
        # itself reschedules the runs of a worker that died (up to allowed-failures times).
        futures = [client.submit(run_one, r, key=k, retries=1) for k, r in by_key.items()]
        completed = as_completed(futures, with_results=True, raise_errors=False)
        # as_completed holds the futures until it yields them; once a row is read its future
        # is dropped, so a later worker death does not make the scheduler redo that run.
        del futures
        for future, result in completed:
            run = by_key[future.key]
            # An error comes as (type, exception, traceback); a cancelled run as the exception.
            value = result[1] if future.status == "error" else result
            del future  # released before the row is handed on and written
            yield run, value
    finally:
        if client is not scheduler:
            client.close()


def sweep(
    grid: Grid,
    out: str | Path | None = None,
    *,
    scheduler: Any = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_row: Callable[[dict[str, Any]], None] | None = None,
) -> Any:
    """Run every run of ``grid`` not already in ``out`` and return the grid's rows as a
    pandas DataFrame, one row per run in grid order (seeds innermost).

    Args:
        grid: the settings axes and seeds.
        out: results file (``.parquet`` or ``.csv``); runs already in it are skipped, new
            rows are written as runs finish. None keeps results in memory only.
        scheduler: a Dask scheduler address (``tcp://host:8786``) or a
            ``distributed.Client``; None runs on local threads.
        workers: local threads (default: every core); not used with ``scheduler``.
        progress: called with (runs finished, runs in the grid), skipped runs included.
        on_row: called with each new row as it is written.

    Raises:
        SweepError: some runs failed (their message is given); finished rows are kept.
    """
    pd = _pandas()  # fail before running anything if the extra is missing
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1 (got {workers})")
    runs = grid.runs()
    store = ResultStore(out)
    todo = [r for r in runs if r.key not in store]
    total, done = len(runs), len(runs) - len(todo)
    failures: list[tuple[Run, BaseException]] = []
    if progress is not None:
        progress(done, total)
    try:
        if todo:
            results = _dask(todo, scheduler) if scheduler is not None else _local(todo, workers or os.cpu_count() or 1)
            for run, result in results:
                if isinstance(result, BaseException):
                    failures.append((run, result))
                    continue
                if store.add(result):
                    done += 1
                    if on_row is not None:
                        on_row(result)
                    if progress is not None:
                        progress(done, total)
    finally:
        store.close(order=(r.key for r in runs))
    if failures:
        run, exc = failures[0]
        shown = ", ".join(f"{k}={v!r}" for k, v in run.values.items())
        raise SweepError(f"{len(failures)} of {total} runs failed (first: {shown} seed {run.seed}: {exc!r}); the others are saved")
    # The grid's columns only (a file may hold runs of other grids), and the axis values
    # from the runs: a row saved when a setting was not yet an axis lacks its column.
    columns = list(dict.fromkeys([*IDENTITY, *grid.axes, *METRICS, "seconds"]))
    rows = [{**row, **run.values} for run, row in zip(runs, store.rows(r.key for r in runs), strict=True)]
    return pd.DataFrame(rows, columns=columns)
