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
    first_close = threading.Event()
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
            # Stops begin once the dialer has closed a record, so that both ways out are
            # taken however the threads are scheduled on a loaded machine.
            while not first_close.wait(0.01):
                if stop_now.is_set():
                    return
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
    # Every third dial is answered (and closed), counted over all dials: a batch of one
    # record at a time (the stopper keeps emptying the buffer) still closes some.
    results = [CallResult.ANSWER, CallResult.BUSY, CallResult.NO_ANSWER]
    dialed = 0
    while True:
        finished = inserters_done.is_set() or all(not t.is_alive() for t in threads[:inserters])
        if finished:
            inserters_done.set()
        now += 1000.0  # retries come back quickly
        dials = buf.next_records(now, 8)
        for d in dials:
            if buf.report(d.record_id, results[dialed % 3], now).action is TreatmentAction.CLOSE:
                closed[d.record_id] += 1
                first_close.set()
            dialed += 1
        # Once the inserts are over the dialer stops and leaves what waits (records and the
        # retries its last round scheduled) to the final stop: a stopper starved of the GIL
        # on a loaded machine may have returned nothing, and the final stop still does.
        if finished:
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
    assert closed, "no record was closed"  # both ways out were exercised
    assert returned, "no record was returned by a stop"
