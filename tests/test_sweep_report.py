"""The sweep report on a constructed table: seeds pooled per configuration, the frontier per
group size, and the busiest configuration that stays under target - margin on every seed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from outpace.tune import configurations, plot_report, report

# agents, goal_value, per-seed worst 30-day abandon, busy factor (the same on each seed)
CONFIGS = [
    (10, 2.0, [0.020, 0.022], 0.80),  # safe, least busy
    (10, 2.5, [0.024, 0.026], 0.84),  # one seed over 2.5%
    (10, 3.0, [0.020, 0.027], 0.88),  # busiest; its mean (2.35%) is under 2.5%, its worst seed is not
    (10, 3.5, [0.025, 0.025], 0.86),  # at the limit: allowed
    (10, 4.0, [0.023, 0.023], 0.86),  # as busy, and safer: the recommendation
    (5, 2.0, [0.030, 0.026], 0.70),  # every configuration of 5 agents is over the limit
    (5, 3.0, [0.033, 0.035], 0.74),
]


def constructed() -> pd.DataFrame:
    rows = []
    for i, (agents, goal, worst, busy) in enumerate(CONFIGS):
        for seed, w in enumerate(worst, start=1):
            rows.append(
                {
                    "run_key": f"r{i}-{seed}",
                    "config_key": f"c{i}",
                    "agents": agents,
                    "days": 30,
                    "seed": seed,
                    "goal_value": goal,
                    "worst_day_abandon": w * 2,
                    "worst_30_day_abandon": w,
                    "abandoned": round(w * 1000) - seed,
                    "live_answers": 1000,
                    "work_seconds": busy * 1000.0,
                    "staffed_seconds": 1000.0,
                }
            )
    return pd.DataFrame(rows)


def test_configurations_pool_the_seeds() -> None:
    c = configurations(constructed()).set_index("config_key")
    assert len(c) == len(CONFIGS)
    assert c.loc["c2", "worst_30_day_abandon"] == 0.027  # the worse seed, not the mean
    assert c.loc["c2", "worst_day_abandon"] == 0.054
    assert c.loc["c2", "abandon_rate"] == (19 + 25) / 2000  # pooled: abandoned / live answers
    assert c.loc["c2", "busy_factor"] == pytest.approx(0.88)
    assert c.loc["c2", "seeds"] == 2 and c.loc["c2", "goal_value"] == 3.0 and c.loc["c2", "agents"] == 10


def test_recommends_the_busiest_under_target_minus_margin_on_every_seed() -> None:
    rep = report(constructed(), target=3.0, margin=0.5)
    rec = rep.recommended.set_index("agents")
    assert list(rec.index) == [10]
    assert rec.loc[10, "goal_value"] == 4.0
    assert rep.unmet() == [5]
    # A wider limit admits the busiest one; no margin at all admits one of 5 agents too.
    assert report(constructed(), target=3.5, margin=0.5).recommended.set_index("agents").loc[10, "goal_value"] == 3.0
    rec0 = report(constructed(), target=3.0, margin=0.0).recommended.set_index("agents")
    assert rec0.loc[5, "goal_value"] == 2.0 and rec0.loc[10, "goal_value"] == 3.0


def test_frontier_keeps_only_undominated_configurations() -> None:
    rep = report(constructed())
    front = rep.frontier[rep.frontier["agents"] == 10]
    # 2.5 (as busy as less, but riskier) and 3.5 (as busy as 4.0, riskier) are dominated.
    assert front["goal_value"].tolist() == [2.0, 4.0, 3.0]
    assert front["worst_30_day_abandon"].is_monotonic_increasing and front["busy_factor"].is_monotonic_increasing
    assert rep.frontier[rep.frontier["agents"] == 5]["goal_value"].tolist() == [2.0, 3.0]


def test_bad_target_and_empty_table() -> None:
    with pytest.raises(ValueError, match="margin < target"):
        report(constructed(), target=1.0, margin=2.0)
    with pytest.raises(ValueError, match="no rows"):
        report(constructed().iloc[:0])


def test_plot(tmp_path: Path) -> None:
    out = plot_report(report(constructed()), tmp_path / "frontier.png")
    assert out.stat().st_size > 10_000
