"""Configuration files: TOML round trip, the JSON Schema, `outpace config check`, and
hostile input. A property test builds random valid configurations, checks they
resolve and survive the round trip, then breaks one field and expects that field named."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outpace.cli import main
from outpace.config import (
    FIELDS,
    ConfigError,
    Configuration,
    dumps,
    from_dict,
    json_schema,
    load,
    loads,
    save,
    to_dict,
)
from outpace.config.fields import (
    GOAL_RANGES,
    MODE_FIELDS,
    MODES_OF_CHANNEL,
    Channel,
    Field,
    allowed_goals,
)
from outpace.settings import DialingMode

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "dialing-config.toml"
REQUIRED = {"progressive_ivr": "ivr_ports", "power_ivr": "calls_per_minute", "rate_per_minute": "messages_per_minute"}


def test_example_round_trips_without_loss(tmp_path: Path) -> None:
    cfg = load(EXAMPLE)
    assert len(cfg.groups) == 6
    out = tmp_path / "again.toml"
    save(cfg, out)
    again = load(out)
    assert again == cfg
    assert again.resolve_all() == cfg.resolve_all()
    assert dumps(again) == dumps(cfg)


# --- random valid configurations ----------------------------------------------------


def value_of(spec: Field) -> st.SearchStrategy[Any]:
    if spec.kind is bool:
        return st.booleans()
    if spec.kind is int:
        assert spec.low is not None and spec.high is not None
        return st.integers(int(spec.low), int(spec.high))
    if spec.kind is float:
        assert spec.low is not None and spec.high is not None
        return st.floats(spec.low, spec.high, allow_nan=False)
    if spec.kind is dt.date:
        return st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    if spec.kind is list:
        return st.lists(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1, max_size=7, unique=True)
    return st.sampled_from([m.value for m in spec.kind])


def modes_for(channel: str, ivr: bool) -> list[Any]:
    modes = MODES_OF_CHANNEL[Channel(channel)]
    if channel != "voice":
        return list(modes)
    return [m for m in modes if isinstance(m, DialingMode) and (m.preview or m.ivr == ivr)]


@st.composite
def options_for(draw: st.DrawFn, mode: Any) -> dict[str, Any]:
    """Valid pacing options and optimization parameters of one mode, on one level."""
    out: dict[str, Any] = {}
    names = sorted(MODE_FIELDS[mode] - {"goal", "goal_value", "switch_to_progressive_at", "switch_back_at", "engage_agents_first"})
    for name in draw(st.lists(st.sampled_from(names), unique=True)) if names else []:
        out[name] = draw(value_of(FIELDS[name]))
    if allowed_goals(mode) and draw(st.booleans()):
        goal = draw(st.sampled_from(allowed_goals(mode)))
        low, high, _ = GOAL_RANGES[goal]
        out["goal"] = goal.value
        out["goal_value"] = draw(st.floats(low, high))
        if goal.value == "abandon_rate" and "switch_to_progressive_at" in MODE_FIELDS[mode] and draw(st.booleans()):
            upper = draw(st.floats(0.02, 100.0))
            out["switch_to_progressive_at"] = upper
            out["switch_back_at"] = draw(st.floats(0.0, upper, exclude_max=True))
        elif goal.value != "abandon_rate" and "switch_to_progressive_at" in MODE_FIELDS[mode]:
            # Another goal must turn off an abandon switch it may inherit: the resolver
            # refuses a switch without the abandon_rate goal.
            out["switch_to_progressive_at"] = 0.0
    if mode.value.endswith("_seizing") and draw(st.booleans()):
        out["engage_agents_first"] = True
    return out


names = st.from_regex(r"[a-z0-9_][a-z0-9_.\-]{0,11}", fullmatch=True)


@st.composite
def configurations(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"profiles": {}, "templates": {}, "groups": {}}
    kinds: dict[tuple[str, str], tuple[str, bool, Any]] = {}  # (level, name): channel, IVR on, mode
    for pname in draw(st.lists(names, min_size=1, max_size=3, unique=True)):
        channel = draw(st.sampled_from(["voice", "sms", "email"]))
        ivr = channel == "voice" and draw(st.booleans())
        mode = draw(st.sampled_from(modes_for(channel, ivr)))
        body: dict[str, Any] = {"channel": channel, "mode": mode.value}
        if ivr:
            body["ivr_modes"] = True
        if channel == "voice" and draw(st.booleans()):
            body["lifo"] = draw(st.booleans())
        body.update(draw(options_for(mode)))
        for name in draw(st.lists(st.sampled_from(["days_to_wait", "allowed_weekdays", "timezone_source", "tau", "compliance"]), unique=True)):
            if channel == "voice" or name not in ("tau", "compliance"):
                body[name] = draw(value_of(FIELDS[name]))
        if mode.value in REQUIRED:
            body[REQUIRED[mode.value]] = draw(value_of(FIELDS[REQUIRED[mode.value]]))
        data["profiles"][pname] = body
        kinds[("profiles", pname)] = (channel, ivr, mode)
    for level, parent_key, parents in (("templates", "profile", "profiles"), ("groups", "template", "templates")):
        for name in draw(st.lists(names, max_size=4, unique=True)):
            if not data[parents]:
                break
            parent = draw(st.sampled_from(sorted(data[parents])))
            channel, ivr, mode = kinds[(parents, parent)]
            body = {parent_key: parent}
            if draw(st.booleans()):
                mode = draw(st.sampled_from(modes_for(channel, ivr)))
                body["mode"] = mode.value
                body.update(draw(options_for(mode)))
                if mode.value in REQUIRED:
                    body[REQUIRED[mode.value]] = draw(value_of(FIELDS[REQUIRED[mode.value]]))
            data[level][name] = body
            kinds[(level, name)] = (channel, ivr, mode)
    return data


BAD: dict[Any, list[Any]] = {
    bool: ["yes", 1],
    dt.date: ["2026-13-45", 20261201],
    list: [["funday"], [], "mon"],
}


def bad_values(spec: Field) -> list[Any]:
    if spec.kind in (int, float):
        assert spec.high is not None and spec.low is not None
        below = spec.low - 1 if spec.kind is int or not spec.zero_is_off else spec.low / 2
        return [spec.high * 2 + 1, below, "12", math.nan, True]
    if spec.kind in BAD:
        return BAD[spec.kind]
    return ["bogus", 3]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=configurations(), pick=st.data())
def test_valid_configurations_resolve_round_trip_and_one_bad_field_is_named(data: dict[str, Any], pick: st.DataObject) -> None:
    cfg = from_dict(data)
    resolved = cfg.resolve_all()
    assert set(resolved) == set(data["groups"])
    for group in resolved.values():
        if group.settings is not None:
            group.settings.to_core().validate()  # what the pacer gets is valid
    again = loads(dumps(cfg))
    assert again == cfg and again.resolve_all() == resolved
    # Break exactly one field of one level.
    level = pick.draw(st.sampled_from([lv for lv in ("profiles", "templates", "groups") if data[lv]]))
    name = pick.draw(st.sampled_from(sorted(data[level])))
    fields = sorted(k for k in data[level][name] if k in FIELDS)
    if not fields:
        return
    field = pick.draw(st.sampled_from(fields))
    bad = pick.draw(st.sampled_from(bad_values(FIELDS[field])))
    broken = json.loads(json.dumps(data, default=str))  # a deep copy (dates become strings: still valid)
    broken[level][name][field] = bad
    with pytest.raises(ConfigError) as err:
        from_dict(broken)
    assert err.value.field == f"{level}.{name}.{field}", (err.value, bad)


# --- hostile files --------------------------------------------------------------------

HOSTILE = [
    ("not TOML", "profiles = [[[", "not valid TOML"),
    ("wrong top type", "profiles = 3", "must be a table"),
    ("unknown table", "[campaigns.x]\nmode='predictive'", "unknown table"),
    ("unknown key", "[profiles.p]\nmodee = 'predictive'", "profiles.p.modee: unknown field"),
    ("wrong type", "[profiles.p]\ngoal_value = 'three'", "profiles.p.goal_value: must be a number"),
    ("table for a number", "[profiles.p]\ngoal_value = {a = 1}", "profiles.p.goal_value"),
    ("huge number", "[profiles.p]\ntau = 1e400", "profiles.p.tau"),
    ("huge integer", "[profiles.p]\nhistory_length = 123456789012345678901234567890", "profiles.p.history_length"),
    ("nan", "[profiles.p]\ntau = nan", "profiles.p.tau"),
    ("negative", "[profiles.p]\ntau = -1", "profiles.p.tau"),
    ("bad name", "[profiles.'a b!']\ntau = 1", "a name must be"),
    ("long name", f"[profiles.{'a' * 65}]\ntau = 1", "a name must be"),
    ("missing parent", "[profiles.p]\n[templates.t]\ntau = 1", "templates.t.profile: missing"),
    ("parent not a string", "[profiles.p]\n[templates.t]\nprofile = 3", "templates.t.profile"),
    ("nested lists", "[profiles.p]\ntau = " + "[" * 200 + "]" * 200, "profiles.p.tau: must be a number"),
    ("deep nesting", "[profiles.p]\ntau = " + "[" * 5000 + "]" * 5000, "nesting too deep"),
    ("deep inline tables", "x = " + "{a=" * 20000 + "1" + "}" * 20000, "nesting too deep"),
    ("entry not a table", "[profiles]\np = 3", "profiles.p: must be a table"),
    ("date as number", "[profiles.p]\nstart_date = 5", "profiles.p.start_date"),
    ("datetime for a date", "[profiles.p]\nstart_date = 2026-01-01T10:00:00", "profiles.p.start_date"),
]


@pytest.mark.parametrize(("text", "message"), [(t, m) for _, t, m in HOSTILE], ids=[n for n, _, _ in HOSTILE])
def test_hostile_text_is_refused_with_a_clear_message(text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        loads(text)
    path = tmp_path / "bad.toml"
    path.write_text(text)
    assert main(["config", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("outpace config: error: ") and "Traceback" not in err and len(err.splitlines()) == 1


def test_binary_huge_and_missing_files(tmp_path: Path) -> None:
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load(binary)
    huge = tmp_path / "huge.toml"
    huge.write_text("# " + "x" * (2 << 20))
    with pytest.raises(ConfigError, match="limit"):
        load(huge)
    with pytest.raises(ConfigError, match="cannot read"):
        load(tmp_path / "missing.toml")


def test_config_check_prints_what_each_group_resolves_to() -> None:
    done = subprocess.run([sys.executable, "-m", "outpace", "config", "check", "--json", str(EXAMPLE)], capture_output=True, text=True, check=True)
    groups = json.loads(done.stdout)
    assert groups["sales-west"]["mode"] == "progressive"
    assert groups["sales-west"]["values"]["lines_per_agent"] == 1.2
    assert groups["sales-west"]["sources"]["tau"] == "profiles.outbound-voice"
    assert groups["sales-east"]["values"]["goal"] == "abandon_rate"
    assert groups["win-back"]["engage_agents_first"] is True
    assert groups["nps-survey"]["ivr_modes"] is True
    assert groups["payment-reminders"]["channel"] == "sms"
    table = subprocess.run([sys.executable, "-m", "outpace", "config", "check", str(EXAMPLE)], capture_output=True, text=True, check=True)
    assert "valid" in table.stdout and "sales-west" in table.stdout


def test_json_schema_accepts_valid_files_and_rejects_bad_ones() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    plain = json.loads(json.dumps(to_dict(load(EXAMPLE)), default=str))
    validator.validate(plain)
    for path, bad in [
        (("profiles", "outbound-voice", "tau"), 99.0),
        (("profiles", "outbound-voice", "mode"), "turbo"),
        (("templates", "sales", "lifo"), True),  # profile-only field
        (("groups", "sales-west", "lines_per_agent"), "1.2"),
        (("groups", "sales-west", "colour"), "red"),
    ]:
        broken = json.loads(json.dumps(plain))
        broken[path[0]][path[1]][path[2]] = bad
        assert not validator.is_valid(broken), path
        with pytest.raises(ConfigError):
            from_dict(broken)  # the loader refuses what the schema refuses
    missing_parent = json.loads(json.dumps(plain))
    del missing_parent["groups"]["sales-west"]["template"]
    assert not validator.is_valid(missing_parent)
    schema_cli = subprocess.run([sys.executable, "-m", "outpace", "config", "schema"], capture_output=True, text=True, check=True)
    assert json.loads(schema_cli.stdout) == schema


def test_python_objects_and_files_agree() -> None:
    cfg = load(EXAMPLE)
    assert Configuration(cfg.profiles.values(), cfg.templates.values(), cfg.groups.values()) == cfg
    assert from_dict(to_dict(cfg)) == cfg
