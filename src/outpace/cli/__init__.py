"""The ``outpace`` command line: one module per subcommand, registered here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from outpace.cli import config, dial, erlang, send, simulate, sweep

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outpace",
        description="Pacing kernel for outbound contact-center dialers.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    simulate.register(sub)
    erlang.register(sub)
    config.register(sub)
    dial.register(sub)
    send.register(sub)
    sweep.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.run(args)
    except ValueError as exc:
        # Bad input reaches the user as one clear line, never a traceback.
        print(f"outpace {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return result
