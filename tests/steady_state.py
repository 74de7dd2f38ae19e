"""A large predictive group in a busy, mixed state, built through the event contract by a
small event-driven campaign (the reference campaign's shape, in plain Python)."""

from __future__ import annotations

import heapq
import random

from outpace import Bridge, CampaignGroup, Dial, GroupSettings


def busy_group(agents: int = 100, seed: int = 1, until: float = 1500.0) -> tuple[CampaignGroup, float]:
    """Agents talking, wrapping up and idle, and calls ringing; returns (group, now)."""
    rng = random.Random(seed)
    g = CampaignGroup(GroupSettings(mode="predictive", history_length=50))
    g.add_records(range(1, 10_000_000))
    events: list[tuple[float, int, str, int]] = []
    seq = 0

    def push(t: float, kind: str, ident: int) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (t, seq, kind, ident))

    def act(actions: list, now: float) -> None:  # type: ignore[type-arg]
        for a in actions:
            if isinstance(a, Dial):
                r = rng.random()
                kind = "live" if r < 0.3 else "machine" if r < 0.45 else "fail"
                delay = rng.lognormvariate(2.4, 0.47) if kind != "fail" else rng.choice([5.0, 25.0])
                push(now + delay, kind, a.call_id)
            elif isinstance(a, Bridge):
                push(now + rng.lognormvariate(4.8, 0.7), "end", a.call_id * 1_000_000 + a.agent_id)

    for a in range(agents):
        g.agent_ready(a, 0.0)
    for k in range(1, int(until) + 1):
        push(float(k), "tick", 0)
    now = 0.0
    while events and events[0][0] <= until:
        now, _, kind, ident = heapq.heappop(events)
        if kind == "tick":
            act(g.tick(now), now)
        elif kind == "live":
            act(g.call_answered(ident, now), now)
        elif kind == "machine":
            g.call_answered(ident, now, live=False)
        elif kind == "fail":
            g.call_failed(ident, now, "no_answer")
        elif kind == "end":
            g.call_ended(ident // 1_000_000, now)
            push(now + rng.lognormvariate(3.3, 0.5), "ready", ident % 1_000_000)
        elif kind == "ready":
            act(g.agent_ready(ident, now), now)
    return g, until + 0.5
