"""A tuning grid: a base campaign and pacing settings, the axes to vary, and the seeds.

The grid expands to the cross product of its axes times its seeds; each element is one
``Run``: a simulated campaign (``outpace.simulate``) identified by a key that hashes
everything that decides its result, so a results file knows which runs it already has.

>>> grid = Grid(Scenario(agents=10, days=30), axes={"agents": [5, 10], "goal_value": [2.5, 3.0]}, seeds=4)
>>> len(grid.runs())   # 2 x 2 settings x 4 seeds
16
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from outpace.scenario import Scenario
from outpace.settings import GroupSettings

__all__ = ["AXIS_FIELDS", "Grid", "Run", "axis_field"]

# Scenario fields that can be an axis: its plain numbers (not distributions, shifts, the seed).
# Field types are strings here (the modules use postponed annotations).
_SCENARIO_AXES = {f.name: str(f.type) for f in dataclasses.fields(Scenario) if f.type in ("int", "float") and f.name != "seed"}
_PACING_AXES = {f.name: str(f.type) for f in dataclasses.fields(GroupSettings)}
AXIS_FIELDS = sorted({f"scenario.{n}" for n in _SCENARIO_AXES} | {f"pacing.{n}" for n in _PACING_AXES})

# Bumped when a run's inputs or its row change meaning: old result files are then not reused.
_KEY_VERSION = 1


def axis_field(name: str) -> tuple[str, str]:
    """``(table, field)`` of an axis name: ``agents`` -> ``("scenario", "agents")``,
    ``goal_value`` -> ``("pacing", "goal_value")``; a name in both tables (``tau``) must be
    written ``scenario.tau`` or ``pacing.tau``."""
    table, dot, rest = name.partition(".")
    if dot:
        if (table == "scenario" and rest in _SCENARIO_AXES) or (table == "pacing" and rest in _PACING_AXES):
            return table, rest
        raise ValueError(f"grid: unknown axis {name!r}")
    in_scenario, in_pacing = name in _SCENARIO_AXES, name in _PACING_AXES
    if in_scenario and in_pacing:
        raise ValueError(f"grid: axis {name!r} is both a scenario and a pacing field: write scenario.{name} or pacing.{name}")
    if in_scenario:
        return "scenario", name
    if in_pacing:
        return "pacing", name
    raise ValueError(
        f"grid: unknown axis {name!r}: use a [pacing] field (goal_value, lines_per_agent, mode, ...) "
        f"or a numeric [scenario] field (agents, days, p_live, ...)"
    )


def _check_value(axis: str, kind: str, value: Any) -> Any:
    """A TOML value of an axis, checked against the field's type (the settings check ranges)."""
    where = f"grid.{axis}"
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{where} must be whole numbers (got {value!r})")
    elif kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{where} must be numbers (got {value!r})")
        value = float(value)
    elif kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{where} must be true or false (got {value!r})")
    elif not isinstance(value, str):  # the enums: mode, goal, compliance
        raise ValueError(f"{where} must be names (got {value!r})")
    return value


def _jsonable(value: Any) -> Any:
    """Plain JSON values of a settings dataclass; numbers as floats, so that ``3`` and
    ``3.0`` (both valid for a float field) give the same key."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _digest(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Run:
    """One simulated campaign of a sweep.

    ``values`` holds the axis values of this run (by axis name), ``key`` identifies the
    run (settings, scenario and seed) and ``config_key`` the same without the seed: the
    runs of one configuration over its seeds share it.
    """

    scenario: Scenario  # its seed is the run's seed
    settings: GroupSettings
    values: Mapping[str, Any]
    key: str
    config_key: str

    @property
    def seed(self) -> int:
        return self.scenario.seed


@dataclass(frozen=True)
class Grid:
    """Settings axes crossed with seeds over a base scenario and base pacing settings.

    Attributes:
        scenario: the campaign every run starts from; ``scenario.seed`` is the first seed.
        settings: pacing settings every run starts from.
        axes: axis name -> values; names are GroupSettings fields (``goal_value`` percent,
            ``lines_per_agent``, ``small_group_threshold`` agents, ``mode``, ...) or numeric
            Scenario fields (``agents``, ``days``, ``day_length`` seconds, ``p_live``, ...).
        seeds: how many seeds (scenario.seed, scenario.seed + 1, ...) or the seeds themselves.
        target: compliance limit on the worst-window abandon rate, percent (report).
        margin: percentage points kept below ``target`` by the recommended settings (report).
    """

    scenario: Scenario = field(default_factory=Scenario)
    settings: GroupSettings = field(default_factory=GroupSettings)
    axes: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    seeds: int | Sequence[int] = 1
    target: float = 3.0
    margin: float = 0.5

    def __post_init__(self) -> None:
        axes: dict[str, tuple[Any, ...]] = {}
        for name, values in self.axes.items():
            table, fname = axis_field(name)
            kind = (_SCENARIO_AXES if table == "scenario" else _PACING_AXES)[fname]
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
                values = [values]
            if not values:
                raise ValueError(f"grid.{name} has no values")
            checked = tuple(_check_value(name, kind, v) for v in values)
            if len(set(checked)) != len(checked):
                raise ValueError(f"grid.{name} lists a value twice")
            axes[name] = checked
        fields = [axis_field(n) for n in axes]
        if len(set(fields)) != len(fields):
            raise ValueError("grid: the same field is named twice (e.g. agents and scenario.agents)")
        object.__setattr__(self, "axes", axes)
        seeds = self.seeds
        if isinstance(seeds, bool) or not isinstance(seeds, (int, Sequence)):
            raise ValueError(f"seeds must be a count or a list of seeds (got {seeds!r})")  # noqa: TRY004 - one error type for bad input, as the CLI reports
        if isinstance(seeds, int):
            if seeds < 1:
                raise ValueError(f"seeds must be at least 1 (got {seeds})")
            seeds = tuple(range(self.scenario.seed, self.scenario.seed + seeds))
        elif not seeds or any(isinstance(s, bool) or not isinstance(s, int) for s in seeds):
            raise ValueError(f"seeds must be a count or a non-empty list of whole numbers (got {seeds!r})")
        elif len(set(seeds)) != len(seeds):
            raise ValueError("seeds lists a seed twice")
        object.__setattr__(self, "seeds", tuple(seeds))
        for name in ("target", "margin"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
                raise ValueError(f"report.{name} must be a percentage in [0, 100] (got {value!r})")
        if self.margin >= self.target:
            raise ValueError(f"report.margin ({self.margin}) must be below report.target ({self.target})")

    @property
    def seed_list(self) -> tuple[int, ...]:
        assert isinstance(self.seeds, tuple)  # normalised in __post_init__
        return self.seeds

    def configs(self) -> list[tuple[Scenario, GroupSettings, dict[str, Any]]]:
        """Every settings combination (without seeds), in axis order, each validated."""
        names = list(self.axes)
        out = []
        for combo in itertools.product(*self.axes.values()):
            values = dict(zip(names, combo, strict=True))
            sc_changes: dict[str, Any] = {}
            pacing_changes: dict[str, Any] = {}
            for name, value in values.items():
                table, fname = axis_field(name)
                (sc_changes if table == "scenario" else pacing_changes)[fname] = value
            try:
                scenario = self.scenario.replace(**sc_changes)
                settings = self.settings.replace(**pacing_changes)
            except ValueError as exc:
                shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
                raise ValueError(f"grid: the combination {shown} is not valid: {exc}") from None
            out.append((scenario, settings, values))
        return out

    def runs(self) -> list[Run]:
        """The cross product of the axes and the seeds (seeds innermost)."""
        out = []
        for scenario, settings, values in self.configs():
            base = {"v": _KEY_VERSION, "scenario": _jsonable(scenario.replace(seed=0)), "settings": _jsonable(settings)}
            config_key = _digest(base)
            for seed in self.seed_list:
                key = _digest({**base, "seed": seed})
                out.append(Run(scenario.replace(seed=seed), settings, values, key, config_key))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Grid:
        """Build from a parsed TOML document: tables ``[scenario]``, ``[pacing]``,
        ``[grid]``, ``[report]`` and the key ``seeds``; unknown names are errors."""
        unknown = set(data) - {"scenario", "pacing", "grid", "report", "seeds"}
        if unknown:
            raise ValueError(f"unknown top-level field(s): {', '.join(sorted(unknown))}; allowed: seeds, [scenario], [pacing], [grid], [report]")
        tables: dict[str, Mapping[str, Any]] = {}
        for name in ("scenario", "pacing", "grid", "report"):
            table = data.get(name, {})
            if not isinstance(table, Mapping):
                raise ValueError(f"[{name}] must be a table")  # noqa: TRY004 - as above
            tables[name] = table
        scenario = Scenario.from_dict(tables["scenario"])
        pacing = dict(tables["pacing"])
        bad = set(pacing) - set(_PACING_AXES)
        if bad:
            raise ValueError(f"unknown [pacing] field(s): {', '.join(sorted(bad))}")
        settings = GroupSettings(**pacing)
        axes: dict[str, Any] = {}
        for name, values in tables["grid"].items():
            if name in ("scenario", "pacing") and isinstance(values, Mapping):  # grid.pacing.tau = [...]
                axes.update({f"{name}.{k}": v for k, v in values.items()})
            else:
                axes[name] = values
        report = dict(tables["report"])
        bad = set(report) - {"target", "margin"}
        if bad:
            raise ValueError(f"unknown [report] field(s): {', '.join(sorted(bad))}; allowed: target, margin")
        return cls(scenario, settings, axes, data.get("seeds", 1), **report)

    @classmethod
    def from_toml(cls, path: str | Path) -> Grid:
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"grid file not found: {path}")
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML: {exc}") from None
        try:
            return cls.from_dict(data)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
