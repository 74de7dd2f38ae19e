"""The three configuration levels: dialing profile, campaign template, campaign group.

Each level holds only what it sets; what it leaves out it inherits from the level above
(``CampaignGroupConfig -> CampaignTemplate -> DialingProfile``). A level checks the type
and range of each value when it is built; the rules that need the whole chain (which
mode accepts which field) are checked by ``Configuration``.

>>> DialingProfile("outbound", mode="predictive", goal="abandon_rate", goal_value=3.0)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from outpace.config.fields import FIELDS, ConfigError, Level, coerce

__all__ = ["CampaignGroupConfig", "CampaignTemplate", "ConfigLevel", "DialingProfile"]

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}")


def check_name(name: Any, path: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConfigError(path, f"a name must be 1 to 64 letters, digits, '_', '.' or '-', not starting with '.' or '-' (got {name!r})")
    return name


class ConfigLevel:
    """One level's own settings: ``options`` maps field names to checked values."""

    level: ClassVar[Level]
    parent_field: ClassVar[str | None] = None  # the key naming the level above

    __slots__ = ("_name", "_options", "_parent")

    def __init__(self, name: str, parent: str | None, options: Mapping[str, Any]) -> None:
        path = f"{self.level.value}.{name}" if isinstance(name, str) else self.level.value
        self._name = check_name(name, path)
        if self.parent_field is not None:
            parent = check_name(parent, f"{path}.{self.parent_field}")
        self._parent = parent
        checked: dict[str, Any] = {}
        for key, value in options.items():
            spec = FIELDS.get(key)
            if spec is None:
                raise ConfigError(f"{path}.{key}", f"unknown field; the fields are {', '.join(FIELDS)}")
            if self.level not in spec.levels:
                where = " or ".join(lv.value[:-1] for lv in spec.levels)
                raise ConfigError(f"{path}.{key}", f"may only be set on a {where}")
            if value is None:
                continue  # None means "inherit", as if left out
            checked[key] = coerce(spec, value, f"{path}.{key}")
        self._options = MappingProxyType(checked)

    @property
    def name(self) -> str:
        return self._name

    @property
    def parent(self) -> str | None:
        """Name of the level above (None for a profile)."""
        return self._parent

    @property
    def options(self) -> Mapping[str, Any]:
        """The fields this level sets (read-only)."""
        return self._options

    @property
    def path(self) -> str:
        return f"{self.level.value}.{self._name}"

    def get(self, field: str) -> Any:
        return self._options.get(field)

    def replace(self, **changes: Any) -> Any:
        """A copy with some fields changed (``None`` removes a field: inherit it again)."""
        options = {**self._options, **changes}
        parent = options.pop(self.parent_field, self._parent) if self.parent_field else None
        return type(self).from_options(self._name, parent, options)

    @classmethod
    def from_options(cls, name: str, parent: str | None, options: Mapping[str, Any]) -> Any:
        """Build from a name, the parent's name and a mapping of fields (as a file gives them)."""
        obj = cls.__new__(cls)
        ConfigLevel.__init__(obj, name, parent, options)
        return obj

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, ConfigLevel)
        return (self._name, self._parent, dict(self._options)) == (other._name, other._parent, dict(other._options))

    def __hash__(self) -> int:
        return hash((type(self), self._name, self._parent, tuple(sorted(self._options.items(), key=lambda kv: kv[0]))))

    def __repr__(self) -> str:
        parent = f", {self.parent_field}={self._parent!r}" if self.parent_field else ""
        opts = "".join(f", {k}={v!r}" for k, v in self._options.items())
        return f"{type(self).__name__}({self._name!r}{parent}{opts})"


class DialingProfile(ConfigLevel):
    """Top level: the channel, the IVR switch, LIFO, and defaults for everything else."""

    level = Level.PROFILE
    __slots__ = ()

    def __init__(self, name: str, **options: Any) -> None:
        super().__init__(name, None, options)


class CampaignTemplate(ConfigLevel):
    """Middle level: inherits from the dialing profile it names."""

    level = Level.TEMPLATE
    parent_field = "profile"
    __slots__ = ()

    def __init__(self, name: str, profile: str, **options: Any) -> None:
        super().__init__(name, profile, options)


class CampaignGroupConfig(ConfigLevel):
    """Bottom level: one campaign group; inherits from the template it names."""

    level = Level.GROUP
    parent_field = "template"
    __slots__ = ()

    def __init__(self, name: str, template: str, **options: Any) -> None:
        super().__init__(name, template, options)
