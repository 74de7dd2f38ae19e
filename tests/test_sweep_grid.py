"""Tuning grid: expansion to runs, run keys, and validation of grid files."""

from __future__ import annotations

from pathlib import Path

import pytest

from outpace import GroupSettings, Scenario
from outpace.tune import Grid

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sweep-grid.toml"


def test_cross_product_of_axes_times_seeds_in_order() -> None:
    g = Grid(Scenario(agents=10, seed=7), axes={"agents": [5, 10, 20], "goal_value": [2.5, 3.0]}, seeds=2)
    runs = g.runs()
    assert len(runs) == 3 * 2 * 2
    assert [(r.scenario.agents, r.settings.goal_value, r.seed) for r in runs[:5]] == [
        (5, 2.5, 7),
        (5, 2.5, 8),
        (5, 3.0, 7),
        (5, 3.0, 8),
        (10, 2.5, 7),
    ]
    assert runs[0].values == {"agents": 5, "goal_value": 2.5}
    # The seed is the only difference between the runs of one configuration.
    assert runs[0].config_key == runs[1].config_key != runs[2].config_key
    assert len({r.key for r in runs}) == len(runs)


def test_axes_reach_scenario_and_pacing_and_keep_the_base() -> None:
    base = GroupSettings(history_length=30, lines_per_agent=1.2)
    g = Grid(Scenario(days=4), base, axes={"mode": ["predictive", "progressive"], "day_length": [3600.0], "small_group_threshold": [5, 10]}, seeds=[3])
    runs = g.runs()
    assert len(runs) == 4
    assert {r.settings.mode.value for r in runs} == {"predictive", "progressive"}
    assert all(r.scenario.day_length == 3600.0 and r.scenario.days == 4 for r in runs)
    assert all(r.settings.history_length == 30 and r.settings.lines_per_agent == 1.2 for r in runs)
    assert {r.settings.small_group_threshold for r in runs} == {5, 10}


def test_run_key_depends_on_every_input_and_not_on_spelling() -> None:
    one = Grid(Scenario(agents=5), GroupSettings(goal_value=3), seeds=1).runs()[0]
    same = Grid(Scenario(agents=5), GroupSettings(goal_value=3.0), seeds=1).runs()[0]
    assert one.key == same.key  # 3 and 3.0 are the same setting
    assert one.key == Grid(Scenario(agents=5), axes={"goal_value": [3.0]}).runs()[0].key  # an axis or the base: same run
    others = [
        Grid(Scenario(agents=6), GroupSettings(goal_value=3.0)).runs()[0],
        Grid(Scenario(agents=5), GroupSettings(goal_value=2.9)).runs()[0],
        Grid(Scenario(agents=5, seed=2), GroupSettings(goal_value=3.0)).runs()[0],
        Grid(Scenario(agents=5, p_busy=0.05, p_no_answer=0.5), GroupSettings(goal_value=3.0)).runs()[0],
    ]
    assert len({one.key, *(r.key for r in others)}) == 5


def test_tau_must_say_which_table() -> None:
    with pytest.raises(ValueError, match=r"scenario\.tau or pacing\.tau"):
        Grid(axes={"tau": [1.0, 2.0]})
    g = Grid(axes={"pacing.tau": [1.0, 2.0]})
    assert [r.settings.tau for r in g.runs()] == [1.0, 2.0]
    assert all(r.scenario.tau == 2.0 for r in g.runs())


@pytest.mark.parametrize(
    ("axes", "seeds", "needle"),
    [
        ({"turbo": [1]}, 1, "unknown axis 'turbo'"),
        ({"agents": [5.5]}, 1, "grid.agents must be whole numbers"),
        ({"goal_value": ["high"]}, 1, "grid.goal_value must be numbers"),
        ({"small_group_mode": [1]}, 1, "grid.small_group_mode must be true or false"),
        ({"mode": ["warp"]}, 1, "mode must be one of"),
        ({"lines_per_agent": []}, 1, "grid.lines_per_agent has no values"),
        ({"goal_value": [3.0, 3.0]}, 1, "lists a value twice"),
        ({"agents": [5], "scenario.agents": [6]}, 1, "named twice"),
        ({"agents": [0]}, 1, "agents"),
        ({}, 0, "seeds must be at least 1"),
        ({}, [1, 1], "seed twice"),
        ({}, "3", "seeds must be"),
    ],
)
def test_bad_grids_name_the_field(axes: dict[str, object], seeds: object, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        Grid(axes=axes, seeds=seeds).runs()  # type: ignore[arg-type]


def test_example_grid_file_loads() -> None:
    g = Grid.from_toml(EXAMPLE)
    runs = g.runs()
    assert len(runs) == len(g.configs()) * len(g.seed_list) > 1
    assert 0 < g.margin < g.target


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("seeds = 2\nspeed = 3\n", "unknown top-level field(s): speed"),
        ("[grid]\ngoal_valu = [3.0]\n", "unknown axis 'goal_valu'"),
        ("[grid]\nagents = [5, 'ten']\n", "grid.agents must be whole numbers"),
        ("[pacing]\ngoal_value = 'x'\n", "goal_value must be a number"),
        ("[pacing]\nturbo = true\n", "unknown [pacing] field(s): turbo"),
        ("[scenario]\nagentz = 5\n", "unknown scenario field(s): agentz"),
        ("[scenario]\nagents = 2.5\n", "agents must be a whole number"),
        ("[report]\ntarget = 3.0\nmargin = 4.0\n", "margin"),
        ("[report]\nlimit = 3.0\n", "unknown [report] field(s): limit"),
        ("grid = 3\n", "[grid] must be a table"),
        ("[grid\n", "not valid TOML"),
    ],
)
def test_bad_grid_files_name_the_field(tmp_path: Path, text: str, needle: str) -> None:
    f = tmp_path / "grid.toml"
    f.write_text(text)
    with pytest.raises(ValueError) as info:
        Grid.from_toml(f).runs()
    assert needle in str(info.value) and str(f) in str(info.value)
