"""Dialing configuration: dialing profile -> campaign template -> campaign group.

A lower level inherits what it does not set and overrides what it does; each mode
accepts exactly its pacing options and optimization parameters; a running group
refuses the changes that need a stop. See ``docs/configuration.md``.
"""

from __future__ import annotations

from outpace.config.fields import (
    FIELDS,
    Channel,
    ConfigError,
    MessagingMode,
    TimezoneSource,
    Weekday,
    accepted_fields,
)
from outpace.config.files import (
    dumps,
    from_dict,
    json_schema,
    load,
    loads,
    save,
    to_dict,
)
from outpace.config.levels import CampaignGroupConfig, CampaignTemplate, DialingProfile
from outpace.config.resolve import Configuration, ResolvedGroup
from outpace.config.runtime import apply_change, check_running_change

__all__ = [
    "FIELDS",
    "CampaignGroupConfig",
    "CampaignTemplate",
    "Channel",
    "ConfigError",
    "Configuration",
    "DialingProfile",
    "MessagingMode",
    "ResolvedGroup",
    "TimezoneSource",
    "Weekday",
    "accepted_fields",
    "apply_change",
    "check_running_change",
    "dumps",
    "from_dict",
    "json_schema",
    "load",
    "loads",
    "save",
    "to_dict",
]
