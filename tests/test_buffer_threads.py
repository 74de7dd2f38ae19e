"""DialingBuffer from several Python threads at once: web-handler threads insert (the
lock-free LIFO path), a dialing loop hands out and reports, another thread stops the
group now and then. Every record ends up closed or returned by a stop, exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from outpace import CallResult, DialingBuffer, TreatmentAction


@pytest.mark.parametrize("lifo_mode", [True, False])
def test_inserts_dialing_and_stops_account_for_every_record(lifo_mode: bool) -> None:
    buf = DialingBuffer(lifo_mode=lifo_mode, lifo_capacity=16)
    inserters, per_inserter = 3, 20_000
    closed: Counter[int] = Counter()
    returned: Counter[int] = Counter()
    inserting = threading.Barrier(inserters + 2)
    inserters_done = threading.Event()
    stop_now = threading.Event()
    errors: list[BaseException] = []

    def insert(t: int) -> None:
        try:
            inserting.wait()
            for record_id in range(t * per_inserter + 1, (t + 1) * per_inserter + 1):
                while not buf.insert(record_id):  # LIFO stack full: let the dialer empty it
                    time.sleep(0)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def stopper() -> None:
        try:
            inserting.wait()
            while not stop_now.wait(0.002):
                returned.update(r.record_id for r in buf.stop())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=insert, args=(t,)) for t in range(inserters)]
    threads.append(threading.Thread(target=stopper))
    for t in threads:
        t.start()
    inserting.wait()
    now = 0.0
    results = [CallResult.BUSY, CallResult.ANSWER, CallResult.NO_ANSWER]
    while True:
        finished = inserters_done.is_set() or all(not t.is_alive() for t in threads[:inserters])
        if finished:
            inserters_done.set()
        now += 1000.0  # retries come back quickly
        dials = buf.next_records(now, 8)
        for i, d in enumerate(dials):
            if buf.report(d.record_id, results[i % 3], now).action is TreatmentAction.CLOSE:
                closed[d.record_id] += 1
        if finished and not dials and buf.counts().retry == 0:
            break
    stop_now.set()
    for t in threads:
        t.join()
    returned.update(r.record_id for r in buf.stop())

    assert not errors
    everything = closed + returned
    total = inserters * per_inserter
    assert set(everything) == set(range(1, total + 1))  # none lost, none foreign
    assert max(everything.values()) == 1  # none closed twice, none both closed and returned
    assert closed and returned  # both ways out were exercised
