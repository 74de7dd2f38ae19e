"""``outpace send``: an SMS or email campaign from a contact CSV, paced, with a report.

    outpace send contacts.csv --transport smtp://relay:25?tls=none --from news@shop.example \\
        --template "Hello {name}" --subject "News" --to-column email --mode rate --rate 120

Every contact ends in one outcome (accepted, rejected, failed, invalid, expired), shown in
the final table and, with ``--report``, written per contact to a CSV file.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import math
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from outpace.channels.campaign import (
    CampaignReport,
    ContactOutcome,
    Outcome,
    RetryPolicy,
    run_campaign,
)
from outpace.channels.pacing import (
    AutoPacing,
    Broadcast,
    Pacer,
    ProviderCap,
    RatePerMinute,
    Window,
)
from outpace.channels.template import MessageTemplate
from outpace.channels.transport import Channel, TransportError
from outpace.channels.urls import transport_from_url
from outpace.config import MessagingMode
from outpace.config import load as load_config

MODES = ("rate", "auto", "broadcast")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "send",
        help="send an SMS or email campaign to a contact CSV, paced, with a per-contact report",
        description=(
            "Send one message to every contact of a CSV file through SMTP, a Kannel HTTP gateway "
            "or SMPP, paced by Rate per Minute (exactly N per minute), Auto Pacing (spread evenly "
            "over the delivery window) or Broadcast (as fast as the provider cap allows)."
        ),
    )
    p.add_argument("contacts", type=Path, help="contact CSV with a header row")
    p.add_argument("--transport", required=True,
                   help="smtp[s]://[user:pass@]host[:port][?tls=..&cafile=..], "
                        "http://host:port/cgi-bin/sendsms?username=..&password=.. (Kannel), "
                        "or smpp://system_id:password@host[:port]")
    text = p.add_mutually_exclusive_group(required=True)
    text.add_argument("--template", help="message text with {column} fields")
    text.add_argument("--template-file", type=Path, help="file holding the message text")
    p.add_argument("--subject", default="", help="email subject, may use {column} fields")
    p.add_argument("--from", dest="sender", default="", help="sender address (email) or sender id / number (SMS)")
    p.add_argument("--to-column", default="to", help="column holding the phone number or email address [to]")
    p.add_argument("--id-column", default="id", help="column identifying the contact [id; row number if absent]")
    p.add_argument("--mode", choices=MODES, help="pacing mode [rate, or the --group's mode]")
    p.add_argument("--rate", type=float, help="messages per minute (rate mode)")
    p.add_argument("--config", help="dialing configuration TOML: take mode and rate from its --group")
    p.add_argument("--group", help="SMS or email campaign group of --config")
    p.add_argument("--window-start", help="delivery window start, ISO 8601 [now]")
    p.add_argument("--window-end", help="delivery window end, ISO 8601 (required for auto)")
    p.add_argument("--timezone", help="IANA zone for window times without an offset [the machine's]")
    p.add_argument("--per-second", type=int, help="provider cap: messages in any one second [none]")
    p.add_argument("--connections", type=int, default=1, help="provider cap: messages in flight at once [1]")
    p.add_argument("--max-attempts", type=int, default=4, help="sends per contact at most, retries included [4]")
    p.add_argument("--backoff", type=float, default=30.0, help="seconds before the first retry, doubling after [30]")
    p.add_argument("--dlr-url", help="Kannel: URL that receives delivery reports")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds for one provider request [30]")
    p.add_argument("--report", type=Path, help="write the per-contact outcomes to this CSV file")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (logs, CI)")
    p.set_defaults(run=run)


def _when(text: str, zone: str | None, name: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--{name} must be an ISO 8601 time such as 2024-06-03T09:00+02:00 (got {text!r})") from None
    if when.tzinfo is None:
        if zone:
            try:
                return when.replace(tzinfo=ZoneInfo(zone))
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"--timezone must be an IANA zone such as Europe/Berlin (got {zone!r})") from None
        return when.astimezone()  # the machine's zone
    return when


_FLAGS = {"rate": "--rate", "per_second": "--per-second", "connections": "--connections",
          "max_attempts": "--max-attempts", "backoff": "--backoff", "max_backoff": "--backoff"}


def _as_flag(exc: ValueError) -> ValueError:
    """The library names its fields (per_second); the user typed flags (--per-second)."""
    text = str(exc)
    field = text.split(" ", 1)[0]
    return ValueError(_FLAGS[field] + text[len(field):]) if field in _FLAGS else exc


def build_pacer(args: argparse.Namespace) -> Pacer:
    try:
        return _build_pacer(args)
    except ValueError as exc:
        raise _as_flag(exc) from None


def _build_pacer(args: argparse.Namespace) -> Pacer:
    cap = ProviderCap(per_second=args.per_second, connections=args.connections)
    window = None
    if args.window_end:
        start = _when(args.window_start, args.timezone, "window-start") if args.window_start else datetime.now().astimezone()
        window = Window(start, _when(args.window_end, args.timezone, "window-end"))
    elif args.window_start:
        raise ValueError("--window-start needs --window-end")
    if args.mode == "rate":
        if args.rate is None:
            raise ValueError("--rate (messages per minute, in (0, 600000]) is required for --mode rate")
        return RatePerMinute(args.rate, cap, window)
    if args.rate is not None:
        raise ValueError(f"--rate applies to --mode rate only (got --mode {args.mode})")
    if args.mode == "auto":
        if window is None:
            raise ValueError("--window-end is required for --mode auto")
        return AutoPacing(window, cap)
    return Broadcast(cap, window)


# Messaging modes of the configuration, by their names on this command line.
_CONFIG_MODES = {MessagingMode.RATE_PER_MINUTE: "rate", MessagingMode.AUTO_PACING: "auto", MessagingMode.BROADCAST: "broadcast"}


def _apply_config(args: argparse.Namespace) -> Channel | None:
    """Mode and rate from a configured group (--config/--group); its channel, if any."""
    if (args.config is None) != (args.group is None):
        raise ValueError("--config and --group go together")
    if args.config is None:
        args.mode = args.mode or "rate"
        return None
    if args.mode is not None or args.rate is not None:
        raise ValueError("--mode and --rate come from the configured group; leave them out with --config")
    try:
        group = load_config(args.config).resolve(args.group)
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None
    if not isinstance(group.mode, MessagingMode):
        raise ValueError(f"group {args.group} is a voice group ({group.mode.value}); outpace send takes SMS and email groups")
    args.mode = _CONFIG_MODES[group.mode]
    if group.mode is MessagingMode.RATE_PER_MINUTE:
        args.rate = group.values["messages_per_minute"]
    return group.channel


def run(args: argparse.Namespace) -> int:
    channel = _apply_config(args)
    body = args.template if args.template is not None else _read_text(args.template_file)
    template = MessageTemplate(body, subject=args.subject)
    pacer = build_pacer(args)
    try:
        retry = RetryPolicy(max_attempts=args.max_attempts, backoff=args.backoff,
                            max_backoff=min(86_400.0, max(900.0, args.backoff)))
    except ValueError as exc:
        raise _as_flag(exc) from None
    transport = transport_from_url(args.transport, sender=args.sender, dlr_url=args.dlr_url, timeout=args.timeout)
    if channel is not None and transport.channel is not channel:
        raise ValueError(f"group {args.group} is on the {channel.value} channel but --transport sends {transport.channel.value}")
    try:
        with args.contacts.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise ValueError(f"cannot read the contact file: {exc}") from None
    if rows and args.to_column not in rows[0]:
        raise ValueError(f"--to-column {args.to_column!r} is not a column of {args.contacts} "
                         f"(columns: {', '.join(rows[0])})")

    console = Console(stderr=False)
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[tally]}"), TimeElapsedColumn(),
                        console=console, disable=args.no_progress)
    tally: dict[Outcome, int] = dict.fromkeys(Outcome, 0)
    task = progress.add_task("sending", total=len(rows), tally="")

    def on_outcome(o: ContactOutcome) -> None:
        assert o.outcome is not None
        tally[o.outcome] += 1
        progress.update(task, advance=1, tally=" ".join(f"{k.value} {v}" for k, v in tally.items() if v))

    try:
        with progress:
            report = asyncio.run(run_campaign(
                rows, template=template, transport=transport, pacer=pacer, retry=retry,
                address_field=args.to_column, id_field=args.id_column, on_outcome=on_outcome,
            ))
    except TransportError as exc:
        console.print(f"[red]outpace send: cannot use the transport: {exc}[/]")
        return 1
    _print_report(console, report, args)
    if args.report:
        _write_report(args.report, report)
        console.print(f"Per-contact outcomes written to {args.report}")
    return 0


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read --template-file: {exc}") from None


def _print_report(console: Console, report: CampaignReport, args: argparse.Namespace) -> None:
    seconds = report.finished - report.started
    console.print(f"[bold]{len(report.contacts)} contacts, mode {args.mode}[/]: {report.sends} sends in {seconds:.1f} s")
    table = Table()
    table.add_column("outcome")
    table.add_column("contacts", justify="right")
    for outcome, n in report.counts.items():
        table.add_row(outcome.value, str(n))
    table.add_row("[bold]total[/]", f"[bold]{sum(report.counts.values())}[/]")
    console.print(table)
    problems = [o for o in report.contacts if o.outcome != Outcome.ACCEPTED]
    if problems:
        shown = problems[:20]
        detail = Table(title="not accepted" + (f" (first 20 of {len(problems)})" if len(problems) > 20 else ""))
        for heading in ("contact", "address", "outcome", "attempts", "reason"):
            detail.add_column(heading)
        for o in shown:
            assert o.outcome is not None
            detail.add_row(o.contact_id, o.to, o.outcome.value, str(len(o.attempts)), o.detail)
        console.print(detail)
    sends = sorted(t for o in report.contacts for t in o.attempts)
    if len(sends) > 1:
        span = sends[-1] - sends[0]
        per_minute = (len(sends) - 1) / span * 60 if span > 0 else math.inf
        console.print(f"First send {datetime.fromtimestamp(sends[0]).astimezone():%Y-%m-%d %H:%M:%S %Z}, "
                      f"last {datetime.fromtimestamp(sends[-1]).astimezone():%H:%M:%S}, "
                      f"{per_minute:.1f} sends per minute")


def _write_report(path: Path, report: CampaignReport) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["contact_id", "address", "outcome", "attempts", "first_attempt", "message_id", "provider_id",
                    "detail"])
        for o in report.contacts:
            first = datetime.fromtimestamp(o.attempts[0]).astimezone().isoformat() if o.attempts else ""
            w.writerow([o.contact_id, o.to, o.outcome.value if o.outcome else "", len(o.attempts), first,
                        o.message_id, o.provider_id, o.detail])
