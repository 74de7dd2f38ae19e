"""Pacing settings of one campaign group, constructible in one line.

>>> GroupSettings(mode=DialingMode.PREDICTIVE, goal=Goal.ABANDON_RATE, goal_value=3.0, tau=2.0)

Units: seconds for times, percent for rates and factors, calls per hour / per minute where
the name says so. ``outpace.config`` resolves these from profile -> template -> group.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Any

from outpace import _core

__all__ = ["ComplianceRegime", "DialingMode", "Goal", "GroupSettings"]


class DialingMode(str, enum.Enum):
    """Dialing modes: voice automatic, voice manual (preview) and IVR."""

    PREDICTIVE = "predictive"
    PREDICTIVE_SEIZING = "predictive_seizing"
    PROGRESSIVE = "progressive"
    PROGRESSIVE_SEIZING = "progressive_seizing"
    PUSH_PREVIEW = "push_preview"
    PULL_PREVIEW = "pull_preview"
    PREDICTIVE_IVR = "predictive_ivr"
    PROGRESSIVE_IVR = "progressive_ivr"
    POWER_IVR = "power_ivr"

    @property
    def seizing(self) -> bool:
        """The "Engage agents first" modes."""
        return self in (DialingMode.PREDICTIVE_SEIZING, DialingMode.PROGRESSIVE_SEIZING)

    @property
    def preview(self) -> bool:
        return self in (DialingMode.PUSH_PREVIEW, DialingMode.PULL_PREVIEW)

    @property
    def ivr(self) -> bool:
        return self in (DialingMode.PREDICTIVE_IVR, DialingMode.PROGRESSIVE_IVR, DialingMode.POWER_IVR)


class Goal(str, enum.Enum):
    """Optimization goals of the predictive modes; the unit of goal_value follows."""

    ABANDON_RATE = "abandon_rate"  # percent of live answers
    BUSY_FACTOR = "busy_factor"  # percent of logged-in time
    AGENT_WAIT_TIME = "agent_wait_time"  # seconds
    DISTRIBUTION_TIME = "distribution_time"  # seconds (Predictive IVR)


class ComplianceRegime(str, enum.Enum):
    US = "us"  # campaign to date and each 30 days
    UK = "uk"  # per 24 h, less an answering-machine false-positive estimate


@dataclass(frozen=True)
class GroupSettings:
    """Resolved settings of one campaign group (the pacer's input).

    Attributes:
        mode: the dialing mode.
        goal: the optimization goal (predictive modes).
        goal_value: its target: percent for abandon_rate / busy_factor, seconds otherwise.
        tau: seconds an answered call may wait for an agent before it is abandoned (2 s by law in the US).
        lines_per_agent: progressive multiplier m, in (0, 10].
        reserved_inbound_agents: agents kept free for inbound calls.
        small_group_mode: use the small-group rule below ``small_group_threshold`` agents.
        small_group_threshold: agents.
        ignore_calls_longer_than: seconds; talk longer than this is left out of the averages
            and such agents are not expected back soon (0 = off).
        average_outbound_call: seconds of talk that seed the learned talk time (0 = learn only).
        average_inbound_call: seconds.
        inbound_calls_per_hour: inbound arrivals that take agents first (blending).
        history_length: live answers before predictive pacing trusts its statistics.
        switch_to_progressive_at: percent abandon at which Predictive switches to Progressive (0 = off).
        switch_back_at: percent abandon at which it switches back (below the upper threshold).
        compliance: the abandon-rate regime.
        ivr_ports: ports of the group (IVR modes; 0 = unlimited for Predictive IVR).
        calls_per_minute: Power IVR pace.
        seize_timeout: seconds a seized agent waits for its call before it is released.
        max_lines_per_agent: cap on calls in flight per logged-in agent.
        lifo: LIFO mode: records inserted through the API are dialed next, newest first.
    """

    mode: DialingMode = DialingMode.PREDICTIVE
    goal: Goal = Goal.ABANDON_RATE
    goal_value: float = 3.0
    tau: float = 2.0
    lines_per_agent: float = 1.0
    reserved_inbound_agents: int = 0
    small_group_mode: bool = False
    small_group_threshold: int = 15
    ignore_calls_longer_than: float = 0.0
    average_outbound_call: float = 0.0
    average_inbound_call: float = 0.0
    inbound_calls_per_hour: float = 0.0
    history_length: int = 100
    switch_to_progressive_at: float = 0.0
    switch_back_at: float = 0.0
    compliance: ComplianceRegime = ComplianceRegime.US
    ivr_ports: int = 0
    calls_per_minute: float = 0.0
    seize_timeout: float = 45.0
    max_lines_per_agent: float = 6.0
    lifo: bool = False

    def __post_init__(self) -> None:
        # Accept the enums' string values ("predictive") as well as the members.
        for name, kind in (("mode", DialingMode), ("goal", Goal), ("compliance", ComplianceRegime)):
            value = getattr(self, name)
            if not isinstance(value, kind):
                try:
                    object.__setattr__(self, name, kind(value))
                except ValueError:
                    allowed = ", ".join(m.value for m in kind)
                    raise ValueError(f"{name} must be one of {allowed} (got {value!r})") from None
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.type in ("float", "int") and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ValueError(f"{f.name} must be a number (got {value!r})")
            if f.type == "bool" and not isinstance(value, bool):
                raise ValueError(f"{f.name} must be true or false (got {value!r})")
        self.to_core().validate()

    def to_core(self) -> _core.GroupSettings:
        core = _core.GroupSettings()
        for f in dataclasses.fields(self):
            value: Any = getattr(self, f.name)
            if isinstance(value, DialingMode):
                value = _core.DialingMode.__members__[value.name]
            elif isinstance(value, Goal):
                value = _core.OptimizationGoal.__members__[value.name]
            elif isinstance(value, ComplianceRegime):
                value = _core.ComplianceRegime.__members__[value.name]
            elif f.type == "int":
                if isinstance(value, float) and not value.is_integer():
                    raise ValueError(f"{f.name} must be a whole number (got {value!r})")
                if not -(2**31) <= int(value) < 2**31:
                    raise ValueError(f"{f.name} is out of range (got {value!r})")
                value = int(value)
            elif f.type == "float":
                value = float(value)
            setattr(core, f.name, value)
        return core

    def replace(self, **changes: Any) -> GroupSettings:
        """A copy with some fields changed (validated)."""
        return dataclasses.replace(self, **changes)
