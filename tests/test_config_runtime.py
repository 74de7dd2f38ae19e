"""The run-time rules of a running campaign group, each on its allowed and its refused
side, and allowed changes reaching the running pacer without losing its statistics."""

from __future__ import annotations

import heapq
from typing import Any

import pytest

from outpace import Bridge, CampaignGroup, Dial, GroupSettings
from outpace.config import (
    CampaignGroupConfig,
    CampaignTemplate,
    ConfigError,
    Configuration,
    DialingProfile,
    apply_change,
    check_running_change,
)

NEEDS: dict[str, dict[str, Any]] = {"progressive_ivr": {"ivr_ports": 8}, "power_ivr": {"calls_per_minute": 30.0}}
IVR = {"predictive_ivr", "progressive_ivr", "power_ivr"}


def config(mode: str, ivr_modes: bool | None = None, **group: Any) -> Configuration:
    ivr = mode in IVR if ivr_modes is None else ivr_modes
    p = DialingProfile("p", ivr_modes=True, mode="predictive_ivr") if ivr else DialingProfile("p")
    return Configuration([p], [CampaignTemplate("t", profile="p")], [CampaignGroupConfig("g", template="t", mode=mode, **NEEDS.get(mode, {}), **group)])


def drive(group: CampaignGroup, until: float, start: float = 0.0, agents: int = 8) -> float:
    """Run a small campaign on the group: every third call answers live after 10 s and
    talks 60 s; the rest ring out after 20 s. Returns the time reached."""
    if start == 0.0:
        group.add_records(range(1, 100_000))
        for a in range(agents):
            group.agent_ready(a, 0.0)
    events: list[tuple[float, int, str, int]] = []
    seq = 0
    now = start
    while now < until:
        now += 1.0
        while events and events[0][0] <= now:
            t, _, kind, ident = heapq.heappop(events)
            if kind == "answer":
                out = group.call_answered(ident, t)
                for a in out:
                    if isinstance(a, Bridge):
                        seq += 1
                        heapq.heappush(events, (t + 60.0, seq, "end", a.call_id))
            elif kind == "fail":
                group.call_failed(ident, t, "no_answer")
            elif kind == "end":
                group.call_ended(ident, t)
                seq += 1
                heapq.heappush(events, (t + 5.0, seq, "ready", ident))
            else:
                pass
        for a in group.tick(now):
            if isinstance(a, Dial):
                seq += 1
                live = a.call_id % 3 == 0
                heapq.heappush(events, (now + (10.0 if live else 20.0), seq, "answer" if live else "fail", a.call_id))
        # Agents come back from wrap-up: ready every agent not busy.
        m = group.metrics()
        if m.agents_wrap_up:
            for agent in range(agents):
                try:
                    group.agent_ready(agent, now)
                except ValueError:
                    pass
    return now


AUTOMATIC = ["predictive", "progressive", "predictive_seizing", "progressive_seizing"]
PREVIEW = ["push_preview", "pull_preview"]


@pytest.mark.parametrize("source", AUTOMATIC)
@pytest.mark.parametrize("target", PREVIEW)
def test_no_switch_from_an_automatic_mode_to_preview(source: str, target: str) -> None:
    running = config(source).resolve("g")
    edited = config(target).resolve("g")
    group = CampaignGroup(running.settings)
    drive(group, 120.0)
    before = group.metrics()
    with pytest.raises(ConfigError, match="stop the group, edit, and resume") as err:
        apply_change(group, running, edited)
    assert err.value.field == "groups.g.mode"
    assert group.settings == running.settings and group.metrics() == before  # nothing changed
    # The core refuses it on its own too.
    with pytest.raises(ValueError, match="stop the group, edit, and resume"):
        group.update_settings(edited.settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "target"),
    [("predictive", "predictive_seizing"), ("predictive_seizing", "predictive"), ("progressive", "progressive_seizing"),
     ("progressive_seizing", "progressive"), ("predictive_seizing", "progressive"), ("progressive", "predictive_seizing")],
)
def test_engage_agents_first_cannot_change_while_running(source: str, target: str) -> None:
    running, edited = config(source).resolve("g"), config(target).resolve("g")
    with pytest.raises(ConfigError, match="Engage agents first.*stop the group, edit, and resume") as err:
        check_running_change(running, edited)
    assert err.value.field == "groups.g.mode"


@pytest.mark.parametrize(
    ("source", "target"),
    [("predictive", "progressive"), ("progressive", "predictive"), ("predictive_seizing", "progressive_seizing"),
     ("progressive_seizing", "predictive_seizing"), ("push_preview", "pull_preview"), ("pull_preview", "predictive"),
     ("push_preview", "progressive"), ("predictive_ivr", "progressive_ivr"), ("power_ivr", "predictive_ivr"),
     ("predictive_ivr", "push_preview"), ("pull_preview", "power_ivr")],
)
def test_allowed_switches_apply_to_the_running_pacer(source: str, target: str) -> None:
    ivr = source in IVR or target in IVR
    running, edited = config(source, ivr_modes=ivr).resolve("g"), config(target, ivr_modes=ivr).resolve("g")
    group = CampaignGroup(running.settings)
    now = drive(group, 200.0)
    dials = group.metrics().dials
    apply_change(group, running, edited)
    assert group.settings == edited.settings
    drive(group, now + 200.0, start=now)  # keeps working in the new mode
    m = group.metrics()
    assert m.dials >= dials
    assert m.dials == m.connects + m.failed + m.machines + m.abandoned + m.calls_dialing + m.calls_held + m.calls_in_ivr


@pytest.mark.parametrize("mode", ["push_preview", "pull_preview", "predictive_ivr"])
def test_the_ivr_switch_cannot_change_while_running(mode: str) -> None:
    on = config(mode, ivr_modes=True).resolve("g")
    if mode in IVR:
        with pytest.raises(ConfigError):  # an IVR mode cannot even be configured with IVR off
            config(mode, ivr_modes=False)
        off = config("predictive", ivr_modes=False).resolve("g")
    else:
        off = config(mode, ivr_modes=False).resolve("g")  # same preview mode, switch toggled
    for running, edited in ((on, off), (off, on)):
        with pytest.raises(ConfigError, match="IVR modes .* stop the group, edit, and resume") as err:
            check_running_change(running, edited)
        assert err.value.field == "profiles.p.ivr_modes"


def test_a_new_goal_and_options_keep_the_learned_statistics() -> None:
    running = config("predictive", history_length=20).resolve("g")
    group = CampaignGroup(running.settings)
    now = drive(group, 1800.0, agents=10)
    decision = group.peek(now)
    learned = group.snapshot()  # what peek saw, and the learned tables
    assert learned["talk_rows"] and learned["talk_elapsed"] and decision.calls >= 0
    # Predictive -> Progressive -> Predictive: the pacer decides exactly as before.
    progressive = config("progressive", lines_per_agent=1.0).resolve("g")
    apply_change(group, running, progressive)
    apply_change(group, progressive, running)
    assert group.peek(now) == decision
    assert group.snapshot() == learned
    # A fresh group with the same settings has learned nothing yet.
    assert CampaignGroup(running.settings).snapshot()["talk_rows"] != learned["talk_rows"]
    # A new goal applies at once, and the statistics stay.
    busy = config("predictive", history_length=20, goal="busy_factor", goal_value=90.0).resolve("g")
    apply_change(group, running, busy)
    assert group.settings.goal.value == "busy_factor"
    assert group.snapshot()["talk_rows"] == learned["talk_rows"]


def test_channel_cannot_change_while_running() -> None:
    sms = Configuration(
        [DialingProfile("p", channel="sms", messages_per_minute=60.0)], [CampaignTemplate("t", profile="p")], [CampaignGroupConfig("g", template="t")]
    ).resolve("g")
    with pytest.raises(ConfigError, match="channel cannot change") as err:
        check_running_change(sms, config("predictive").resolve("g"))
    assert err.value.field == "profiles.p.channel"
    with pytest.raises(ConfigError, match="not a voice group"):
        apply_change(CampaignGroup(GroupSettings()), sms, sms)


def test_lifo_mode_cannot_change_while_running() -> None:
    off = config("predictive").resolve("g")
    on = Configuration(
        [DialingProfile("p", lifo=True)], [CampaignTemplate("t", profile="p")], [CampaignGroupConfig("g", template="t", mode="predictive")]
    ).resolve("g")
    assert on.settings is not None and on.settings.lifo
    with pytest.raises(ConfigError, match="LIFO mode is off for this running group") as err:
        check_running_change(off, on)
    assert err.value.field == "profiles.p.lifo"
    assert off.settings is not None
    group = CampaignGroup(off.settings)
    with pytest.raises(ConfigError, match="LIFO mode"):
        apply_change(group, off, on)
    assert group.settings.lifo is False
