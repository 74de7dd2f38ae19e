"""``outpace sweep``: a tuning grid of simulated campaigns, locally or on a Dask cluster,
with the frontier and the recommended settings per group size."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from outpace.cli.simulate import _console, _maybe_plot
from outpace.tune import (
    Grid,
    Report,
    SweepError,
    axis_columns,
    plot_report,
    report,
    sweep,
)


def register(sub: Any) -> None:
    s = sub.add_parser(
        "sweep",
        help="simulate a grid of pacing settings over many seeds and recommend settings",
        description=(
            "Simulate every combination of the grid's settings on every seed (the grid file: "
            "examples/sweep-grid.toml), on all local cores or on a Dask cluster, with results "
            "written to a Parquet or CSV file as runs finish. Runs already in the file are "
            "skipped, so an interrupted sweep resumes where it stopped. --report prints, per "
            "group size, the frontier of busy factor against worst 30-day abandon rate and the "
            "busiest settings that stay under the target minus the margin on every seed."
        ),
    )
    s.add_argument("grid", help="grid TOML file (seeds, [scenario], [pacing], [grid], [report])")
    s.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (tcp://host:8786); default: local cores")
    s.add_argument("--workers", type=int, metavar="N", help="local threads running at once [all cores]; not with --scheduler")
    s.add_argument("--out", type=Path, metavar="FILE", help="results file, .parquet or .csv [GRID-results.parquet]")
    s.add_argument("--report", action="store_true", help="print the frontier and recommended settings, and chart them")
    s.add_argument("--target", type=float, metavar="PCT", help="compliance limit on the worst 30-day abandon rate, percent [the grid's, 3]")
    s.add_argument("--margin", type=float, metavar="PCT", help="percentage points to stay below the target [the grid's, 0.5]")
    s.add_argument("--plot", metavar="FILE", help="frontier chart with --report, or '' for none [GRID-frontier.png]")
    s.set_defaults(run=run_sweep)


def _pct(x: float) -> str:
    return f"{x:.2%}"


def _value(v: Any) -> str:
    # As the grid file writes them: 2.5, true, predictive.
    if isinstance(v, bool):
        return str(v).lower()
    return f"{v:g}" if isinstance(v, float) else str(v)


def _report_tables(console: Console, rep: Report, axes: list[str]) -> None:
    shown = [a for a in axes if a not in ("agents", "scenario.agents")]
    picks = set(rep.recommended["config_key"])
    for agents, front in rep.frontier.groupby("agents", sort=True):
        n = int((rep.configs["agents"] == agents).sum())
        t = Table(title=f"{agents} agents: frontier ({len(front)} of {n} configurations)")
        for a in shown:
            t.add_column(a)
        for h in ("seeds", "abandon", "worst\nday", "worst\n30 d", "busy", ""):
            t.add_column(h, justify="right", no_wrap=True)
        for _, r in front.iterrows():
            ok = "recommended" if r["config_key"] in picks else ""
            t.add_row(
                *(_value(r[a]) for a in shown),
                str(r["seeds"]),
                _pct(r["abandon_rate"]),
                _pct(r["worst_day_abandon"]),
                _pct(r["worst_30_day_abandon"]),
                f"{r['busy_factor']:.1%}",
                ok,
                style="bold green" if ok else None,
            )
        console.print(t)
    limit = rep.target - rep.margin
    t = Table(title=f"recommended: busiest with worst 30-day abandon <= {limit:g}% (target {rep.target:g}% - margin {rep.margin:g})")
    t.add_column("agents", justify="right")
    for a in shown:
        t.add_column(a)
    t.add_column("worst 30 d", justify="right")
    t.add_column("busy", justify="right")
    for _, r in rep.recommended.iterrows():
        t.add_row(str(r["agents"]), *(_value(r[a]) for a in shown), _pct(r["worst_30_day_abandon"]), f"{r['busy_factor']:.1%}")
    for agents in rep.unmet():
        t.add_row(str(agents), *("-" for _ in shown), "none under the limit", "", style="yellow")
    console.print(t)


def run_sweep(args: argparse.Namespace) -> int:
    grid = Grid.from_toml(args.grid)
    if args.workers is not None and args.scheduler:
        raise ValueError("--workers sets local threads; a Dask cluster has its own workers (use --scheduler alone)")
    if args.workers is not None and args.workers < 1:
        raise ValueError("--workers must be at least 1")
    target = grid.target if args.target is None else args.target
    margin = grid.margin if args.margin is None else args.margin
    if not 0 <= margin < target <= 100:
        raise ValueError(f"need 0 <= --margin < --target <= 100 percent (got target {target}, margin {margin})")
    stem = Path(args.grid).stem
    out: Path = args.out if args.out is not None else Path(f"{stem}-results.parquet")
    console = _console()
    where = args.scheduler or f"{args.workers or 'all'} local core(s)"
    progress = Progress(
        TextColumn(f"sweeping on {where}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(), console=console
    )
    task = progress.add_task("runs", total=None)
    new: list[object] = []
    try:
        with progress:
            table = sweep(
                grid,
                out,
                scheduler=args.scheduler,
                workers=args.workers,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
                on_row=new.append,
            )
    except SweepError as exc:
        console.print(f"[red]outpace sweep: {exc}[/]\nresults so far are in {out}; run the same command again to retry")
        return 1
    except ImportError as exc:  # the sweep extra is not installed
        raise ValueError(str(exc)) from None
    except KeyboardInterrupt:
        console.print(f"[yellow]interrupted: finished runs are kept in {out}; run the same command again to resume[/]")
        return 130
    console.print(f"{len(table)} runs: {len(new)} simulated, {len(table) - len(new)} already in {out}; results in {out}")
    if args.report:
        rep = report(table, target=target, margin=margin)
        _report_tables(console, rep, axis_columns(table))
        plot = f"{stem}-frontier.png" if args.plot is None else args.plot
        _maybe_plot(console, plot, lambda p: plot_report(rep, p))
    return 0
