"""Call results: how a dialed call ended, as the host reports it.

One enum for every part of outpace that learns from calls (the dialing buffer's
treatments now; the pacing statistics and compliance counts later).
"""

from __future__ import annotations

from outpace._core import CallResult

__all__ = ["CallResult"]
