"""A whole configuration (profiles, templates, groups), its rules, and what each campaign
group resolves to.

Rules checked here, on top of each value's type and range (``fields.py``):

- every level's fields are accepted by the mode in force at that level (its own mode, or
  the one it inherits), and its goal is a goal of that mode;
- IVR modes need ``ivr_modes = true`` on the profile, and with it on no level may choose
  an automatic voice mode (only IVR or preview modes);
- a mode that needs a value (Progressive IVR ports, Power IVR calls per minute, Rate per
  Minute messages per minute) gets one from some level;
- the abandon-rate switch needs the abandon_rate goal and a lower threshold below the
  upper one; days_to_wait and start_date exclude each other.

A field set on a level whose mode accepts it but left out by a lower level with another
mode is simply not used there (a profile's Predictive goal does not bind a Progressive
group); it applies again if that group switches back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

from outpace.config.fields import (
    FIELDS,
    GOAL_RANGES,
    MODE_FIELDS,
    MODES_OF_CHANNEL,
    Channel,
    ConfigError,
    MessagingMode,
    Mode,
    TimezoneSource,
    Weekday,
    accepted_fields,
    allowed_goals,
)
from outpace.config.levels import (
    CampaignGroupConfig,
    CampaignTemplate,
    ConfigLevel,
    DialingProfile,
)
from outpace.settings import DialingMode, Goal, GroupSettings

__all__ = ["Configuration", "ResolvedGroup"]

_SETTINGS_FIELDS = frozenset(f.name for f in fields(GroupSettings))

# What a mode cannot run without (the field must be set on some level).
_REQUIRED: dict[Mode, str] = {
    DialingMode.PROGRESSIVE_IVR: "ivr_ports",
    DialingMode.POWER_IVR: "calls_per_minute",
    MessagingMode.RATE_PER_MINUTE: "messages_per_minute",
}

# Values used when no level sets a field (the pacer's own defaults for the rest).
_DEFAULTS: dict[str, Any] = {
    "days_to_wait": 0,
    "allowed_weekdays": tuple(Weekday),
    "timezone_source": TimezoneSource.CONTACT,
    "start_date": None,
}


@dataclass(frozen=True)
class ResolvedGroup:
    """What one campaign group runs with.

    ``values`` holds every field that applies to the group's mode (set somewhere or
    defaulted); ``sources`` says where each came from (the path of the level that set
    it, such as ``templates.sales``, or "default").
    ``settings`` is the pacer's input for voice groups (None for SMS and email).
    """

    name: str
    template: str
    profile: str
    channel: Channel
    mode: Mode
    ivr_modes: bool
    lifo: bool
    values: Mapping[str, Any]
    sources: Mapping[str, str]
    settings: GroupSettings | None

    @property
    def engage_agents_first(self) -> bool:
        return isinstance(self.mode, DialingMode) and self.mode.seizing


class Configuration:
    """Profiles, templates and groups, checked as a whole when built.

    >>> cfg = Configuration(
    ...     profiles=[DialingProfile("outbound", mode="predictive", goal="abandon_rate", goal_value=3.0)],
    ...     templates=[CampaignTemplate("sales", profile="outbound")],
    ...     groups=[CampaignGroupConfig("east", template="sales", mode="progressive", lines_per_agent=1.2)],
    ... )
    >>> cfg.resolve("east").settings
    """

    def __init__(
        self,
        profiles: Iterable[DialingProfile] = (),
        templates: Iterable[CampaignTemplate] = (),
        groups: Iterable[CampaignGroupConfig] = (),
    ) -> None:
        self._profiles = _by_name(profiles, DialingProfile)
        self._templates = _by_name(templates, CampaignTemplate)
        self._groups = _by_name(groups, CampaignGroupConfig)
        for t in self._templates.values():
            if t.parent not in self._profiles:
                raise ConfigError(f"{t.path}.profile", f"no dialing profile named {t.parent!r}")
        for g in self._groups.values():
            if g.parent not in self._templates:
                raise ConfigError(f"{g.path}.template", f"no campaign template named {g.parent!r}")
        # Every level is checked, also those no group uses yet.
        for p in self._profiles.values():
            _check_chain([p])
        for t in self._templates.values():
            _check_chain([self._profiles[t.parent or ""], t])
        self._resolved = {name: _resolve(self._chain(g)) for name, g in self._groups.items()}

    @property
    def profiles(self) -> Mapping[str, DialingProfile]:
        return MappingProxyType(self._profiles)

    @property
    def templates(self) -> Mapping[str, CampaignTemplate]:
        return MappingProxyType(self._templates)

    @property
    def groups(self) -> Mapping[str, CampaignGroupConfig]:
        return MappingProxyType(self._groups)

    def resolve(self, group: str) -> ResolvedGroup:
        """What the named campaign group runs with."""
        try:
            return self._resolved[group]
        except KeyError:
            raise KeyError(f"no campaign group named {group!r}; the groups are {', '.join(self._groups) or 'none'}") from None

    def resolve_all(self) -> dict[str, ResolvedGroup]:
        return dict(self._resolved)

    def replace(self, *levels: ConfigLevel) -> Configuration:
        """A new configuration with these levels added or replacing those of the same name."""
        profiles, templates, groups = dict(self._profiles), dict(self._templates), dict(self._groups)
        for level in levels:
            target: dict[str, Any]
            if isinstance(level, DialingProfile):
                target = profiles
            elif isinstance(level, CampaignTemplate):
                target = templates
            elif isinstance(level, CampaignGroupConfig):
                target = groups
            else:
                raise TypeError(f"not a configuration level: {level!r}")
            target[level.name] = level
        return Configuration(profiles.values(), templates.values(), groups.values())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Configuration):
            return NotImplemented
        return (self._profiles, self._templates, self._groups) == (other._profiles, other._templates, other._groups)

    __hash__ = None  # type: ignore[assignment]

    def _chain(self, group: CampaignGroupConfig) -> list[ConfigLevel]:
        template = self._templates[group.parent or ""]
        return [self._profiles[template.parent or ""], template, group]


def _by_name(levels: Iterable[Any], kind: type[ConfigLevel]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for level in levels:
        if not isinstance(level, kind):
            raise TypeError(f"expected {kind.__name__}, got {type(level).__name__}")
        if level.name in out:
            raise ConfigError(level.path, "defined twice")
        out[level.name] = level
    return out


def _channel_of(profile: ConfigLevel) -> Channel:
    channel: Channel = profile.get("channel") or Channel.VOICE
    return channel


def _default_mode(channel: Channel, ivr: bool) -> Mode:
    if channel is not Channel.VOICE:
        return MODES_OF_CHANNEL[channel][0]  # Rate per Minute
    return DialingMode.PREDICTIVE_IVR if ivr else DialingMode.PREDICTIVE


def _check_chain(chain: list[ConfigLevel]) -> list[Mode]:
    """Check each level against the mode in force at it; the modes, level by level."""
    profile = chain[0]
    channel = _channel_of(profile)
    ivr = bool(profile.get("ivr_modes"))
    mode = _default_mode(channel, ivr)
    goal = Goal.ABANDON_RATE  # the pacer's default goal
    modes: list[Mode] = []
    for level in chain:
        own = level.get("mode")
        if own is not None:
            _check_mode(level, own, channel, ivr, profile)
            mode = own
        accepted = accepted_fields(channel, mode)
        for key, value in level.options.items():
            path = f"{level.path}.{key}"
            if key not in accepted:
                options = ", ".join(sorted(MODE_FIELDS[mode])) or "none"
                hint = " (it goes with the seizing modes)" if key == "engage_agents_first" else ""
                raise ConfigError(path, f"is not an option of mode {mode.value}{hint}; its pacing options and optimization parameters: {options}")
            if key == "engage_agents_first" and value is not True:
                raise ConfigError(path, f"mode {mode.value} engages agents first; choose {mode.value.removesuffix('_seizing')} to dial without seizing")
            if key == "goal":
                if value not in allowed_goals(mode):
                    goals = ", ".join(g.value for g in allowed_goals(mode))
                    raise ConfigError(path, f"{value.value} is not a goal of mode {mode.value} (its goals: {goals})")
                if "goal_value" not in level.options:
                    raise ConfigError(f"{level.path}.goal_value", "set it together with goal (its unit depends on the goal)")
                goal = value
        if "goal_value" in level.options:
            _check_goal_value(goal, level.options["goal_value"], f"{level.path}.goal_value")
        modes.append(mode)
    return modes


def _check_goal_value(goal: Goal, value: float, path: str) -> None:
    low, high, unit = GOAL_RANGES[goal]
    if not low <= value <= high:
        raise ConfigError(path, f"must be in [{low:g}, {high:g}] {unit} for the {goal.value} goal (got {value!r})")


def _check_mode(level: ConfigLevel, mode: Mode, channel: Channel, ivr: bool, profile: ConfigLevel) -> None:
    path = f"{level.path}.mode"
    if mode not in MODES_OF_CHANNEL[channel]:
        allowed = ", ".join(m.value for m in MODES_OF_CHANNEL[channel])
        raise ConfigError(path, f"{mode.value} is not a {channel.value} mode (those are {allowed})")
    if not isinstance(mode, DialingMode):
        return
    if mode.ivr and not ivr:
        raise ConfigError(path, f"{mode.value} is an IVR mode: switch IVR modes on at the dialing profile ({profile.path}.ivr_modes = true)")
    if ivr and not (mode.ivr or mode.preview):
        raise ConfigError(
            path,
            f"{mode.value} is an automatic mode, replaced by the IVR modes while {profile.path}.ivr_modes is on; "
            "choose an IVR or preview mode, or switch IVR modes off at the profile (or use another profile)",
        )


def _resolve(chain: list[ConfigLevel]) -> ResolvedGroup:
    modes = _check_chain(chain)
    profile, template, group = chain
    channel = _channel_of(profile)
    mode = modes[-1]
    accepted = accepted_fields(channel, mode) - {"channel", "ivr_modes", "lifo", "mode", "engage_agents_first"}
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for level in chain:  # lower levels override
        for key, value in level.options.items():
            if key in accepted:
                values[key] = value
                sources[key] = level.path

    def at(key: str) -> str:
        return f"{sources.get(key, group.path)}.{key}"

    required = _REQUIRED.get(mode)
    if required is not None and required not in values:
        spec = FIELDS[required]
        raise ConfigError(
            f"{group.path}.{required}",
            f"mode {mode.value} needs it ({spec.range_text()}); set it on the group, its template or its profile",
        )
    goal = values.get("goal")
    if goal is not None or "goal_value" in values:
        goal = goal or Goal.ABANDON_RATE
        if goal not in allowed_goals(mode):
            raise ConfigError(at("goal"), f"{goal.value} is not a goal of mode {mode.value}; set a goal for it")
        _check_goal_value(goal, values.get("goal_value", 3.0), at("goal_value"))
    upper = values.get("switch_to_progressive_at", 0.0)
    if upper:
        if goal is not Goal.ABANDON_RATE:
            raise ConfigError(at("switch_to_progressive_at"), "the abandon-rate switch needs the abandon_rate goal")
        if "switch_back_at" not in values:
            raise ConfigError(f"{sources['switch_to_progressive_at']}.switch_back_at", f"set it (percent, below switch_to_progressive_at = {upper:g}) to switch back to Predictive")
        if not values["switch_back_at"] < upper:
            raise ConfigError(at("switch_back_at"), f"must be below switch_to_progressive_at = {upper:g} (got {values['switch_back_at']:g})")
    elif "switch_back_at" in values and "switch_to_progressive_at" not in values:
        # (a switch_to_progressive_at of 0 turns an inherited switch off: its switch_back_at is moot)
        raise ConfigError(at("switch_back_at"), "set switch_to_progressive_at as well (or leave both out)")
    if "days_to_wait" in values and "start_date" in values:
        # Name the one set lower down: that is where the clash was made.
        paths = [lv.path for lv in chain]
        later = max(("days_to_wait", "start_date"), key=lambda k: paths.index(sources[k]))
        raise ConfigError(at(later), "give days_to_wait or start_date, not both")

    for key, default in _DEFAULTS.items():
        if key not in values:
            values[key] = default
            sources[key] = "default"
    lifo = bool(profile.get("lifo"))
    settings: GroupSettings | None = None
    if isinstance(mode, DialingMode):
        given = {k: v for k, v in values.items() if k in _SETTINGS_FIELDS}
        try:
            settings = GroupSettings(mode=mode, lifo=lifo, **given)
        except ValueError as exc:  # the core's own check; the table above should catch first
            raise ConfigError(group.path, str(exc)) from None
        for f in fields(GroupSettings):
            if f.name in accepted and f.name not in values:
                values[f.name] = getattr(settings, f.name)
                sources[f.name] = "default"
    return ResolvedGroup(
        name=group.name,
        template=template.name,
        profile=profile.name,
        channel=channel,
        mode=mode,
        ivr_modes=bool(profile.get("ivr_modes")),
        lifo=lifo,
        values=MappingProxyType(dict(sorted(values.items()))),
        sources=MappingProxyType(dict(sorted(sources.items()))),
        settings=settings,
    )
