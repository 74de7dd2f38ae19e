"""``outpace config``: check a dialing configuration file, or print its JSON Schema.

``outpace config check FILE`` validates the file (types, ranges, the per-mode rules,
the IVR switch) and prints what each campaign group resolves to, with where each value
comes from. A bad file gets one line naming the field at fault and exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import json
from typing import Any

from rich.console import Console
from rich.table import Table

from outpace.config import ResolvedGroup, json_schema, load


def register(sub: Any) -> None:
    p = sub.add_parser(
        "config",
        help="check a dialing configuration (profile -> template -> group) or print its JSON Schema",
        description="Check a dialing configuration file and show what each group resolves to.",
    )
    actions = p.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate FILE and print what each group resolves to")
    check.add_argument("file", help="TOML file with [profiles.*], [templates.*] and [groups.*] tables")
    check.add_argument("--json", action="store_true", help="print the resolved groups as JSON instead of tables")
    check.set_defaults(run=run_check)
    schema = actions.add_parser("schema", help="print the JSON Schema of the configuration file")
    schema.set_defaults(run=run_schema)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _as_json(group: ResolvedGroup) -> dict[str, Any]:
    return {
        "template": group.template,
        "profile": group.profile,
        "channel": group.channel.value,
        "mode": group.mode.value,
        "ivr_modes": group.ivr_modes,
        "lifo": group.lifo,
        "engage_agents_first": group.engage_agents_first,
        "values": {k: _plain(v) for k, v in group.values.items()},
        "sources": dict(group.sources),
    }


def run_check(args: argparse.Namespace) -> int:
    config = load(args.file)  # ConfigError is a ValueError: main() prints it as one line
    resolved = config.resolve_all()
    if args.json:
        print(json.dumps({name: _as_json(g) for name, g in resolved.items()}, indent=2))
        return 0
    console = Console()
    console.print(
        f"[bold]{args.file}[/]: valid — {len(config.profiles)} profiles, {len(config.templates)} templates, {len(resolved)} groups"
    )
    for name, g in resolved.items():
        flags = [g.channel.value, g.mode.value]
        if g.ivr_modes:
            flags.append("IVR modes on")
        if g.lifo:
            flags.append("LIFO")
        if g.engage_agents_first:
            flags.append("engage agents first")
        table = Table(title=f"group {name} (template {g.template}, profile {g.profile}): {', '.join(flags)}", title_justify="left")
        table.add_column("field")
        table.add_column("value", justify="right")
        table.add_column("from")
        for field, value in g.values.items():
            shown = ", ".join(str(_plain(v)) for v in value) if isinstance(value, tuple) else str(_plain(value))
            table.add_row(field, shown, g.sources[field])
        console.print(table)
    return 0


def run_schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), indent=2))
    return 0
