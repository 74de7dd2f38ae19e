"""Message templates: ``str.format`` fields filled from a contact's CSV columns.

``"Hello {first_name}, your appointment is on {date}."`` -- only plain field names are
allowed (no ``{0}``, ``{a.b}`` or ``{a[0]}``: a template must not reach into objects),
with optional format specs (``{amount:>8}``). A field that a contact lacks, or has
empty, makes that contact invalid; it never stops the campaign.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["MessageTemplate", "MissingField"]


class MissingField(ValueError):
    """A template field has no value for this contact."""


@dataclass(frozen=True)
class MessageTemplate:
    """Body (and, for email, subject) of the campaign's message.

    Attributes:
        body: the message text with ``{field}`` placeholders.
        subject: the email subject, same placeholders ("" for SMS).
    """

    body: str
    subject: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.body, str) or not self.body.strip():
            raise ValueError("template body must be a non-empty string")
        for name in ("body", "subject"):
            _fields_of(name, getattr(self, name))

    @property
    def fields(self) -> frozenset[str]:
        """The column names the template uses."""
        return frozenset(_fields_of("body", self.body)) | frozenset(_fields_of("subject", self.subject))

    def render(self, values: Mapping[str, str]) -> tuple[str, str]:
        """(subject, body) for one contact; MissingField names the first missing field."""
        missing = sorted(f for f in self.fields if not str(values.get(f) or "").strip())
        if missing:
            raise MissingField(f"template field {missing[0]!r} is missing or empty for this contact")
        try:
            return self.subject.format_map(values), self.body.format_map(values)
        except (ValueError, TypeError) as exc:  # a format spec that does not fit the value
            raise MissingField(f"template could not be filled: {exc}") from None


def _fields_of(name: str, text: str) -> list[str]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(f"template {name} is not a valid format string: {exc}") from None
    fields: list[str] = []
    for _, field, _, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() and not all(part.isalnum() or part in "_-" for part in field):
            raise ValueError(
                f"template {name} field {{{field}}} must be a plain column name "
                "(letters, digits, _ and -; no positions, attributes or indexes)"
            )
        if field == "" or field.isdigit():
            raise ValueError(f"template {name} fields must be named after columns (got {{{field}}})")
        if conversion:
            raise ValueError(f"template {name} field {{{field}!{conversion}}} may not use a conversion")
        fields.append(field)
    return fields
