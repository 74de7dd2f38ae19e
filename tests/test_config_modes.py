"""Every row of the mode tables (shared/notes/modes.md): each mode accepts exactly its
pacing options and optimization parameters, and refuses every other field naming it
and the mode. The expected table is written out here from the notes, not read from the
code, so a wrong entry in the code fails."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from outpace.config import (
    FIELDS,
    CampaignGroupConfig,
    CampaignTemplate,
    ConfigError,
    Configuration,
    DialingProfile,
)

PREDICTIVE_PACING = {"small_group_mode", "small_group_threshold", "ignore_calls_longer_than", "average_outbound_call", "average_inbound_call", "inbound_calls_per_hour"}
OPTIMIZATION = {"goal", "goal_value"}
ENGINE = {"history_length", "max_lines_per_agent"}  # outpace's own predictive parameters
SWITCH = {"switch_to_progressive_at", "switch_back_at"}  # compliance: with Predictive only
SEIZING = {"engage_agents_first", "seize_timeout"}
VOICE_ALL = {"tau", "compliance"}
CONSTRAINTS = {"days_to_wait", "start_date", "allowed_weekdays", "timezone_source"}

# mode -> (channel, ivr_modes, the fields it accepts beyond mode/channel/ivr_modes/lifo)
TABLE: dict[str, tuple[str, bool, set[str]]] = {
    "predictive": ("voice", False, PREDICTIVE_PACING | OPTIMIZATION | ENGINE | SWITCH | VOICE_ALL | CONSTRAINTS),
    "predictive_seizing": ("voice", False, PREDICTIVE_PACING | OPTIMIZATION | ENGINE | SWITCH | SEIZING | VOICE_ALL | CONSTRAINTS),
    "progressive": ("voice", False, {"lines_per_agent", "reserved_inbound_agents"} | VOICE_ALL | CONSTRAINTS),
    "progressive_seizing": ("voice", False, {"lines_per_agent", "reserved_inbound_agents"} | SEIZING | VOICE_ALL | CONSTRAINTS),
    "pull_preview": ("voice", False, VOICE_ALL | CONSTRAINTS),
    "push_preview": ("voice", False, VOICE_ALL | CONSTRAINTS),
    "predictive_ivr": ("voice", True, OPTIMIZATION | ENGINE | VOICE_ALL | CONSTRAINTS),
    "progressive_ivr": ("voice", True, {"ivr_ports"} | VOICE_ALL | CONSTRAINTS),
    "power_ivr": ("voice", True, {"calls_per_minute"} | VOICE_ALL | CONSTRAINTS),
    "rate_per_minute": ("sms", False, {"messages_per_minute"} | CONSTRAINTS),
    "auto_pacing": ("sms", False, CONSTRAINTS),
    "broadcast": ("email", False, CONSTRAINTS),
}

# A valid value of each field (goal comes with its value: they are set together).
SAMPLE: dict[str, Any] = {
    "goal": "busy_factor",
    "goal_value": 2.5,
    "small_group_mode": True,
    "small_group_threshold": 12,
    "ignore_calls_longer_than": 900.0,
    "average_outbound_call": 150.0,
    "average_inbound_call": 200.0,
    "inbound_calls_per_hour": 30.0,
    "lines_per_agent": 1.5,
    "reserved_inbound_agents": 2,
    "ivr_ports": 10,
    "calls_per_minute": 30.0,
    "messages_per_minute": 60.0,
    "engage_agents_first": True,
    "history_length": 50,
    "max_lines_per_agent": 4.0,
    "seize_timeout": 30.0,
    "tau": 2.0,
    "compliance": "uk",
    "switch_to_progressive_at": 3.1,
    "days_to_wait": 2,
    "start_date": dt.date(2026, 12, 1),
    "allowed_weekdays": ["mon", "wed"],
    "timezone_source": "campaign",
}
STRUCTURAL = {"channel", "ivr_modes", "lifo", "mode", "switch_back_at"}
OPTION_FIELDS = sorted(set(FIELDS) - STRUCTURAL)


def profile(mode: str, **options: Any) -> DialingProfile:
    channel, ivr, _ = TABLE[mode]
    extra: dict[str, Any] = {"ivr_modes": True} if ivr else {}
    return DialingProfile("p", channel=channel, mode=mode, **extra, **options)


def one_level(mode: str, field: str) -> Configuration:
    options: dict[str, Any] = {field: SAMPLE[field]}
    if field == "goal":
        options["goal_value"] = 2.5 if mode != "predictive_ivr" else 4.0
        options["goal"] = "agent_wait_time"
    if field == "switch_to_progressive_at":
        options.update(goal="abandon_rate", goal_value=3.0, switch_back_at=2.9)
    return Configuration(profiles=[profile(mode, **options)])


@pytest.mark.parametrize("mode", sorted(TABLE))
@pytest.mark.parametrize("field", OPTION_FIELDS)
def test_each_mode_accepts_exactly_its_fields(mode: str, field: str) -> None:
    accepted = field in TABLE[mode][2]
    if accepted:
        one_level(mode, field)  # no error
    else:
        with pytest.raises(ConfigError) as err:
            one_level(mode, field)
        assert err.value.field.startswith("profiles.p.")
        assert mode in err.value.message
        if field not in ("goal", "switch_to_progressive_at"):
            assert err.value.field == f"profiles.p.{field}"


@pytest.mark.parametrize("mode", sorted(TABLE))
def test_the_same_rules_hold_on_templates_and_groups(mode: str) -> None:
    """The check follows the mode in force at each level, own or inherited."""
    wrong = next(f for f in ("lines_per_agent", "small_group_mode", "ivr_ports") if f not in TABLE[mode][2])
    base = Configuration(profiles=[profile(mode)])
    with pytest.raises(ConfigError) as err:
        base.replace(CampaignTemplate("t", profile="p", **{wrong: SAMPLE[wrong]}))
    assert err.value.field == f"templates.t.{wrong}"
    if mode not in ("progressive_ivr", "power_ivr", "rate_per_minute"):  # these need a value first
        cfg = base.replace(CampaignTemplate("t", profile="p"))
        with pytest.raises(ConfigError) as err:
            cfg.replace(CampaignGroupConfig("g", template="t", **{wrong: SAMPLE[wrong]}))
        assert err.value.field == f"groups.g.{wrong}"


@pytest.mark.parametrize(
    ("mode", "goals"),
    [
        ("predictive", {"busy_factor", "abandon_rate", "agent_wait_time"}),
        ("predictive_seizing", {"busy_factor", "abandon_rate", "agent_wait_time"}),
        ("predictive_ivr", {"busy_factor", "abandon_rate", "agent_wait_time", "distribution_time"}),
    ],
)
def test_optimization_goals_of_each_mode(mode: str, goals: set[str]) -> None:
    for goal in ("busy_factor", "abandon_rate", "agent_wait_time", "distribution_time"):
        if goal in goals:
            Configuration(profiles=[profile(mode, goal=goal, goal_value=5.0)])
        else:
            with pytest.raises(ConfigError, match="not a goal of mode") as err:
                Configuration(profiles=[profile(mode, goal=goal, goal_value=5.0)])
            assert err.value.field == "profiles.p.goal"


@pytest.mark.parametrize(
    ("goal", "bad"), [("abandon_rate", 0.0), ("abandon_rate", 101.0), ("busy_factor", 0.5), ("busy_factor", 100.5), ("agent_wait_time", 3601.0)]
)
def test_goal_value_range_follows_the_goal(goal: str, bad: float) -> None:
    with pytest.raises(ConfigError, match=r"\[") as err:
        Configuration([profile("predictive", goal=goal, goal_value=bad)])
    assert err.value.field == "profiles.p.goal_value"
    # Inherited goal, value set lower down.
    with pytest.raises(ConfigError, match=r"\[") as err:
        Configuration([profile("predictive", goal=goal, goal_value=50.0)], [CampaignTemplate("t", profile="p", goal_value=bad)])
    assert err.value.field == "templates.t.goal_value"


def test_goal_value_range_is_checked_when_the_group_resolves() -> None:
    with pytest.raises(ConfigError, match=r"in \[1, 100\] percent for the busy_factor goal") as err:
        Configuration(
            profiles=[profile("predictive", goal="busy_factor", goal_value=0.5)],
            templates=[CampaignTemplate("t", profile="p")],
            groups=[CampaignGroupConfig("g", template="t")],
        )
    assert err.value.field == "profiles.p.goal_value"


def test_goal_needs_its_value_at_the_same_level() -> None:
    base = Configuration(profiles=[profile("predictive", goal="abandon_rate", goal_value=3.0)])
    with pytest.raises(ConfigError, match="together with goal") as err:
        base.replace(CampaignTemplate("t", profile="p", goal="busy_factor"))
    assert err.value.field == "templates.t.goal_value"
    # goal_value alone keeps the inherited goal.
    cfg = base.replace(CampaignTemplate("t", profile="p", goal_value=2.0), CampaignGroupConfig("g", template="t"))
    assert cfg.resolve("g").settings is not None
    assert cfg.resolve("g").settings.goal_value == 2.0  # type: ignore[union-attr]


@pytest.mark.parametrize("mode", ["predictive_seizing", "progressive_seizing"])
def test_engage_agents_first_goes_with_the_seizing_modes(mode: str) -> None:
    cfg = Configuration(
        profiles=[profile(mode, engage_agents_first=True)],
        templates=[CampaignTemplate("t", profile="p")],
        groups=[CampaignGroupConfig("g", template="t")],
    )
    assert cfg.resolve("g").engage_agents_first
    with pytest.raises(ConfigError, match="engages agents first") as err:
        Configuration(profiles=[profile(mode, engage_agents_first=False)])
    assert err.value.field == "profiles.p.engage_agents_first"
    plain = mode.removesuffix("_seizing")
    with pytest.raises(ConfigError, match="seizing modes") as err:
        Configuration(profiles=[profile(plain, engage_agents_first=True)])
    assert err.value.field == "profiles.p.engage_agents_first"


AUTOMATIC = ["predictive", "predictive_seizing", "progressive", "progressive_seizing"]
IVR = ["predictive_ivr", "progressive_ivr", "power_ivr"]
PREVIEW = ["push_preview", "pull_preview"]
NEEDS = {"progressive_ivr": {"ivr_ports": 4}, "power_ivr": {"calls_per_minute": 20.0}}


@pytest.mark.parametrize("level", ["template", "group"])
@pytest.mark.parametrize("mode", AUTOMATIC + IVR + PREVIEW)
def test_ivr_switch_decides_which_modes_lower_levels_may_choose(level: str, mode: str) -> None:
    for ivr_on in (True, False):
        p = DialingProfile("p", ivr_modes=True, mode="predictive_ivr") if ivr_on else DialingProfile("p")
        options: dict[str, Any] = {"mode": mode, **NEEDS.get(mode, {})}
        if level == "template":
            levels: list[Any] = [CampaignTemplate("t", profile="p", **options), CampaignGroupConfig("g", template="t")]
        else:
            levels = [CampaignTemplate("t", profile="p"), CampaignGroupConfig("g", template="t", **options)]
        allowed = mode in PREVIEW or (mode in IVR) == ivr_on
        if allowed:
            assert Configuration([p]).replace(*levels).resolve("g").mode.value == mode
        else:
            with pytest.raises(ConfigError) as err:
                Configuration([p]).replace(*levels)
            assert err.value.field == f"{'templates.t' if level == 'template' else 'groups.g'}.mode"
            assert ("ivr_modes" in err.value.message) and mode in err.value.message


def test_ivr_modes_and_lifo_are_set_on_the_profile_only() -> None:
    for field in ("ivr_modes", "lifo", "channel"):
        with pytest.raises(ConfigError, match="only be set on a profile") as err:
            CampaignTemplate("t", profile="p", **{field: True if field != "channel" else "voice"})
        assert err.value.field == f"templates.t.{field}"
        with pytest.raises(ConfigError, match="only be set on a profile"):
            CampaignGroupConfig("g", template="t", **{field: True if field != "channel" else "voice"})


def test_lifo_is_a_voice_profile_option() -> None:
    cfg = Configuration(
        profiles=[DialingProfile("p", lifo=True)], templates=[CampaignTemplate("t", profile="p")], groups=[CampaignGroupConfig("g", template="t")]
    )
    assert cfg.resolve("g").lifo and cfg.resolve("g").settings.lifo  # type: ignore[union-attr]
    with pytest.raises(ConfigError) as err:
        Configuration(profiles=[DialingProfile("p", channel="sms", lifo=True, messages_per_minute=5.0)])
    assert err.value.field == "profiles.p.lifo"


@pytest.mark.parametrize(("mode", "field"), [("progressive_ivr", "ivr_ports"), ("power_ivr", "calls_per_minute"), ("rate_per_minute", "messages_per_minute")])
def test_a_mode_that_needs_a_value_gets_one(mode: str, field: str) -> None:
    p = profile(mode)
    with pytest.raises(ConfigError, match=f"mode {mode} needs it") as err:
        Configuration([p], [CampaignTemplate("t", profile="p")], [CampaignGroupConfig("g", template="t")])
    assert err.value.field == f"groups.g.{field}"
    cfg = Configuration([p], [CampaignTemplate("t", profile="p", **{field: SAMPLE[field]})], [CampaignGroupConfig("g", template="t")])
    assert cfg.resolve("g").values[field] == SAMPLE[field]


def test_channel_modes_do_not_mix() -> None:
    with pytest.raises(ConfigError, match="not a sms mode") as err:
        Configuration([DialingProfile("p", channel="sms", mode="predictive")])
    assert err.value.field == "profiles.p.mode"
    with pytest.raises(ConfigError, match="not a voice mode"):
        Configuration([DialingProfile("p", mode="broadcast")])
    cfg = Configuration(
        [DialingProfile("p", channel="email", messages_per_minute=10.0)], [CampaignTemplate("t", profile="p")], [CampaignGroupConfig("g", template="t")]
    )
    g = cfg.resolve("g")
    assert g.mode.value == "rate_per_minute" and g.settings is None  # Rate per Minute is the default


def test_abandon_switch_rules() -> None:
    ok = profile("predictive", goal="abandon_rate", goal_value=3.0, switch_to_progressive_at=3.1, switch_back_at=2.9)
    cfg = Configuration([ok], [CampaignTemplate("t", profile="p")], [CampaignGroupConfig("g", template="t")])
    s = cfg.resolve("g").settings
    assert s is not None and (s.switch_to_progressive_at, s.switch_back_at) == (3.1, 2.9)
    chain = ([CampaignTemplate("t", profile="p")], [CampaignGroupConfig("g", template="t")])
    for options, field, message in [
        ({"switch_back_at": 3.1}, "switch_back_at", "must be below"),
        ({"switch_back_at": 3.5}, "switch_back_at", "must be below"),
        ({"switch_back_at": None}, "switch_back_at", "set it"),
        ({"goal": "busy_factor", "goal_value": 85.0}, "switch_to_progressive_at", "abandon_rate goal"),
        ({"switch_to_progressive_at": None}, "switch_back_at", "switch_to_progressive_at as well"),
    ]:
        with pytest.raises(ConfigError, match=message) as err:
            Configuration([ok.replace(**options)], *chain)
        assert err.value.field == f"profiles.p.{field}"


def test_days_to_wait_or_start_date_not_both() -> None:
    cfg = Configuration([DialingProfile("p", days_to_wait=3)], [CampaignTemplate("t", profile="p")])
    with pytest.raises(ConfigError, match="not both") as err:
        cfg.replace(CampaignGroupConfig("g", template="t", start_date="2027-01-04"))
    assert err.value.field == "groups.g.start_date"
    other = Configuration([DialingProfile("p", start_date="2027-01-04")], [CampaignTemplate("t", profile="p")], [CampaignGroupConfig("g", template="t")])
    assert other.resolve("g").values["start_date"] == dt.date(2027, 1, 4)


def test_lower_levels_inherit_and_override() -> None:
    cfg = Configuration(
        [DialingProfile("p", mode="predictive", goal="busy_factor", goal_value=85.0, tau=1.5, history_length=40)],
        [CampaignTemplate("t", profile="p", tau=2.0, mode="progressive", lines_per_agent=1.3)],
        [CampaignGroupConfig("pred", template="t", mode="predictive"), CampaignGroupConfig("prog", template="t")],
    )
    pred = cfg.resolve("pred")
    assert pred.settings is not None
    # The template's Progressive option does not bind a Predictive group; the profile's goal does.
    assert (pred.settings.goal.value, pred.settings.goal_value, pred.settings.tau, pred.settings.history_length) == ("busy_factor", 85.0, 2.0, 40)
    assert pred.settings.lines_per_agent == 1.0 and "lines_per_agent" not in pred.values
    assert pred.sources["goal"] == "profiles.p" and pred.sources["tau"] == "templates.t" and pred.sources["max_lines_per_agent"] == "default"
    prog = cfg.resolve("prog")
    assert prog.settings is not None and prog.settings.lines_per_agent == 1.3 and "goal" not in prog.values


def test_references_and_duplicates() -> None:
    with pytest.raises(ConfigError, match="no dialing profile named 'nope'") as err:
        Configuration([DialingProfile("p")], [CampaignTemplate("t", profile="nope")])
    assert err.value.field == "templates.t.profile"
    with pytest.raises(ConfigError, match="no campaign template named 'x'"):
        Configuration([DialingProfile("p")], [], [CampaignGroupConfig("g", template="x")])
    with pytest.raises(ConfigError, match="defined twice"):
        Configuration([DialingProfile("p"), DialingProfile("p", tau=1.0)])
    with pytest.raises(KeyError, match="no campaign group named 'zzz'"):
        Configuration([DialingProfile("p")]).resolve("zzz")


@pytest.mark.parametrize("field", sorted(f for f, s in FIELDS.items() if s.kind in (int, float)))
def test_every_number_is_range_checked(field: str) -> None:
    spec = FIELDS[field]
    assert spec.low is not None and spec.high is not None
    level = spec.levels[-1]
    make = {"profiles": lambda **o: DialingProfile("x", **o), "groups": lambda **o: CampaignGroupConfig("x", template="t", **o)}[level.value]
    for bad in (spec.high * 1.001 + 1, float("nan"), float("inf"), 10**400, "3", True, [1]):
        with pytest.raises(ConfigError) as err:
            make(**{field: bad})
        assert err.value.field == f"{level.value}.x.{field}"
        assert "[" in err.value.message  # the allowed range is in the message
    below = spec.low - 0.001 if spec.kind is float else int(spec.low) - 1
    with pytest.raises(ConfigError, match=r"\["):
        make(**{field: below})
    make(**{field: spec.low})
    make(**{field: spec.high})
    if spec.zero_is_off:
        make(**{field: 0})
