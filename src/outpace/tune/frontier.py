"""What a sweep says: per group size, the frontier of busy factor against worst-window
abandon rate, and the settings to recommend under a compliance target with a margin.

A configuration is one combination of the grid's settings (all its seeds together):
its busy factor is work over staffed time summed over the seeds, its worst-window abandon
rate the highest over the seeds (the regulator looks at each 30-day window, and a
campaign lives one seed's luck, not the average). It is on the frontier when no other
configuration of its group size is at least as busy with a lower worst-window abandon
rate (or busier at the same rate). The recommendation is the busiest configuration whose
worst window stays at or below ``target - margin`` percent on every seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outpace.tune.runner import IDENTITY, METRICS
from outpace.tune.store import _pandas

__all__ = ["Report", "axis_columns", "configurations", "plot_report", "report"]

# The compliance measure: US rules, each 30-day window (shorter runs: the whole run).
WINDOW = "worst_30_day_abandon"


def configurations(table: Any) -> Any:
    """One row per configuration (``config_key``) of a sweep table: the axis values,
    ``agents``, ``seeds`` (runs), pooled ``abandon_rate`` and ``busy_factor``, and the worst
    ``worst_day_abandon`` and ``worst_30_day_abandon`` over the seeds (fractions 0..1)."""
    pd = _pandas()
    if len(table) == 0:
        raise ValueError("the sweep table has no rows")
    g = table.groupby("config_key", sort=False)
    out = g[["agents", "days", *axis_columns(table)]].first()
    out["seeds"] = g.size()
    sums = g[["abandoned", "live_answers", "work_seconds", "staffed_seconds"]].sum()
    out["abandon_rate"] = (sums["abandoned"] / sums["live_answers"].where(sums["live_answers"] > 0)).fillna(0.0)
    out["busy_factor"] = sums["work_seconds"] / sums["staffed_seconds"]
    out["worst_day_abandon"] = g["worst_day_abandon"].max()
    out[WINDOW] = g[WINDOW].max()
    result: Any = pd.DataFrame(out).reset_index()
    return result


def axis_columns(table: Any) -> list[str]:
    """The grid's axis columns of a sweep table (agents and days are always columns)."""
    fixed = {*IDENTITY, *METRICS, "seconds"}
    return [c for c in table.columns if c not in fixed]


def _frontier(group: Any) -> Any:
    # Lowest worst-window abandon first; among equals the busiest. Keep each that is busier
    # than everything before it: none of those is both less busy and no safer.
    ordered = group.sort_values([WINDOW, "busy_factor"], ascending=[True, False], kind="stable")
    best = -1.0
    keep = []
    for idx, busy in zip(ordered.index, ordered["busy_factor"], strict=True):
        if busy > best:
            keep.append(idx)
            best = busy
    return ordered.loc[keep]


@dataclass(frozen=True)
class Report:
    """A sweep's report.

    ``configs``: every configuration (see ``configurations``); ``frontier``: the frontier
    rows per group size (``agents``), safest first; ``recommended``: per group size the
    busiest configuration with worst-window abandon <= (target - margin) percent on every
    seed (group sizes where none qualifies are absent). ``target`` and ``margin`` are percent.
    """

    configs: Any
    frontier: Any
    recommended: Any
    target: float
    margin: float

    def unmet(self) -> list[int]:
        """Group sizes with no configuration under the limit."""
        have = set(self.recommended["agents"])
        return [int(a) for a in sorted(set(self.configs["agents"])) if a not in have]


def report(table: Any, target: float = 3.0, margin: float = 0.5) -> Report:
    """Frontier and recommendation of a sweep table (``sweep()``'s result or a results file
    read with pandas). ``target``: compliance limit on the worst 30-day abandon rate,
    percent; ``margin``: percentage points to stay below it."""
    if not 0 <= margin < target <= 100:
        raise ValueError(f"need 0 <= margin < target <= 100 percent (got target {target}, margin {margin})")
    pd = _pandas()
    configs = configurations(table)
    limit = (target - margin) / 100.0
    fronts, picks = [], []
    for _, group in configs.groupby("agents", sort=True):
        fronts.append(_frontier(group))
        ok = group[group[WINDOW] <= limit]
        if len(ok):
            # Busiest; then the safer; then the first in grid order (stable sort).
            picks.append(ok.sort_values(["busy_factor", WINDOW], ascending=[False, True], kind="stable").iloc[:1])
    frontier = pd.concat(fronts, ignore_index=True)
    recommended = pd.concat(picks, ignore_index=True) if picks else configs.iloc[:0]
    return Report(configs, frontier, recommended, float(target), float(margin))


def plot_report(rep: Report, path: str | Path) -> Path:
    """Busy factor against worst-window abandon: every configuration as a dot, the frontier
    of each group size as a line, the recommendation as a star, target and limit as lines."""
    from outpace.plot import _pyplot

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8.5, 5.5))
    for i, (agents, group) in enumerate(rep.configs.groupby("agents", sort=True)):
        color = f"C{i % 10}"
        ax.scatter(group[WINDOW] * 100, group["busy_factor"] * 100, s=14, color=color, alpha=0.35)
        front = rep.frontier[rep.frontier["agents"] == agents]
        ax.plot(front[WINDOW] * 100, front["busy_factor"] * 100, color=color, marker="o", ms=4, lw=1.5, label=f"{agents} agents")
        pick = rep.recommended[rep.recommended["agents"] == agents]
        ax.scatter(pick[WINDOW] * 100, pick["busy_factor"] * 100, marker="*", s=220, color=color, edgecolor="black", zorder=3)
    ax.axvline(rep.target, color="black", lw=0.9, ls="--", label=f"target {rep.target:g}%")
    ax.axvline(rep.target - rep.margin, color="grey", lw=0.9, ls=":", label=f"target - margin {rep.target - rep.margin:g}%")
    ax.set_xlabel("worst 30-day abandon rate over the seeds (%)")
    ax.set_ylabel("busy factor (%)")
    ax.set_title("tuning sweep: frontier per group size (star: recommended)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
