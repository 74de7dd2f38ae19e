"""``outpace erlang``: staffing and abandon figures of a call load, as a table.

Everything is in seconds and calls per hour, the units a contact center plans in.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from outpace.queueing import (
    agents_for_abandon,
    agents_for_service_level,
    erlang_a,
    erlang_b,
    erlang_c,
    erlang_d,
    max_arrival_rate,
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "erlang",
        help="queueing figures (Erlang B, C, A and the 2-second rule) for a call load",
        description=(
            "Print Erlang B, Erlang C (service level, mean wait), Erlang A (abandon with "
            "exponential patience) and M/M/n+D (abandon under the 2-second rule) for a "
            "range of agent counts. With no options: a worked example of 200 calls per "
            "hour at 180 s handling time."
        ),
    )
    p.add_argument("--calls-per-hour", type=float, default=200.0, help="arrivals (or live answers) per hour [200]")
    p.add_argument("--aht", type=float, default=180.0, help="average handling time, talk + wrap-up, seconds [180]")
    p.add_argument("--agents", type=int, nargs="+", help="agent counts to show [a range around the load]")
    p.add_argument("--answer-within", type=float, default=20.0, help="service-level threshold, seconds [20]")
    p.add_argument("--service-level", type=float, default=80.0, help="service-level goal, percent [80]")
    p.add_argument("--patience", type=float, default=60.0, help="mean caller patience for Erlang A, seconds [60]")
    p.add_argument("--tau", type=float, default=2.0, help="abandon timer of the 2-second rule, seconds [2]")
    p.add_argument("--abandon-target", type=float, default=3.0, help="abandon-rate goal, percent [3]")
    p.set_defaults(run=run)


def _check(name: str, value: float, low: float, high: float = math.inf) -> None:
    if not (low < value < high):
        shown = f"between {low:g} and {high:g}" if math.isfinite(high) else f"above {low:g}"
        raise ValueError(f"--{name} must be {shown} (got {value:g})")


def run(args: argparse.Namespace) -> int:
    _check("calls-per-hour", args.calls_per_hour, 0)
    _check("aht", args.aht, 0)
    _check("patience", args.patience, 0)
    _check("service-level", args.service_level, 0, 100)
    _check("abandon-target", args.abandon_target, 0, 100)
    if args.answer_within < 0 or args.tau < 0:
        raise ValueError("--answer-within and --tau must be >= 0 seconds")
    lam = args.calls_per_hour / 3600.0  # per second
    mu = 1.0 / args.aht
    load = args.calls_per_hour * args.aht / 3600.0  # Erlangs, without the rounding of lam / mu
    if args.agents:
        agents = np.array(sorted(set(args.agents)), dtype=np.int64)
    else:
        low = max(1, math.floor(load))
        agents = np.arange(low, low + 8, dtype=np.int64)
    if agents.min() < 1:
        raise ValueError(f"--agents must be whole numbers >= 1 (got {agents.min()})")

    b = erlang_b(agents, load)
    c = erlang_c(agents, load, service_time=args.aht, answer_within=args.answer_within)
    a = erlang_a(agents, lam, mu, 1.0 / args.patience)
    d = erlang_d(agents, lam, mu, args.tau)

    console = Console()
    table = Table(
        title=(
            f"{args.calls_per_hour:g} calls/hour x {args.aht:g} s = {load:.3f} Erlangs; "
            f"service level at {args.answer_within:g} s; patience {args.patience:g} s; tau {args.tau:g} s"
        )
    )
    for heading in (
        "agents",
        "occu-\npancy",
        "Erl. B\nblocked",
        "Erl. C\nP(wait)",
        "service\nlevel",
        "ASA\n(s)",
        "Erl. A\nabandon",
        "tau rule\nabandon",
    ):
        table.add_column(heading, justify="right", no_wrap=True)
    for i, n in enumerate(agents):
        table.add_row(
            str(n),
            f"{min(1.0, load / n):.1%}",
            f"{b[i]:.2%}",
            f"{c.p_wait[i]:.2%}",
            f"{c.service_level[i]:.2%}",
            f"{c.mean_wait[i]:.1f}" if math.isfinite(c.mean_wait[i]) else "inf",
            f"{a.p_abandon[i]:.2%}",
            f"{d.p_abandon[i]:.2%}",
        )
    console.print(table)

    sl_agents = agents_for_service_level(load, args.service_level / 100, args.answer_within, args.aht)
    ab_agents = agents_for_abandon(lam, mu, args.tau, args.abandon_target / 100)
    console.print(
        f"Agents for {args.service_level:g}% answered within {args.answer_within:g} s (Erlang C): [bold]{sl_agents}[/]"
    )
    console.print(
        f"Agents for at most {args.abandon_target:g}% abandoned under the {args.tau:g}-second rule: [bold]{ab_agents}[/]"
    )
    n_show = int(agents[len(agents) // 2])
    rate = max_arrival_rate(n_show, mu, args.tau, args.abandon_target / 100)
    console.print(
        f"With {n_show} agents, the most live answers per hour at {args.abandon_target:g}% abandon: "
        f"[bold]{rate * 3600:.1f}[/] (busy factor {erlang_d(n_show, rate, mu, args.tau).occupancy:.1%})"
    )
    return 0
