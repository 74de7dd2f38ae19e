"""The C++ predictive decision agrees with a plain-Python reference of the same rule."""

from __future__ import annotations

from reference_pacer import decide
from steady_state import busy_group


def test_cpp_decision_matches_python_reference() -> None:
    for seed in (1, 2, 3):
        g, now = busy_group(agents=100, seed=seed)
        decision = g.peek(now)
        snap = g._g.snapshot()
        assert not decision.exact  # 100 agents: the normal approximation
        assert len(snap["talk_elapsed"]) + len(snap["wrap_elapsed"]) > 20
        assert decide(snap) == decision.calls
