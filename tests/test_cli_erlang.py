from __future__ import annotations

import subprocess
import sys

import pytest

from outpace.cli import main


def test_worked_example_prints_table_and_staffing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["erlang"]) == 0
    out = capsys.readouterr().out
    assert "10.000 Erlangs" in out
    # Erlang C for 14 agents at 10 Erlangs: P(wait) 17.41% (validation/queueing.csv).
    assert "17.41%" in out
    assert "Erlang C): 14" in out
    assert "2-second rule: 16" in out


def test_explicit_agents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["erlang", "--calls-per-hour", "1000", "--aht", "240", "--agents", "70", "75"]) == 0
    out = capsys.readouterr().out
    assert "66.667 Erlangs" in out
    assert "│     70 │" in out and "│     75 │" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--aht", "-3"], "--aht"),
        (["--calls-per-hour", "0"], "--calls-per-hour"),
        (["--service-level", "120"], "--service-level"),
        (["--agents", "0"], "--agents"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(args: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["erlang", *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_console_script_runs() -> None:
    proc = subprocess.run([sys.executable, "-m", "outpace", "erlang"], capture_output=True, text=True, check=True)
    assert "Erlangs" in proc.stdout
