"""Events from several Python threads at once (each call releases the GIL)."""

from __future__ import annotations

import queue
import threading

from outpace import Bridge, CampaignGroup, Dial, GroupSettings


def test_threads_never_give_an_agent_two_calls() -> None:
    g = CampaignGroup(GroupSettings(mode="progressive_seizing", lines_per_agent=1.0))
    g.add_records(range(1, 200_001))
    agents = list(range(8))
    for a in agents:
        g.agent_ready(a, 1.0)
    placed: queue.Queue[Dial] = queue.Queue()
    on_call: dict[int, int] = {}
    guard = threading.Lock()
    errors: list[str] = []
    stop = threading.Event()

    def dialer() -> None:
        while not stop.is_set():
            for a in g.tick(1.0):
                if isinstance(a, Dial):
                    placed.put(a)

    def network(live_every: int) -> None:
        n = 0
        while not stop.is_set():
            try:
                d = placed.get(timeout=0.01)
            except queue.Empty:
                continue
            n += 1
            if n % live_every:
                g.call_failed(d.call_id, 1.0, "no_answer")
                continue
            for a in g.call_answered(d.call_id, 1.0):
                if isinstance(a, Bridge):
                    with guard:
                        if a.agent_id in on_call:
                            errors.append(f"agent {a.agent_id} bridged to {a.call_id} while on {on_call[a.agent_id]}")
                        on_call[a.agent_id] = a.call_id
                    with guard:
                        del on_call[a.agent_id]
                    g.call_ended(a.call_id, 1.0)
                    g.agent_ready(a.agent_id, 1.0)

    threads = [threading.Thread(target=dialer)] + [threading.Thread(target=network, args=(k,)) for k in (2, 3, 4)]
    for t in threads:
        t.start()
    timer = threading.Timer(1.5, stop.set)
    timer.start()
    for t in threads:
        t.join()
    assert errors == []
    m = g.metrics()
    assert m.connects > 50
    assert m.dials == m.connects + m.failed + m.calls_dialing + m.calls_held + m.abandoned
