"""Swedish organisationsnummer: ten digits, NNNNNN-NNNN, Luhn check digit."""

from __future__ import annotations

import re

from formapp.i18n import _lo

_PATTERN = re.compile(r"^(\d{6})-?(\d{4})$")


def luhn_ok(digits: str) -> bool:
    """Luhn check over ``digits`` (the last one is the check digit)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def normalise_organisationsnummer(raw: str) -> str:
    """``NNNNNN-NNNN`` or a ValueError whose message says what is wrong."""
    match = _PATTERN.match(raw.strip())
    if not match:
        raise ValueError(_lo("Organisationsnumret ska ha tio siffror, till exempel 222000-1234."))
    digits = match.group(1) + match.group(2)
    if not luhn_ok(digits):
        raise ValueError(_lo("Organisationsnumrets kontrollsiffra stämmer inte."))
    return f"{match.group(1)}-{match.group(2)}"
