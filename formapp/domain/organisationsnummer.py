"""Swedish organisationsnummer: ten digits, NNNNNN-NNNN, Luhn check digit."""

from __future__ import annotations

import re

from formapp.domain.personnummer import luhn_ok
from formapp.i18n import _lo

_PATTERN = re.compile(r"^(\d{6})-?(\d{4})$")


def normalise_organisationsnummer(raw: str) -> str:
    """``NNNNNN-NNNN`` or a ValueError whose message says what is wrong."""
    match = _PATTERN.match(raw.strip())
    if not match:
        raise ValueError(_lo("Organisationsnumret ska ha tio siffror, till exempel 222000-1234."))
    digits = match.group(1) + match.group(2)
    if not luhn_ok(digits):
        raise ValueError(_lo("Organisationsnumrets kontrollsiffra stämmer inte."))
    return f"{match.group(1)}-{match.group(2)}"
