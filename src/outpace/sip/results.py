"""From what the trunk answered to the call result the pacer learns from.

The default table (``shared/notes/sip.md`` §1.8, after RFC 3398 and the mappings of
FreeSWITCH, Asterisk and Genesys OCS):

======================================  ==========================================
SIP final response / event              ``CallResult``
======================================  ==========================================
200 (answered)                          ``ANSWER`` (reported as ``call_answered``)
486, 600                                ``BUSY``
480, 408; ring timeout -> CANCEL (487)  ``NO_ANSWER``
404, 484, 485, 604                      ``INVALID_NUMBER``
410                                     ``VACANT``
503                                     ``NO_CIRCUIT``
500, 502, 504                           ``REORDER``
603, 403                                ``DECLINED``
no response at all (timer B), TCP or    ``NETWORK_FAILURE`` (and the trunk is marked
send failure                            down)
401/407 after our credentials, 3xx,     ``NETWORK_FAILURE`` (a configuration fault,
488, 606                                not the contact's)
any other 4xx / 5xx / 6xx               ``REORDER`` / ``REORDER`` / ``DECLINED``
======================================  ==========================================

A ``Reason: Q.850;cause=N`` header refines the status code when the cause is in the
cause table: 1/2/3/28 invalid number, 22 vacant (number changed), 17 busy, 18/19/20
no answer, 21 declined, 34/41/42/44 no circuit, 27 reorder. Causes that several
codes share with different meanings (16, 31, 38, 102, ...) are left to the code.

Both tables are overridable: ``ResultTable(codes={480: CallResult.BUSY})`` merges over
the defaults, ``use_causes=False`` ignores Reason headers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from outpace.results import CallResult
from outpace.sip.call import CallOutcome, Ending

__all__ = ["DEFAULT_CAUSES", "DEFAULT_CODES", "ResultTable"]

R = CallResult

DEFAULT_CODES: Mapping[int, CallResult] = MappingProxyType(
    {
        486: R.BUSY,
        600: R.BUSY,
        480: R.NO_ANSWER,
        408: R.NO_ANSWER,
        487: R.NO_ANSWER,
        404: R.INVALID_NUMBER,
        484: R.INVALID_NUMBER,
        485: R.INVALID_NUMBER,
        604: R.INVALID_NUMBER,
        410: R.VACANT,
        503: R.NO_CIRCUIT,
        500: R.REORDER,
        502: R.REORDER,
        504: R.REORDER,
        603: R.DECLINED,
        403: R.DECLINED,
        401: R.NETWORK_FAILURE,
        407: R.NETWORK_FAILURE,
        488: R.NETWORK_FAILURE,
        606: R.NETWORK_FAILURE,
    }
)
"""SIP final status code -> call result (codes absent here fall back by class)."""

DEFAULT_CAUSES: Mapping[int, CallResult] = MappingProxyType(
    {
        1: R.INVALID_NUMBER,
        2: R.INVALID_NUMBER,
        3: R.INVALID_NUMBER,
        28: R.INVALID_NUMBER,
        22: R.VACANT,
        17: R.BUSY,
        18: R.NO_ANSWER,
        19: R.NO_ANSWER,
        20: R.NO_ANSWER,
        21: R.DECLINED,
        34: R.NO_CIRCUIT,
        41: R.NO_CIRCUIT,
        42: R.NO_CIRCUIT,
        44: R.NO_CIRCUIT,
        27: R.REORDER,
    }
)
"""Q.850 cause (``Reason`` header) -> call result; refines the status code."""

_BY_CLASS = {3: R.NETWORK_FAILURE, 4: R.REORDER, 5: R.REORDER, 6: R.DECLINED}


def _check(table: Mapping[int, CallResult], name: str, low: int, high: int) -> None:
    for key, value in table.items():
        if isinstance(key, bool) or not isinstance(key, int) or not low <= key <= high:
            raise ValueError(f"{name} keys must be integers in [{low}, {high}] (got {key!r})")
        if not isinstance(value, CallResult) or value is R.ANSWER:
            raise ValueError(f"{name}[{key}] must be a failure CallResult, not {value!r}")


@dataclass(frozen=True)
class ResultTable:
    """The SIP -> ``CallResult`` mapping; ``codes``/``causes`` merge over the defaults."""

    codes: Mapping[int, CallResult] = field(default_factory=dict)
    causes: Mapping[int, CallResult] = field(default_factory=dict)
    use_causes: bool = True

    def __post_init__(self) -> None:
        _check(self.codes, "codes", 300, 699)
        _check(self.causes, "causes", 0, 127)
        object.__setattr__(self, "codes", MappingProxyType({**DEFAULT_CODES, **self.codes}))
        object.__setattr__(self, "causes", MappingProxyType({**DEFAULT_CAUSES, **self.causes}))

    def for_response(self, code: int, cause: int | None = None) -> CallResult:
        """The result of a final 3xx-6xx ``code`` with an optional Q.850 ``cause``."""
        if self.use_causes and cause is not None and cause in self.causes:
            return self.causes[cause]
        if code in self.codes:
            return self.codes[code]
        return _BY_CLASS.get(code // 100, R.NETWORK_FAILURE)

    def for_outcome(self, outcome: CallOutcome) -> CallResult:
        """The result of a finished INVITE (``ANSWER`` when it was answered)."""
        if outcome.ending is Ending.ANSWERED:
            return R.ANSWER
        if outcome.ending is Ending.RING_TIMEOUT:
            return R.NO_ANSWER
        if outcome.ending is Ending.REJECTED and outcome.code is not None:
            return self.for_response(outcome.code, outcome.cause)
        return R.NETWORK_FAILURE
