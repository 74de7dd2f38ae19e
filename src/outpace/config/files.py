"""Configuration files: TOML in and out (a lossless round trip) and a JSON Schema.

The file has three tables of named entries::

    [profiles.outbound]
    mode = "predictive"
    goal = "abandon_rate"
    goal_value = 3.0

    [templates.sales]
    profile = "outbound"

    [groups.east]
    template = "sales"
    mode = "progressive"
    lines_per_agent = 1.2

Whatever the file holds, reading it either gives a checked ``Configuration`` or raises
``ConfigError`` naming the place at fault: never another exception.
"""

from __future__ import annotations

import datetime as dt
import enum
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from outpace.config.fields import (
    FIELDS,
    LEVELS,
    ConfigError,
    Field,
    Level,
    MessagingMode,
    Mode,
    Weekday,
)
from outpace.config.levels import (
    CampaignGroupConfig,
    CampaignTemplate,
    ConfigLevel,
    DialingProfile,
)
from outpace.config.resolve import Configuration
from outpace.settings import DialingMode

__all__ = ["MAX_FILE_BYTES", "dumps", "from_dict", "json_schema", "load", "loads", "save", "to_dict"]

MAX_FILE_BYTES = 1 << 20  # a dialing configuration is a few kB; refuse anything absurd

_KIND: dict[Level, type[ConfigLevel]] = {
    Level.PROFILE: DialingProfile,
    Level.TEMPLATE: CampaignTemplate,
    Level.GROUP: CampaignGroupConfig,
}


def load(path: str | Path) -> Configuration:
    """Read and check a TOML configuration file."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ConfigError(str(p), f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(str(p), f"cannot read the file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(str(p), f"not UTF-8 text (byte {exc.start})") from None
    return loads(text, source=str(p))


def loads(text: str, source: str = "<string>") -> Configuration:
    """Parse and check TOML text."""
    if len(text) > MAX_FILE_BYTES:
        raise ConfigError(source, f"text is {len(text)} characters; the limit is {MAX_FILE_BYTES}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, f"not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(source, "nesting too deep") from None
    return from_dict(data)


def from_dict(data: Any) -> Configuration:
    """A Configuration from plain data (as TOML or JSON gives it)."""
    if not isinstance(data, dict):
        raise ConfigError("<top>", f"must be a table of profiles, templates and groups (got {type(data).__name__})")
    unknown = set(data) - {lv.value for lv in LEVELS}
    if unknown:
        raise ConfigError(str(min(unknown, key=str)), "unknown table; the tables are profiles, templates and groups")
    built: dict[Level, list[Any]] = {}
    for level in LEVELS:
        entries = data.get(level.value, {})
        if not isinstance(entries, dict):
            raise ConfigError(level.value, f"must be a table of named entries (got {type(entries).__name__})")
        kind = _KIND[level]
        built[level] = []
        for name, body in entries.items():
            path = f"{level.value}.{name}"
            if not isinstance(body, dict):
                raise ConfigError(path, f"must be a table of settings (got {type(body).__name__})")
            options = dict(body)
            if kind.parent_field is not None:
                if kind.parent_field not in options:
                    raise ConfigError(f"{path}.{kind.parent_field}", f"missing: a {level.value[:-1]} names its {kind.parent_field}")
                parent = options.pop(kind.parent_field)
                built[level].append(kind.from_options(name, parent, options))
            else:
                built[level].append(kind.from_options(name, None, options))
    return Configuration(built[Level.PROFILE], built[Level.TEMPLATE], built[Level.GROUP])


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def to_dict(config: Configuration) -> dict[str, Any]:
    """Plain data that ``from_dict`` turns back into an equal Configuration."""
    out: dict[str, Any] = {}
    for level, entries in ((Level.PROFILE, config.profiles), (Level.TEMPLATE, config.templates), (Level.GROUP, config.groups)):
        table: dict[str, Any] = {}
        for name, entry in entries.items():
            body: dict[str, Any] = {}
            if entry.parent_field is not None:
                body[entry.parent_field] = entry.parent
            body.update({k: _plain(v) for k, v in entry.options.items()})
            table[name] = body
        if table:
            out[level.value] = table
    return out


def dumps(config: Configuration) -> str:
    return tomli_w.dumps(to_dict(config))


def save(config: Configuration, path: str | Path) -> None:
    Path(path).write_text(dumps(config))


def _field_schema(spec: Field) -> dict[str, Any]:
    doc = spec.doc + (f" ({spec.unit})" if spec.unit else "")
    schema: dict[str, Any]
    kind = spec.kind
    if kind is bool:
        schema = {"type": "boolean"}
    elif kind is int or kind is float:
        schema = {"type": "integer" if kind is int else "number", "minimum": spec.low, "maximum": spec.high}
        if spec.zero_is_off:
            schema = {"anyOf": [{"const": 0}, schema]}
    elif kind is Mode:
        schema = {"enum": [m.value for m in DialingMode] + [m.value for m in MessagingMode]}
    elif kind is dt.date:
        schema = {"type": "string", "format": "date"}
    elif kind is list:
        schema = {"type": "array", "items": {"enum": [d.value for d in Weekday]}, "minItems": 1, "uniqueItems": True}
    else:
        schema = {"enum": [m.value for m in kind]}
    return {"description": doc, **schema}


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the file: types, ranges and where each field may
    be set. Which mode accepts which field is checked by ``outpace config check``."""
    name_pattern = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$"
    defs: dict[str, Any] = {}
    for level in LEVELS:
        props = {name: _field_schema(spec) for name, spec in FIELDS.items() if level in spec.levels}
        required: list[str] = []
        parent = _KIND[level].parent_field
        if parent is not None:
            props = {parent: {"type": "string", "pattern": name_pattern, "description": f"name of the {parent}"}, **props}
            required.append(parent)
        defs[level.value[:-1]] = {"type": "object", "additionalProperties": False, "properties": props, "required": required}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "outpace dialing configuration",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            level.value: {
                "type": "object",
                "propertyNames": {"pattern": name_pattern},
                "additionalProperties": {"$ref": f"#/$defs/{level.value[:-1]}"},
            }
            for level in LEVELS
        },
        "$defs": defs,
    }
