"""``outpace dial``: run a campaign from a CSV list against a SIP trunk.

The calls are real SIP (``outpace.sip``); the agents are simulated: each talks for
an exponential time with mean ``--talk`` seconds, wraps up for ``--wrap`` seconds
and is ready again.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import re
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from outpace.group import CampaignGroup
from outpace.settings import DialingMode, GroupSettings

_NUMBER = re.compile(r"^\+?[0-9A-Za-z*#._-]{1,64}$")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "dial",
        help="run a campaign from a CSV list against a SIP trunk, with simulated agents",
        description=(
            "Dial the numbers of a CSV list (a 'number' column, optionally an integer 'id') on a "
            "SIP trunk, paced by the kernel, with simulated agents, and print the call results. "
            "Needs the 'sip' extra (pip install 'outpace[sip]')."
        ),
    )
    p.add_argument("list", help="CSV file with a 'number' column (and optionally 'id')")
    p.add_argument("--trunk", required=True, help="trunk URI, e.g. 'sip:192.0.2.1:5060;transport=udp'")
    p.add_argument("--agents", type=int, default=5, help="simulated agents [5]")
    p.add_argument("--talk", type=float, default=30.0, help="mean talk time, seconds [30]")
    p.add_argument("--wrap", type=float, default=5.0, help="mean wrap-up time, seconds [5]")
    p.add_argument("--mode", default="progressive", help="dialing mode: progressive or predictive [progressive]")
    p.add_argument("--lines-per-agent", type=float, default=1.0, help="progressive lines per agent [1]")
    p.add_argument("--goal", type=float, default=3.0, help="predictive abandon-rate goal, percent [3]")
    p.add_argument("--cps", type=float, default=10.0, help="trunk calls per second [10]")
    p.add_argument("--max-calls", type=int, default=100, help="trunk concurrent calls [100]")
    p.add_argument("--ring-timeout", type=float, default=30.0, help="seconds of ringing before CANCEL, >= 15 [30]")
    p.add_argument("--username", help="digest user name")
    p.add_argument("--password", help="digest password")
    p.add_argument("--caller", default="outpace", help="caller id (user part of From) [outpace]")
    p.add_argument("--max-duration", type=float, help="stop dialing after this many seconds")
    p.add_argument("--t1", type=float, default=0.5, help="SIP timer T1, seconds [0.5]")
    p.add_argument("--seed", type=int, default=1, help="seed of the simulated agents [1]")
    p.set_defaults(run=run)


def read_list(path: Path) -> dict[int, str]:
    """record id -> number, from a CSV with a ``number`` column and an optional ``id``."""
    if not path.is_file():
        raise ValueError(f"list file not found: {path}")
    numbers: dict[int, str] = {}
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or "number" not in reader.fieldnames:
            raise ValueError(f"{path}: needs a 'number' column (found {reader.fieldnames})")
        for row_no, row in enumerate(reader, start=2):
            number = (row.get("number") or "").strip()
            if not _NUMBER.match(number):
                raise ValueError(f"{path}:{row_no}: number must be 1-64 of digits, letters, + * # . _ - (got {number!r})")
            raw_id = (row.get("id") or "").strip()
            try:
                record = int(raw_id) if raw_id else len(numbers) + 1
            except ValueError:
                raise ValueError(f"{path}:{row_no}: id must be an integer (got {raw_id!r})") from None
            if record < 0 or record in numbers:
                raise ValueError(f"{path}:{row_no}: id must be a unique integer >= 0 (got {record})")
            numbers[record] = number
    if not numbers:
        raise ValueError(f"{path}: the list is empty")
    return numbers


def run(args: argparse.Namespace) -> int:
    try:
        from outpace.sip import SimulatedAgents, SipAdapter, Timers, Trunk, TrunkConfig
    except ImportError as exc:
        raise ValueError(str(exc)) from None

    numbers = read_list(Path(args.list))
    if not 1 <= args.agents <= 10000:
        raise ValueError(f"agents must be in [1, 10000] (got {args.agents})")
    try:
        mode = DialingMode(args.mode)
    except ValueError:
        raise ValueError(f"mode must be one of progressive, predictive (got {args.mode!r})") from None
    if mode not in (DialingMode.PROGRESSIVE, DialingMode.PREDICTIVE):
        raise ValueError(f"mode must be one of progressive, predictive (got {args.mode!r})")
    if args.max_duration is not None and not args.max_duration > 0:
        raise ValueError(f"max-duration must be > 0 seconds (got {args.max_duration})")
    config = TrunkConfig(
        args.trunk,
        cps=args.cps,
        max_calls=args.max_calls,
        ring_timeout=args.ring_timeout,
        username=args.username,
        password=args.password,
        caller=args.caller,
        timers=Timers(t1=args.t1, t2=max(4.0, args.t1)),
    )
    agents = SimulatedAgents(args.talk, args.wrap, args.seed)
    settings = GroupSettings(
        mode=mode, goal_value=args.goal, lines_per_agent=args.lines_per_agent, average_outbound_call=args.talk
    )
    group = CampaignGroup(settings)
    group.add_records(sorted(numbers))
    trunk = Trunk(config)
    adapter = SipAdapter(group, trunk, numbers, agents)

    async def go() -> None:
        try:
            await adapter.run(range(1, args.agents + 1), max_duration=args.max_duration)
        finally:
            trunk.close()

    asyncio.run(go())
    report = adapter.report
    metrics = group.metrics()
    console = Console()
    table = Table(title=f"outpace dial: {len(numbers)} records on {args.trunk}")
    table.add_column("result")
    table.add_column("calls", justify="right")
    for result, count in sorted(report.results.items(), key=lambda rc: -rc[1]):
        table.add_row(result.name.lower(), str(count))
    console.print(table)
    console.print(
        f"dialed {report.dialed}, with a result {report.accounted}, bridged {report.bridged}, "
        f"dropped {report.dropped}, records not dialed {report.records_left}, "
        f"abandon rate {100 * metrics.abandon_rate:.1f}%, {report.elapsed:.1f} s"
    )
    if report.errors:
        console.print(f"[yellow]{report.errors} events were refused or broke (see the log)[/yellow]")
    return 0 if report.accounted == report.dialed else 1
