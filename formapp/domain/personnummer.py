"""Swedish personnummer and samordningsnummer, as FK 9448/9449 ask for them: 12 digits.

Accepted: ``YYYYMMDDNNNN``, ``YYYYMMDD-NNNN`` or ``YYYYMMDD+NNNN`` (surrounding blanks ignored).
The 10-digit form is refused: the paper forms say "Personnummer (12 siffror)" and the century
cannot be known for certain from ten digits.

The check digit is *not* revealed in the error message: a typo is far more often in one of the
other nine digits, and an officer told "the last digit should be 3" would turn a mistyped number
into a valid but wrong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from formapp.i18n import _lp

Kon = Literal["kvinna", "man"]

# [0-9], not \d: \d also matches Arabic-Indic and other scripts' digits.
_SHAPE = re.compile(r"^([0-9]{8})[-+]?([0-9]{4})$")
# Samordningsnummer: the day of birth plus 60.
SAMORDNING_OFFSET = 60


class PersonnummerError(ValueError):
    """An input that is not a valid personnummer; ``str(error)`` says what is wrong (Swedish
    msgid, translated when rendered)."""

    def __init__(self, message: object) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class Personnummer:
    """A validated personnummer or samordningsnummer.

    ``digits`` is the 12-digit canonical form; ``birth_date`` is the real date (day - 60 for a
    samordningsnummer); ``kon`` is the legal sex as registered (folkbokföring), from the
    second-to-last digit.
    """

    digits: str
    birth_date: date
    kon: Kon
    is_samordningsnummer: bool

    @property
    def formatted(self) -> str:
        """``YYYYMMDD-NNNN``, the form's own way of writing it."""
        return f"{self.digits[:8]}-{self.digits[8:]}"

    def age_on(self, on: date) -> int:
        """Age in whole years on ``on`` (a person born 29 February turns a year older on
        1 March in common years)."""
        born = self.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check over ``digits``; the last digit is the check digit."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def parse_personnummer(raw: str, *, today: date | None = None) -> Personnummer:
    """Parse and validate ``raw``; raise :class:`PersonnummerError` saying what is wrong.

    ``today`` (default: the machine's date) decides what "in the future" means; callers with a
    clock (``formapp.clock.today``) should pass it.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise PersonnummerError(_lp("Ange personnumret med 12 siffror (ÅÅÅÅMMDD-NNNN)."))
    match = _SHAPE.match(text)
    if match is None:
        core = text.replace("-", "").replace("+", "").replace(" ", "")
        if not core.isdigit() or not core.isascii():
            raise PersonnummerError(_lp(
                "Personnumret får bara innehålla siffror, med ett bindestreck eller plustecken "
                "före de fyra sista (ÅÅÅÅMMDD-NNNN)."))
        if len(core) == 10:
            raise PersonnummerError(_lp(
                "Personnumret ska skrivas med 12 siffror, med århundradet först (ÅÅÅÅMMDD-NNNN). "
                "Du har skrivit 10."))
        if len(core) == 12:
            raise PersonnummerError(_lp(
                "Bindestrecket eller plustecknet ska stå före de fyra sista siffrorna "
                "(ÅÅÅÅMMDD-NNNN)."))
        raise PersonnummerError(_lp(
            "Personnumret ska ha 12 siffror (ÅÅÅÅMMDD-NNNN), men har %(count)d.",
            count=len(core)))
    digits = match.group(1) + match.group(2)
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    is_samordning = day > SAMORDNING_OFFSET
    real_day = day - SAMORDNING_OFFSET if is_samordning else day
    try:
        birth = date(year, month, real_day)
    except ValueError:
        raise PersonnummerError(_lp(
            "Personnumret innehåller inget giltigt datum: %(date)s finns inte.",
            date=f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}")) from None
    if birth > (today or date.today()):
        raise PersonnummerError(_lp(
            "Födelsedatumet i personnumret (%(date)s) ligger i framtiden.",
            date=birth.isoformat()))
    # The check digit covers the 10-digit form YYMMDD-NNNC only.
    if not luhn_ok(digits[2:]):
        raise PersonnummerError(_lp(
            "Personnumrets kontrollsiffra (den sista siffran) stämmer inte. "
            "Kontrollera alla siffror."))
    # The 9th digit of the 10-digit form (the 11th of 12): odd = man, even = kvinna.
    kon: Kon = "man" if int(digits[10]) % 2 else "kvinna"
    return Personnummer(digits=digits, birth_date=birth, kon=kon,
                        is_samordningsnummer=is_samordning)
