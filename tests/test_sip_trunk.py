"""Trunk limits with a scripted user agent: calls per second, concurrent calls, FIFO,
nothing lost, and the down state."""

from __future__ import annotations

import asyncio

import pytest

from outpace import CallResult
from outpace.sip import Call, CallOutcome, Ending, Timers, Trunk, TrunkConfig


class ScriptedUac:
    """Answers or fails each call after ``setup`` seconds; records starts and concurrency."""

    def __init__(self, setup: float = 0.0, outcomes: list[Ending] | None = None) -> None:
        self.setup = setup
        self.outcomes = outcomes or []
        self.starts: list[tuple[float, str]] = []
        self.up = 0
        self.max_up = 0
        self.last_response_at = float("-inf")

    async def invite(self, number: str, *, ring_timeout: float) -> Call:
        loop = asyncio.get_running_loop()
        self.starts.append((loop.time(), number))
        self.up += 1
        self.max_up = max(self.max_up, self.up)
        await asyncio.sleep(self.setup)
        ending = self.outcomes.pop(0) if self.outcomes else Ending.ANSWERED
        call = Call(call_id=number, request_uri="", local_uri="", from_tag="")
        call.outcome = CallOutcome(ending, 200 if ending is Ending.ANSWERED else None, responded=ending is not Ending.NO_RESPONSE)
        if call.outcome.responded:
            self.last_response_at = loop.time()
        if not call.answered:
            self.up -= 1
        return call

    async def hangup(self, call: Call) -> bool:
        self.up -= 1
        return True

    def close(self) -> None:
        pass


def trunk(uac: ScriptedUac, **kwargs: object) -> Trunk:
    config = TrunkConfig("sip:127.0.0.1:5060", timers=Timers(t1=0.01), **kwargs)  # type: ignore[arg-type]
    return Trunk(config, uac=uac)  # type: ignore[arg-type]


def test_calls_per_second_is_an_exact_spacing_and_order_is_kept() -> None:
    uac = ScriptedUac()
    t = trunk(uac, cps=50.0)

    async def go() -> list[CallResult]:
        calls = await asyncio.gather(*(t.call(str(1000 + i)) for i in range(26)))
        for tc in calls:
            await t.hangup(tc)
        return [tc.result for tc in calls]

    assert asyncio.run(go()) == [CallResult.ANSWER] * 26
    times = [s for s, _ in uac.starts]
    assert [n for _, n in uac.starts] == [str(1000 + i) for i in range(26)]  # first come, first served
    # Never ahead of the schedule t0 + i/cps (a late start may be followed by a shorter
    # gap, catching up, but never by more than the schedule allows) ...
    assert all(t - times[0] >= i * 0.02 - 0.002 for i, t in enumerate(times))
    # ... and not behind it either.
    assert times[-1] - times[0] == pytest.approx(25 * 0.02, abs=0.03)
    assert t.counts().active == 0


def test_concurrent_calls_are_capped_and_the_rest_wait() -> None:
    uac = ScriptedUac(setup=0.05)
    t = trunk(uac, cps=1000.0, max_calls=3)

    async def go() -> None:
        async def one(i: int) -> None:
            tc = await t.call(str(i))
            await asyncio.sleep(0.05)
            await t.hangup(tc)

        tasks = [asyncio.ensure_future(one(i)) for i in range(12)]
        await asyncio.sleep(0.02)
        counts = t.counts()
        assert counts.active == 3 and counts.waiting == 9
        await asyncio.gather(*tasks)

    asyncio.run(go())
    assert uac.max_up == 3
    assert len(uac.starts) == 12  # every call went out in the end
    assert t.counts().placed == 12 and t.counts().answered == 12 and t.counts().active == 0


def test_no_response_marks_the_trunk_down_and_slows_to_probes() -> None:
    uac = ScriptedUac(outcomes=[Ending.NO_RESPONSE, Ending.NO_RESPONSE, Ending.REJECTED])
    t = trunk(uac, cps=100.0, retry_down=0.2)

    async def go() -> None:
        first = await t.call("1")
        assert first.result is CallResult.NETWORK_FAILURE
        assert t.down
        second = await t.call("2")  # a probe: waits retry_down, not 1/cps
        assert t.down and second.result is CallResult.NETWORK_FAILURE
        third = await t.call("3")  # another probe; this one gets an answer (a rejection)
        assert not t.down
        assert third.outcome.ending is Ending.REJECTED

    asyncio.run(go())
    times = [s for s, _ in uac.starts]
    assert times[1] - times[0] >= 0.19 and times[2] - times[1] >= 0.19


def test_bad_number_is_refused_before_it_waits() -> None:
    t = trunk(ScriptedUac())
    with pytest.raises(ValueError, match="number must be a plain user part"):
        asyncio.run(t.call("12 34"))
