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

from outpace.actions import Action, Bridge, Dial, Drop, Hold, Preview, RecordOrigin
from outpace.blend import BlendPolicy, BlendResult, BlendScenario, simulate_blend
from outpace.buffer import (
    BufferCounts,
    DialingBuffer,
    Outcome,
    PreviewAssignment,
    RecordSource,
    RecordToDial,
    ReturnedRecord,
)
from outpace.group import CampaignGroup, Decision, Dialer, GroupMetrics
from outpace.lifo import LifoBuffer
from outpace.pacing import SafeCalls, largest_safe_calls, progressive_calls
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
from outpace.scenario import Distribution, Scenario, Shift
from outpace.settings import ComplianceRegime, DialingMode, Goal, GroupSettings
from outpace.sim import Policy, SimulationResult, compare, simulate
from outpace.treatments import Treatment, TreatmentAction, default_treatments

__version__ = "0.1.0"

__all__ = [
    "Action",
    "BlendPolicy",
    "BlendResult",
    "BlendScenario",
    "Bridge",
    "BufferCounts",
    "CallResult",
    "CampaignGroup",
    "ComplianceRegime",
    "Decision",
    "Dial",
    "Dialer",
    "DialingBuffer",
    "DialingMode",
    "Distribution",
    "Drop",
    "ErlangC",
    "Goal",
    "GroupMetrics",
    "GroupSettings",
    "Hold",
    "LifoBuffer",
    "Outcome",
    "Policy",
    "Preview",
    "PreviewAssignment",
    "QueueMetrics",
    "RecordOrigin",
    "RecordSource",
    "RecordToDial",
    "ReturnedRecord",
    "SafeCalls",
    "Scenario",
    "Shift",
    "SimulationResult",
    "Treatment",
    "TreatmentAction",
    "__version__",
    "agents_for_abandon",
    "agents_for_service_level",
    "compare",
    "default_treatments",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "erlang_d",
    "largest_safe_calls",
    "max_arrival_rate",
    "progressive_calls",
    "simulate",
    "simulate_blend",
]
