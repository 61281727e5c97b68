"""Which passwords are too easy to guess: a local list of common ones (no network), shipped
as ``domain/data/common_passwords.txt`` and read once per process.

A password counts as common when it is on the list, or is an entry with only digits, spaces
or punctuation around it (``Sommar2024!``, ``password1234``), or has no letters at all."""

from __future__ import annotations

import string
from functools import cache
from importlib import resources

_AROUND = string.digits + string.punctuation + string.whitespace


# Process-wide: the package's data file, the same for every app.
@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("formapp.domain").joinpath("data/common_passwords.txt").read_text(
        encoding="utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    lowered = password.casefold()
    core = lowered.strip(_AROUND)
    listed = common_passwords()
    return not core or lowered in listed or core in listed
