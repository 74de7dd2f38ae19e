"""The adapter feeding a CampaignGroup, and ``outpace dial``, against SIPp."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from sipp_peer import SippPeer, requires_sipp

from outpace import CallResult, CampaignGroup, GroupSettings
from outpace.cli import main
from outpace.sip import SimulatedAgents, SipAdapter, Timers, Trunk, TrunkConfig

FAST = Timers(t1=0.05, t2=0.4, t4=0.2, d=0.3)


@requires_sipp
def test_adapter_runs_a_campaign_and_accounts_for_every_call(tmp_path: Path) -> None:
    numbers = {i: (f"486{i:04d}" if i % 4 == 0 else f"555{i:04d}") for i in range(1, 25)}
    with SippPeer("uas_mixed.xml", tmp_path, calls=len(numbers)) as peer:
        group = CampaignGroup(GroupSettings(mode="progressive", lines_per_agent=2.0))
        group.add_records(sorted(numbers))
        trunk = Trunk(TrunkConfig(peer.uri, cps=20, max_calls=5, timers=FAST))
        adapter = SipAdapter(group, trunk, numbers, SimulatedAgents(talk=0.2, wrap=0.05, seed=3), tick_interval=0.02)

        async def go() -> None:
            report = await adapter.run([1, 2, 3], max_duration=60)
            assert trunk.counts().active == 0
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 5
            while trunk.uac.open_transactions and loop.time() < deadline:
                await asyncio.sleep(0.05)
            assert trunk.uac.open_transactions == 0
            trunk.close()
            assert report.dialed == len(numbers) and report.accounted == len(numbers)
            assert report.results == {CallResult.BUSY: 6, CallResult.ANSWER: 18}
            assert report.bridged + report.dropped == 18 and report.ended == report.bridged
            # The 6 busy numbers: the default treatment retries them in 300 s, so the
            # run ends with them scheduled and stop() returns them.
            assert report.records_left == 6 and report.errors == 0

        asyncio.run(go())
        m = group.metrics()
        assert (m.dials, m.failed, m.live_answers) == (24, 6, 18)
        assert peer.wait() == 0, peer.errors()
        assert peer.counter("SuccessfulCall(C)") == 24


@requires_sipp
def test_outpace_dial_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "list.csv"
    csv.write_text("id,number\n" + "".join(f"{i},{'486' if i % 2 else '555'}{i:04d}\n" for i in range(10, 16)))
    with SippPeer("uas_mixed.xml", tmp_path, calls=6) as peer:
        code = main(["dial", str(csv), "--trunk", peer.uri, "--agents", "2", "--talk", "0.2", "--wrap", "0.05", "--t1", "0.05"])
        assert code == 0
        out = capsys.readouterr().out
        assert "busy" in out and "answer" in out and "dialed 6, with a result 6" in out
        assert peer.wait() == 0


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--trunk", "http://x"], "trunk uri must be a SIP URI"),
        (["--trunk", "sip:127.0.0.1", "--cps", "-5"], r"cps must be in \(0, 10000\]"),
        (["--trunk", "sip:127.0.0.1", "--ring-timeout", "10"], r"ring_timeout must be in \[15, 600\]"),
        (["--trunk", "sip:127.0.0.1", "--mode", "push_preview"], "mode must be one of progressive, predictive"),
    ],
)
def test_outpace_dial_bad_input(argv: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "list.csv"
    csv.write_text("number\n15550100\n")
    assert main(["dial", str(csv), *argv]) == 2
    assert re.search(needle, capsys.readouterr().err)


def test_outpace_dial_bad_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "list.csv"
    csv.write_text("number\n15550100\n1555 0101\n")
    assert main(["dial", str(csv), "--trunk", "sip:127.0.0.1"]) == 2
    assert "list.csv:3: number must be" in capsys.readouterr().err
