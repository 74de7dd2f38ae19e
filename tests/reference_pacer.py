"""The predictive decision (normal approximation) in plain Python.

A reference implementation of PredictiveModel::decide_normal working from a group's
snapshot (its tables and state): tests check that the C++ decision agrees with it, and
bench/bench_pacer.py measures both on the same state.
"""

from __future__ import annotations

import math
from typing import Any

K = 3


def _positive_part(mean: float, var: float) -> float:
    """E[Y+] for Y ~ Normal(mean, var)."""
    if var <= 1e-12:
        return max(mean, 0.0)
    sd = math.sqrt(var)
    z = mean / sd
    return sd * 0.3989422804014327 * math.exp(-0.5 * z * z) + mean * 0.5 * math.erfc(-z * 0.7071067811865476)


def decide(snap: dict[str, Any]) -> int:
    a_mean = [0.0] * K
    a_var = [0.0] * K
    v_mean = [0.0] * K
    v_var = [0.0] * K
    ring = snap["ring_rows"]
    ring_n = len(ring) // K
    share = snap["answer_share"]
    for e in snap["ring_elapsed"]:
        row = int(max(e, 0.0) / snap["ring_step"])
        if row >= ring_n:
            continue
        for k in range(K):
            q = share * ring[row * K + k]
            a_mean[k] += q
            a_var[k] += q * (1.0 - q)
    stay = snap["stay"]
    ignore = snap["ignore_longer_than"]
    for elapsed, table, talking in ((snap["talk_elapsed"], snap["talk_rows"], True), (snap["wrap_elapsed"], snap["wrap_rows"], False)):
        last = len(table) // K - 1
        for e in elapsed:
            e = max(e, 0.0)
            if talking and ignore > 0.0 and e > ignore:
                continue
            row = min(int(e), last)
            for k in range(K):
                p = stay * table[row * K + k]
                v_mean[k] += p
                v_var[k] += p * (1.0 - p)
    free_now = float(snap["ready"] - snap["held"])
    theta = snap["theta"]
    inbound = snap["inbound_per_second"]

    def ok(x: int) -> bool:
        for k in range(K):
            b = share * snap["new_call"][k]
            demand = inbound * (snap["horizon"][k] + snap["tau"])
            mean = a_mean[k] + x * b + demand - v_mean[k] - free_now
            var = a_var[k] + x * b * (1.0 - b) + demand + v_var[k]
            # Inbound calls take agents first: their own shortfall is not the answers'.
            alone = _positive_part(demand - v_mean[k] - free_now, demand + v_var[k]) if demand > 0.0 else 0.0
            if max(0.0, _positive_part(mean, var) - alone) > theta * (a_mean[k] + x * b) + 1e-12:
                return False
        return True

    top = snap["max_new_calls"]
    if top <= 0 or not ok(0):
        return 0
    lo, hi = 0, 1
    while hi <= top and ok(hi):
        lo, hi = hi, hi * 2
    hi = min(hi, top + 1)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return lo
