"""What may change while a campaign group runs, and applying what may.

Refused while running (stop the group, edit, and resume): a switch from Predictive or
Progressive (with or without seizing) to Pull or Push Preview; a change of "Engage agents
first"; a change of the IVR modes switch; a change of channel; LIFO mode on or off (the
group's dialing buffer is built for one or the other). The core enforces the
first three as far as it can see them (``CampaignGroup.update_settings`` refuses them too);
the IVR switch of a group in a preview mode and the channel are only visible here.
Everything else (Predictive <-> Progressive, a new goal, new pacing options) is applied
to the running pacer, which keeps what it has learned.
"""

from __future__ import annotations

from outpace import _core
from outpace.config.fields import ConfigError
from outpace.config.resolve import ResolvedGroup
from outpace.group import CampaignGroup

__all__ = ["RESTART_HINT", "apply_change", "check_running_change"]

RESTART_HINT = "stop the group, edit, and resume"


def check_running_change(running: ResolvedGroup, edited: ResolvedGroup) -> None:
    """Raise ConfigError if a running group may not go from ``running`` to ``edited``."""
    path = f"groups.{edited.name}"
    if edited.channel is not running.channel:
        raise ConfigError(f"profiles.{edited.profile}.channel", f"the channel cannot change while the group runs ({running.channel.value} -> {edited.channel.value}); {RESTART_HINT}")
    if edited.ivr_modes != running.ivr_modes:
        state = "on" if running.ivr_modes else "off"
        raise ConfigError(f"profiles.{edited.profile}.ivr_modes", f"IVR modes are {state} for this running group and cannot be switched; {RESTART_HINT}")
    if running.settings is not None and edited.settings is not None:
        if edited.settings.lifo != running.settings.lifo:
            state = "on" if running.settings.lifo else "off"
            raise ConfigError(f"profiles.{edited.profile}.lifo", f"LIFO mode is {state} for this running group and cannot be switched (its dialing buffer is built for it); {RESTART_HINT}")
        try:
            _core.check_running_change(running.settings.to_core(), edited.settings.to_core())
        except ValueError as exc:
            field, _, message = str(exc).partition(": ")
            raise ConfigError(f"{path}.{field}", message) from None


def apply_change(group: CampaignGroup, running: ResolvedGroup, edited: ResolvedGroup) -> None:
    """Apply an edited configuration to a running group, or refuse it (ConfigError) and
    change nothing. The pacer keeps its statistics across the change."""
    check_running_change(running, edited)
    if edited.settings is None:
        raise ConfigError(f"groups.{edited.name}", "is not a voice group; there is no pacer to update")
    group.update_settings(edited.settings)
