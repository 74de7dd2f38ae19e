"""Treatments: what becomes of a record after each call result.

A treatment retries the same number after a delay (up to a number of attempts on that
number), moves on to the contact's next phone number, or closes the record. When the
retries on a number are used up, the record moves on to the next number at once if the
contact has one, and is closed otherwise. Delays are in seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from outpace import _core
from outpace._core import TreatmentAction
from outpace.results import CallResult

__all__ = ["Treatment", "TreatmentAction", "default_treatments"]


@dataclass(frozen=True)
class Treatment:
    """What to do with a record after one call result.

    Attributes:
        action: RETRY the same number, move to the NEXT_NUMBER, or CLOSE.
        delay: seconds until the record is due again (RETRY and NEXT_NUMBER), >= 0.
        max_attempts: RETRY only: attempts on one number, the first included, >= 1.
    """

    action: TreatmentAction
    delay: float = 0.0
    max_attempts: int = 1

    @classmethod
    def retry(cls, delay: float, max_attempts: int) -> Treatment:
        """Dial the same number again ``delay`` seconds later, up to ``max_attempts`` on it."""
        return cls(TreatmentAction.RETRY, float(delay), int(max_attempts))

    @classmethod
    def next_number(cls, delay: float = 0.0) -> Treatment:
        """Dial the contact's next number ``delay`` seconds later (close if there is none)."""
        return cls(TreatmentAction.NEXT_NUMBER, float(delay))

    @classmethod
    def close(cls) -> Treatment:
        """Done with the record."""
        return cls(TreatmentAction.CLOSE)


def default_treatments() -> dict[CallResult, Treatment]:
    """The treatments a group starts with.

    Answer: close. Answering machine: retry in 3600 s, 3 attempts. Busy: retry in 300 s,
    3 attempts. No answer: retry in 7200 s, 3 attempts. Invalid number and fax: next
    number at once. Network failure: retry in 60 s, 3 attempts. Dropped and abandoned:
    retry in 3600 s, 2 attempts.
    """
    return {result: Treatment(*entry) for result, entry in _core.default_treatments().items()}


def treatment_table(overrides: Mapping[CallResult, Treatment] | None) -> dict[CallResult, tuple[TreatmentAction, float, int]]:
    """The defaults with ``overrides`` applied, as the core takes them."""
    table = default_treatments()
    for key, treatment in (overrides or {}).items():
        try:
            result = CallResult(key)
        except ValueError:
            raise ValueError(f"treatments: {key!r} is not a CallResult") from None
        if not isinstance(treatment, Treatment):
            raise ValueError(f"treatments[{result.name}] must be a Treatment (got {type(treatment).__name__})")
        table[result] = treatment
    return {result: (TreatmentAction(t.action), float(t.delay), int(t.max_attempts)) for result, t in table.items()}
