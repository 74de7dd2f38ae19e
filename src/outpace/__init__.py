"""outpace: a pacing kernel for outbound contact-center dialers.

The compiled core lives in the private module ``outpace._core``; everything public is
re-exported here.
"""

from __future__ import annotations

try:
    from outpace import _core  # noqa: F401
except ImportError as exc:  # pragma: no cover - only without a build
    raise ImportError(
        "outpace's compiled core (outpace._core) is missing: install the package with "
        "`pip install .` (or `pip install outpace`) rather than importing it from the "
        "source tree."
    ) from exc

from outpace.buffer import (
    BufferCounts,
    Dial,
    DialingBuffer,
    Outcome,
    PreviewAssignment,
    RecordSource,
    ReturnedRecord,
)
from outpace.lifo import LifoBuffer
from outpace.queueing import (
    ErlangC,
    QueueMetrics,
    agents_for_abandon,
    agents_for_service_level,
    erlang_a,
    erlang_b,
    erlang_c,
    erlang_d,
    max_arrival_rate,
)
from outpace.results import CallResult
from outpace.treatments import Treatment, TreatmentAction, default_treatments

__version__ = "0.1.0"

__all__ = [
    "BufferCounts",
    "CallResult",
    "Dial",
    "DialingBuffer",
    "ErlangC",
    "LifoBuffer",
    "Outcome",
    "PreviewAssignment",
    "QueueMetrics",
    "RecordSource",
    "ReturnedRecord",
    "Treatment",
    "TreatmentAction",
    "__version__",
    "agents_for_abandon",
    "agents_for_service_level",
    "default_treatments",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "erlang_d",
    "max_arrival_rate",
]
