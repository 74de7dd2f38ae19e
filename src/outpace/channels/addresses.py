"""Checking and normalizing contact addresses: phone numbers and email addresses.

A check returns the normalized address or raises ValueError with the reason; the
campaign turns that into a per-contact "invalid" outcome.
"""

from __future__ import annotations

import re

__all__ = ["normalize_email", "normalize_phone"]

_PHONE_PUNCT = re.compile(r"[\s\-().]")
# E.164: at most 15 digits, the country code does not start with 0. Seven digits is the
# shortest number in international form in use (some small countries).
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def normalize_phone(number: str) -> str:
    """A phone number in international form -> E.164 (``+4915112345678``).

    Accepts ``+49 151 1234-5678``, ``(+49) 151 12345678`` and the ``00`` prefix; refuses
    national numbers (no country code), letters and numbers outside 7..15 digits.
    """
    raw = number.strip()
    compact = _PHONE_PUNCT.sub("", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not compact.startswith("+"):
        raise ValueError(f"phone number {raw!r} is not in international form (+country code, 7-15 digits)")
    if not _E164.fullmatch(compact):
        raise ValueError(f"phone number {raw!r} is not a valid E.164 number (+country code, 7-15 digits)")
    return compact


def normalize_email(address: str) -> str:
    """An email address (``local@domain``, RFC 5321 dot-atom form) -> stripped, with the
    domain lower-cased. Refuses display names, quoted local parts and IP literals."""
    raw = address.strip()
    local, sep, domain = raw.rpartition("@")
    if not sep or not local or not domain:
        raise ValueError(f"email address {raw!r} has no local@domain form")
    if len(local) > 64 or len(raw) > 254 or not _LOCAL.fullmatch(local):
        raise ValueError(f"email address {raw!r} has an invalid local part")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        raise ValueError(f"email address {raw!r} has an invalid domain")
    return f"{local}@{domain.lower()}"
