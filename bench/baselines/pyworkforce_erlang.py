"""Erlang C through pyworkforce (0.5.x), the Erlang library Python users reach for.

``pyworkforce.queuing.ErlangC(transactions, aht, asa, interval)`` sets the load to
transactions / interval x aht Erlangs; ``waiting_probability(positions)`` runs the inverse
Erlang B recursion in pure Python (O(n)) and returns C. Its ``service_level`` method
recomputes that recursion, so this wrapper calls the recursion once and derives mean wait
and service level from C with one line of arithmetic each, which favours pyworkforce.
pyworkforce 0.5 has no Erlang A (M/M/n+M): there is no pyworkforce baseline for it.
"""

from __future__ import annotations

import math

from pyworkforce.queuing import ErlangC


def erlang_c(
    servers: int, traffic: float, service_time: float = 1.0, answer_within: float = 0.0
) -> tuple[float, ...]:
    """(p_wait, mean_wait, service_level, occupancy), like ``outpace.erlang_c``."""
    # asa must be > 0 for the constructor; it only feeds ErlangC.service_level, not called.
    model = ErlangC(
        transactions=traffic / service_time, aht=service_time, asa=1.0, interval=1
    )
    c = model.waiting_probability(servers)
    mean_wait = c * service_time / (servers - traffic)
    service_level = 1.0 - c * math.exp(
        -(servers - traffic) * answer_within / service_time
    )
    return c, mean_wait, service_level, model.achieved_occupancy(servers)
