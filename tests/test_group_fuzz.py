"""Random event sequences, valid and not: the group answers each with actions or a
ValueError, never crashes, and its books always balance."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outpace import Bridge, CampaignGroup, Dial, GroupSettings

MODES = ["predictive", "predictive_seizing", "progressive", "progressive_seizing", "push_preview", "pull_preview"]

events = st.lists(
    st.tuples(
        st.sampled_from(
            ["ready", "not_ready", "tick", "answered", "machine", "failed", "ended", "pull", "preview_dial", "preview_skip", "insert", "place", "switch"]
        ),
        st.integers(min_value=-2, max_value=12),  # agent or call id (some unknown)
        st.floats(min_value=-1.0, max_value=30.0),  # time step (some negative)
    ),
    max_size=120,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mode=st.sampled_from(MODES), seq=events, lifo=st.booleans())
def test_random_events_never_break_the_group(mode: str, seq: list[tuple[str, int, float]], lifo: bool) -> None:
    g = CampaignGroup(GroupSettings(mode=mode, history_length=5, lifo=lifo, seize_timeout=20.0))  # type: ignore[arg-type]
    g.add_records(range(1000, 1400))
    now = 0.0
    dialed: list[int] = []
    for kind, ident, step in seq:
        now_try = now + step
        try:
            if kind == "ready":
                out = g.agent_ready(ident, now_try)
            elif kind == "not_ready":
                out = g.agent_not_ready(ident, now_try)
            elif kind == "tick":
                out = g.tick(now_try)
            elif kind == "answered":
                out = g.call_answered(dialed[ident % len(dialed)] if dialed else ident, now_try)
            elif kind == "machine":
                out = g.call_answered(ident, now_try, live=False)
            elif kind == "failed":
                out = g.call_failed(dialed[ident % len(dialed)] if dialed else ident, now_try, "busy")
            elif kind == "ended":
                out = g.call_ended(ident, now_try)
            elif kind == "pull":
                p = g.pull(ident, now_try)
                out = [p] if p else []
            elif kind == "preview_dial":
                out = g.preview_dial(ident, now_try)
            elif kind == "preview_skip":
                g.preview_skip(ident, now_try)
                out = []
            elif kind == "switch":
                # A mode change on the running group: refused exactly when the run-time
                # rules forbid it, and otherwise the books must still balance.
                target = MODES[ident % len(MODES)]
                current = g.settings.mode.value
                forbidden = current.endswith("_seizing") != target.endswith("_seizing") or (
                    not current.endswith("preview") and target.endswith("preview")
                )
                try:
                    g.update_settings(g.settings.replace(mode=target))
                except ValueError:
                    assert forbidden, (current, target)
                    raise
                assert not forbidden, (current, target)
                out = []
            elif kind == "insert":
                g.insert_record(5000 + ident, now_try)
                out = []
            else:
                out = g.place(ident % 3, now_try)
        except ValueError:
            continue  # refused: the group must be unchanged, checked by the books below
        now = max(now, now_try)
        dialed += [a.call_id for a in out if isinstance(a, Dial)]
        m = g.metrics()
        # Every dial is accounted for exactly once.
        finished = m.connects + m.failed + m.machines + m.abandoned
        assert m.dials == finished + m.calls_dialing + m.calls_held + m.calls_in_ivr, m
        assert m.agents_talking <= m.connects
        assert 0.0 <= m.busy_factor <= 1.0
        assert m.abandoned <= m.live_answers
    # Stopping returns what was not dialed; nothing is returned twice.
    returned = [r for r, _ in g.stop(now + 1)]
    assert len(returned) == len(set(returned))


agent_events = st.lists(
    st.tuples(
        st.sampled_from(["ready", "not_ready", "tick", "answered", "failed", "ended"]),
        st.integers(min_value=0, max_value=7),  # agent id, or which call
        st.floats(min_value=0.0, max_value=20.0),  # time step
    ),
    max_size=150,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mode=st.sampled_from(["progressive", "predictive"]), seq=agent_events)
def test_answered_calls_go_to_the_agent_who_waited_longest(mode: str, seq: list[tuple[str, int, float]]) -> None:
    # A shadow of every agent (state, ready since, leaving after the call) checks each
    # Bridge: the ready agent with the earliest ready time, the first to log in on a tie.
    # The agents' states, counts and waits are also checked against metrics().
    g = CampaignGroup(GroupSettings(mode=mode, history_length=5, lines_per_agent=2.0))  # type: ignore[arg-type]
    g.add_records(range(1000, 3000))
    bridges = 0
    state: dict[int, str] = {}
    ready_since: dict[int, float] = {}
    leaving: set[int] = set()
    login_order: list[int] = []
    talking_on: dict[int, int] = {}  # call -> agent
    dialing: list[int] = []
    now = 0.0
    for kind, ident, step in seq:
        now += step
        try:
            if kind == "ready":
                out = g.agent_ready(ident, now)
                if ident not in state:
                    login_order.append(ident)
                if state.get(ident) == "wrap" and ident in leaving:
                    leaving.discard(ident)
                    state[ident] = "off"
                elif state.get(ident) != "ready":
                    state[ident] = "ready"
                    ready_since[ident] = now
            elif kind == "not_ready":
                out = g.agent_not_ready(ident, now)
                if state.get(ident) == "talking":
                    leaving.add(ident)
                elif state.get(ident) in ("ready", "wrap"):
                    state[ident] = "off"
            elif kind == "tick":
                out = g.tick(now)
            elif kind in ("answered", "failed"):
                if not dialing:
                    continue
                call = dialing.pop(ident % len(dialing))
                out = g.call_answered(call, now) if kind == "answered" else g.call_failed(call, now, "no_answer")
            else:
                if not talking_on:
                    continue
                call = sorted(talking_on)[ident % len(talking_on)]
                out = g.call_ended(call, now)
                state[talking_on.pop(call)] = "wrap"
        except ValueError:
            assert kind in ("ready", "not_ready") and state.get(ident) == "talking" or ident not in state
            continue
        for a in out:
            if isinstance(a, Dial):
                dialing.append(a.call_id)
            elif isinstance(a, Bridge):
                ready = [x for x in login_order if state.get(x) == "ready"]
                longest = min(ready, key=lambda x: (ready_since[x], login_order.index(x)))
                assert a.agent_id == longest, (a, ready_since, ready)
                bridges += len(ready) > 1
                state[a.agent_id] = "talking"
                talking_on[a.call_id] = a.agent_id
        m = g.metrics()
        assert m.agents_ready == sum(s == "ready" for s in state.values())
        assert m.agents_talking == len(talking_on)
        assert m.agents_wrap_up == sum(s == "wrap" for s in state.values())
    if len(seq) > 100:
        assert bridges > 0 or not any(k == "answered" for k, _, _ in seq)
