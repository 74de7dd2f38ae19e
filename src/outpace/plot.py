"""Charts of simulation results (matplotlib, an optional extra: pip install 'outpace[plot]')."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from typing import Any

import numpy as np

from outpace.sim import SimulationResult

__all__ = ["plot_compare", "plot_day"]


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display needed
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise RuntimeError("plots need matplotlib: pip install 'outpace[plot]'") from exc
    return plt


def plot_day(result: SimulationResult, path: str | Path) -> Path:
    """Abandon rate, busy factor, agent wait and connects per agent-hour over the day
    (intervals of ``series_interval``; several days or seeds are averaged by time of day)."""
    plt = _pyplot()
    s = result.series
    sc = result.scenario
    interval = sc.series_interval
    start = s["time"] - interval  # interval start, seconds since the run began
    of_day = np.mod(start, 86400.0)
    keep = of_day < sc.day_length
    slot = (of_day[keep] // interval).astype(int)
    n_slots = int(np.ceil(sc.day_length / interval))

    def fold(values: np.ndarray) -> np.ndarray:
        return np.bincount(slot, weights=values[keep].astype(float), minlength=n_slots)[:n_slots]

    live, abandoned, connects, work = (fold(s[k]) for k in ("live_answers", "abandoned", "connects", "work"))
    periods = np.bincount(slot, minlength=n_slots)[:n_slots].astype(float)
    staffed = periods * sc.agents * interval  # agent-seconds on shift in each slot
    hours = (np.arange(n_slots) + 0.5) * interval / 3600.0
    abandon = np.divide(abandoned, live, out=np.full(n_slots, np.nan), where=live > 0) * 100
    cumulative = np.divide(np.cumsum(abandoned), np.cumsum(live), out=np.full(n_slots, np.nan), where=np.cumsum(live) > 0) * 100
    busy = np.divide(work, staffed, out=np.full(n_slots, np.nan), where=staffed > 0) * 100
    wait = np.divide(staffed - work, connects, out=np.full(n_slots, np.nan), where=connects > 0)
    per_hour = np.divide(connects, staffed / 3600.0, out=np.full(n_slots, np.nan), where=staffed > 0)
    fig, axes = plt.subplots(2, 2, figsize=(11, 6.5), sharex=True)
    ax = axes[0, 0]
    ax.plot(hours, abandon, color="tab:red", marker=".", lw=1, label="in the interval")
    ax.plot(hours, cumulative, color="darkred", lw=2, label="since the start of the day")
    ax.axhline(3.0, color="black", lw=0.8, ls="--")
    ax.set_ylabel("abandon rate (%)")
    ax.legend(fontsize=8)
    panels = [
        (axes[0, 1], busy, "busy factor (%)", "tab:blue"),
        (axes[1, 0], wait, "agent wait per connect (s)", "tab:orange"),
        (axes[1, 1], per_hour, "connects per agent-hour", "tab:green"),
    ]
    for a, values, label, color in panels:
        a.plot(hours, values, color=color, marker=".", lw=1.5)
        a.set_ylabel(label)
    for a in axes.flat:
        a.grid(alpha=0.3)
    for a in axes[1]:
        a.set_xlabel("hours into the working day")
    runs = f"{sc.days} day(s) x {len(result.seeds)} seed(s)"
    fig.suptitle(
        f"{result.policy}, {sc.agents} agents, {runs}: abandon {result.abandon_rate:.2%}, "
        f"busy {result.busy_factor:.1%} (per {interval / 60:g} min)"
    )
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def plot_compare(results: Sequence[SimulationResult], path: str | Path) -> Path:
    """Busy factor against abandon rate, one point per policy."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for r in results:
        ax.scatter(r.abandon_rate * 100, r.busy_factor * 100, s=60)
        ax.annotate(r.policy, (r.abandon_rate * 100, r.busy_factor * 100), textcoords="offset points", xytext=(6, 4))
    ax.axvline(3.0, color="black", lw=0.8, ls="--", label="3% limit")
    ax.set_xlabel("abandon rate (%)")
    ax.set_ylabel("busy factor (%)")
    ax.grid(alpha=0.3)
    ax.legend()
    sc = results[0].scenario
    ax.set_title(f"{sc.agents} agents, {sc.days} day(s) x {len(results[0].seeds)} seed(s)")
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
