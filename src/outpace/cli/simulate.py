"""``outpace simulate`` and ``outpace compare``: a simulated campaign and its report."""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from outpace.scenario import Scenario
from outpace.config import load as load_config
from outpace.settings import DialingMode, GroupSettings
from outpace.sim import BASELINES, SimulationResult, compare, simulate


def register(sub: Any) -> None:
    s = sub.add_parser(
        "simulate",
        help="simulate a campaign and report abandon rate, busy factor and agent wait",
        description=(
            "Simulate a campaign with the kernel's pacer and report abandon rate, busy factor, "
            "agent wait, connects per agent-hour and dials, with a plot over the day. With no "
            "arguments: 50 agents, predictive at 3% abandon, one 8-hour day of the reference "
            "campaign (shared/validation/pacing.md)."
        ),
    )
    _common(s)
    s.add_argument("--policy", help="a dialing mode or a baseline [predictive, or the --group's mode]")
    s.add_argument("--plot", default="outpace-simulate.png", help="chart file, or '' for none [outpace-simulate.png]")
    s.set_defaults(run=run_simulate)
    c = sub.add_parser(
        "compare",
        help="every applicable mode and baseline on the same scenario and seeds",
        description="Run the voice modes and the baselines on the same scenario and seeds; print a table and one chart.",
    )
    _common(c)
    c.add_argument(
        "--policies",
        nargs="+",
        default=["predictive", "predictive_seizing", "progressive", "progressive_seizing", "ratio:2", "adaptive"],
        help="modes and baselines to compare",
    )
    c.add_argument("--plot", default="outpace-compare.png", help="chart file, or '' for none [outpace-compare.png]")
    c.set_defaults(run=run_compare)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", nargs="?", help="scenario TOML file ([scenario] and optional [pacing] tables)")
    p.add_argument("--agents", type=int, help="agents in the group (overrides the file)")
    p.add_argument("--days", type=int, help="days to simulate (overrides the file)")
    p.add_argument("--seed", type=int, help="first random seed (overrides the file)")
    p.add_argument("--seeds", type=int, default=1, help="number of seeds [1]")
    p.add_argument("--goal", type=float, help="abandon-rate goal, percent [3]")
    p.add_argument("--workers", type=int, default=2, help="threads running seeds at once [2]")
    p.add_argument("--config", help="dialing configuration TOML: pace as its --group resolves (see `outpace config check`)")
    p.add_argument("--group", help="campaign group of --config to simulate")


def _load(args: argparse.Namespace) -> tuple[Scenario, GroupSettings]:
    scenario = Scenario()
    pacing: dict[str, Any] = {}
    if args.scenario:
        path = Path(args.scenario)
        if not path.is_file():
            raise ValueError(f"scenario file not found: {path}")
        scenario = Scenario.from_toml(path)
        try:
            pacing = dict(tomllib.loads(path.read_text()).get("pacing", {}))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML: {exc}") from None
    changes = {k: getattr(args, k) for k in ("agents", "days", "seed") if getattr(args, k) is not None}
    if changes:
        scenario = scenario.replace(**changes)
    if args.goal is not None:
        pacing["goal_value"] = args.goal
    known = set(GroupSettings.__dataclass_fields__)
    unknown = set(pacing) - known
    if unknown:
        raise ValueError(f"unknown [pacing] field(s): {', '.join(sorted(unknown))}")
    if args.seeds < 1 or args.workers < 1:
        raise ValueError("--seeds and --workers must be at least 1")
    if (args.config is None) != (args.group is None):
        raise ValueError("--config and --group go together")
    if args.config is not None:
        try:
            resolved = load_config(args.config).resolve(args.group)
        except KeyError as exc:
            raise ValueError(str(exc.args[0])) from None
        if resolved.settings is None:
            raise ValueError(f"group {args.group} is on the {resolved.channel.value} channel: only voice groups are simulated")
        # The configured group replaces the file's [pacing]; --goal still overrides.
        settings = resolved.settings
        if args.goal is not None:
            settings = settings.replace(goal_value=args.goal)
        return scenario, settings
    return scenario, GroupSettings(**pacing)


def _progress(console: Console, label: str) -> tuple[Progress, Callable[[float], None]]:
    progress = Progress(TextColumn(label), BarColumn(), TextColumn("{task.percentage:>5.1f}%"), TimeElapsedColumn(), console=console)
    task = progress.add_task(label, total=1.0)
    return progress, lambda f: progress.update(task, completed=f)


def _table(results: Sequence[SimulationResult]) -> Table:
    t = Table(title=f"{results[0].scenario.agents} agents, {results[0].scenario.days} day(s) x {len(results[0].seeds)} seed(s)")
    t.add_column("policy", no_wrap=True)
    for h in ("abandon", "worst\nday", "worst\n30 d", "busy", "wait/\nconn. s", "conn./\nagent-h", "dials/\nagent-h", "dials"):
        t.add_column(h, justify="right", no_wrap=True)
    for r in results:
        t.add_row(
            r.policy,
            f"{r.abandon_rate:.2%}",
            f"{r.worst_day_abandon:.2%}",
            f"{r.worst_window_abandon(30):.2%}",
            f"{r.busy_factor:.1%}",
            f"{r.agent_wait:.1f}",
            f"{r.connects_per_agent_hour:.2f}",
            f"{r.dials_per_agent_hour:.1f}",
            f"{int(r.days['dials'].sum()):,}",
        )
    return t


def _console() -> Console:
    console = Console()
    # Piped to a file or a log, lines may be long; a terminal keeps its own width.
    return console if console.is_terminal else Console(width=max(console.width, 110))


def run_simulate(args: argparse.Namespace) -> int:
    scenario, settings = _load(args)
    # A configured group runs in its own mode unless --policy says otherwise.
    policy = args.policy or (settings.mode.value if args.config else "predictive")
    console = _console()
    progress, update = _progress(console, f"simulating {policy}")
    with progress:
        result = simulate(scenario, policy, settings=settings, seeds=args.seeds, workers=args.workers, progress=update)
    console.print(_table([result]))
    console.print(f"{result.events:,} events in {result.seconds:.2f} s ({result.events_per_second / 1e6:.2f} million per second)")
    _maybe_plot(console, args.plot, lambda p: __import__("outpace.plot", fromlist=["plot_day"]).plot_day(result, p))
    return 0


def run_compare(args: argparse.Namespace) -> int:
    scenario, settings = _load(args)
    modes = {m.value for m in DialingMode}
    for p in args.policies:
        if p.partition(":")[0] not in modes | set(BASELINES):
            raise ValueError(f"unknown policy {p!r}")
    console = _console()
    progress, update = _progress(console, "comparing")
    with progress:
        results = compare(scenario, args.policies, settings=settings, seeds=args.seeds, workers=args.workers, progress=update)
    console.print(_table(results))
    _maybe_plot(console, args.plot, lambda p: __import__("outpace.plot", fromlist=["plot_compare"]).plot_compare(results, p))
    return 0


def _maybe_plot(console: Console, path: str, draw: Callable[[str], Path]) -> None:
    if not path:
        return
    try:
        out = draw(path)
    except RuntimeError as exc:  # matplotlib missing
        console.print(f"[yellow]no chart: {exc}[/]")
        return
    console.print(f"chart written to {out}")
