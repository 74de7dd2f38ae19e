"""Load on loopback: at least 100 calls per second for 30 s against SIPp, every call
accounted for on both sides.

Runs in the normal suite (about 45 s). ``OUTPACE_SIP_LOAD_SECONDS`` shortens it
for a quick look; the assertion on the rate holds whatever the length.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from pathlib import Path

from sipp_peer import SippPeer, requires_sipp

from outpace import CallResult
from outpace.sip import Timers, Trunk, TrunkConfig

pytestmark = requires_sipp

CPS = 110.0  # the trunk cap; the test requires >= 100 calls/s achieved
SECONDS = float(os.environ.get("OUTPACE_SIP_LOAD_SECONDS", "30"))
HOLD = 1.0  # seconds each answered call stays up before BYE


def test_load_100_calls_per_second_for_30_seconds(tmp_path: Path) -> None:
    calls = int(CPS * SECONDS)
    with SippPeer("uas_load.xml", tmp_path, calls=calls, timeout=SECONDS + 60) as peer:
        # T1 = 0.2 s keeps RFC 6026's accepted-state timer (64 T1) at 12.8 s.
        trunk = Trunk(TrunkConfig(peer.uri, cps=CPS, max_calls=2000, timers=Timers(t1=0.2, t2=4.0, t4=1.0, d=2.0)))
        starts: list[float] = []
        results: Counter[CallResult] = Counter()
        byes: Counter[bool] = Counter()

        async def one(i: int) -> None:
            tc = await trunk.call(f"1555{i:07d}")
            starts.append(tc.started_at)
            results[tc.result] += 1
            if tc.call.answered:
                await asyncio.sleep(HOLD)
                byes[await trunk.hangup(tc)] += 1

        async def go() -> None:
            await asyncio.gather(*(one(i) for i in range(calls)))
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 20
            while trunk.uac.open_transactions and loop.time() < deadline:
                await asyncio.sleep(0.1)
            assert trunk.uac.open_transactions == 0 and trunk.uac.active_calls == 0
            counts = trunk.counts()
            assert (counts.placed, counts.answered, counts.active, counts.waiting) == (calls, calls, 0, 0)
            trunk.close()

        asyncio.run(go())
        code = peer.wait()
        starts.sort()
        rate = (len(starts) - 1) / (starts[-1] - starts[0])
        print(f"\n{calls} calls in {starts[-1] - starts[0]:.2f} s: {rate:.1f} calls/s; results {dict(results)}; "
              f"SIPp {peer.counter('SuccessfulCall(C)')} ok, {peer.counter('FailedCall(C)')} failed, "
              f"{peer.counter('Retransmissions(C)')} retransmissions")
        assert results == Counter({CallResult.ANSWER: calls})
        assert byes == Counter({True: calls})
        assert rate >= 100.0
        assert code == 0, peer.errors()[:2000]
        assert peer.counter("SuccessfulCall(C)") == calls
        assert peer.counter("FailedCall(C)") == 0
