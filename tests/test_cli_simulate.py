from __future__ import annotations

from pathlib import Path

import pytest

from outpace.cli import main


def test_simulate_prints_summary_and_writes_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "day.png"
    assert main(["simulate", "--agents", "10", "--plot", str(chart)]) == 0
    out = capsys.readouterr().out
    assert "predictive" in out and "abandon" in out and "busy" in out
    assert chart.stat().st_size > 10_000


def test_simulate_reads_a_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "campaign.toml"
    f.write_text("[scenario]\nagents = 7\n\n[pacing]\ngoal_value = 2.5\nhistory_length = 20\n")
    assert main(["simulate", str(f), "--plot", ""]) == 0
    assert "7 agents" in capsys.readouterr().out


def test_compare_runs_modes_and_baselines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "cmp.png"
    args = ["compare", "--agents", "10", "--policies", "predictive", "progressive", "ratio:2", "adaptive", "--plot", str(chart)]
    assert main(args) == 0
    out = capsys.readouterr().out
    for name in ("predictive", "progressive", "ratio:2", "adaptive"):
        assert name in out
    assert chart.exists()


CONFIG = str(Path(__file__).resolve().parents[1] / "examples" / "dialing-config.toml")


def test_simulate_paces_a_configured_group(capsys: pytest.CaptureFixture[str]) -> None:
    """--config/--group: the group's resolved settings, and its mode as the policy."""
    assert main(["simulate", "--config", CONFIG, "--group", "win-back", "--agents", "8", "--plot", ""]) == 0
    out = capsys.readouterr().out
    assert "progressive_seizing" in out and "8 agents" in out
    # The same group with the policy given explicitly.
    assert main(["simulate", "--config", CONFIG, "--group", "sales-east", "--policy", "progressive", "--agents", "8", "--plot", ""]) == 0
    assert "progressive" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["simulate", "--config", CONFIG], "--config and --group go together"),
        (["simulate", "--config", CONFIG, "--group", "nope"], "no campaign group named 'nope'"),
        (["simulate", "--config", CONFIG, "--group", "payment-reminders"], "sms channel"),
        (["simulate", "missing.toml"], "not found"),
        (["simulate", "--agents", "0"], "agents"),
        (["simulate", "--policy", "turbo"], "unknown policy"),
        (["compare", "--policies", "warp"], "unknown policy"),
        (["simulate", "--seeds", "0"], "--seeds"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err
