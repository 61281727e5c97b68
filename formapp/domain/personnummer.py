"""Swedish personnummer and samordningsnummer, as people type them.

Accepted, after normalising (see :func:`normalise`): ``YYYYMMDDNNNN`` or ``YYMMDDNNNN``, with an
optional ``-`` or ``+`` before the last four. Ten digits get their century by Skatteverket's rule:
``-`` (or nothing) for someone under 100 this year, ``+`` from the year they turn 100. Digits in
Arabic-Indic, Persian or full-width form, blanks anywhere and a pasted en dash are normalised;
:attr:`Personnummer.formatted` is the 12-digit form to show back.

Samordningsnummer carry the day of birth plus 60. When the birth date is not fully known,
Skatteverket writes the unknown month as 00 and the unknown day as 00 (+ 60 = 60): such numbers
are valid, with ``birth_date`` ``None`` and the age known only when the known part decides it.
Födelsenummer (digits 9–11 of 12) 000 is never issued.

The check digit is *not* revealed in the error message: a typo is far more often in one of the
other nine digits, and an officer told "the last digit should be 3" would turn a mistyped number
into a valid but wrong one.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from formapp.i18n import _lp

Kon = Literal["kvinna", "man"]

# [0-9], not \d: \d also matches other scripts' digits (normalised to ASCII first).
_SHAPE = re.compile(r"^([0-9]{6}|[0-9]{8})([-+]?)([0-9]{4})$")
# Samordningsnummer: the day of birth plus 60.
SAMORDNING_OFFSET = 60
# What a pasted or typed separator may look like: hyphen-minus, hyphen, non-breaking hyphen,
# figure dash, en dash, em dash, minus sign, full-width hyphen; and the full-width plus.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"
_PLUSES = "+\uff0b\ufe62"
# Digit blocks typed on Arabic, Persian and East Asian keyboards, mapped to ASCII.
_DIGIT_ZEROS = (0x0660, 0x06F0, 0xFF10)
_DIGITS = {zero + n: str(n) for zero in _DIGIT_ZEROS for n in range(10)}


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
    samordningsnummer), ``None`` when the number says the month or day is unknown (then
    ``birth_year``, ``birth_month`` and ``birth_day`` hold what is known); ``kon`` is the legal
    sex as registered (folkbokföring), from the second-to-last digit.
    """

    digits: str
    birth_date: date | None
    kon: Kon
    is_samordningsnummer: bool

    @classmethod
    def from_digits(cls, digits: str) -> Personnummer:
        """A number stored in its 12-digit canonical form (``digits``), checked when it was
        stored: not checked again, so a rule added since (födelsenummer 000) leaves the
        records made before it readable."""
        day = int(digits[6:8])
        is_samordning = day >= SAMORDNING_OFFSET
        month, real_day = int(digits[4:6]), day - SAMORDNING_OFFSET if is_samordning else day
        born = date(int(digits[:4]), month, real_day) if month and real_day else None
        return cls(digits, born, "man" if int(digits[10]) % 2 else "kvinna", is_samordning)

    @property
    def formatted(self) -> str:
        """``YYYYMMDD-NNNN``, the form's own way of writing it."""
        return f"{self.digits[:8]}-{self.digits[8:]}"

    @property
    def birth_year(self) -> int:
        return int(self.digits[:4])

    @property
    def birth_month(self) -> int | None:
        return int(self.digits[4:6]) or None

    @property
    def birth_day(self) -> int | None:
        day = int(self.digits[6:8])
        day -= SAMORDNING_OFFSET if self.is_samordningsnummer else 0
        return day or None

    def earliest_birth(self) -> date:
        """The first day the person can have been born."""
        return date(self.birth_year, self.birth_month or 1, self.birth_day or 1)

    def latest_birth(self) -> date:
        """The last day the person can have been born."""
        month = self.birth_month or 12
        return date(self.birth_year, month,
                    self.birth_day or calendar.monthrange(self.birth_year, month)[1])

    def age_on(self, on: date) -> int | None:
        """Age in whole years on ``on`` (a person born 29 February turns a year older on
        1 March in common years); ``None`` ("okänd") when an incomplete birth date leaves it
        open."""
        oldest, youngest = _age(self.earliest_birth(), on), _age(self.latest_birth(), on)
        return oldest if oldest == youngest else None


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check over ``digits``; the last digit is the check digit."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def normalise(raw: str) -> str:
    """``raw`` as typed or pasted, reduced to ASCII digits and at most one ``-``/``+``:
    blanks and invisible marks (a pasted right-to-left mark) removed, other scripts' digits
    and dashes mapped. Anything else is left for the parser to refuse."""
    out = []
    for char in raw:
        if char.isspace() or unicodedata.category(char) == "Cf":
            continue
        if char in _DASHES:
            out.append("-")
        elif char in _PLUSES:
            out.append("+")
        else:
            out.append(_DIGITS.get(ord(char), char))
    return "".join(out)


def _century(short_year: int, separator: str, today: date) -> int:
    """The full year of a 10-digit number: ``-`` under 100 years old this year, ``+`` from
    the year the person turns 100 (Skatteverket's rule)."""
    year = today.year - (today.year - short_year) % 100
    return year - 100 if separator == "+" else year


def parse_personnummer(raw: str, *, today: date | None = None) -> Personnummer:
    """Parse and validate ``raw``; raise :class:`PersonnummerError` saying what is wrong.

    ``today`` (default: the machine's date) decides what "in the future" means and the
    century of a 10-digit number; callers with a clock (``formapp.clock.today``) pass it.
    """
    day_now = today or date.today()
    text = normalise(raw) if isinstance(raw, str) else ""
    if not text:
        raise PersonnummerError(_lp("Ange personnumret med 12 siffror (ÅÅÅÅMMDD-NNNN)."))
    match = _SHAPE.match(text)
    if match is None:
        core = text.replace("-", "").replace("+", "")
        if not core.isdigit() or not core.isascii():
            raise PersonnummerError(_lp(
                "Personnumret får bara innehålla siffror, med ett bindestreck eller plustecken "
                "före de fyra sista (ÅÅÅÅMMDD-NNNN)."))
        if len(core) in (10, 12):
            raise PersonnummerError(_lp(
                "Bindestrecket eller plustecknet ska stå före de fyra sista siffrorna "
                "(ÅÅÅÅMMDD-NNNN)."))
        raise PersonnummerError(_lp(
            "Personnumret ska ha 12 siffror (ÅÅÅÅMMDD-NNNN) eller 10 (ÅÅMMDD-NNNN), men har "
            "%(count)d.", count=len(core)))
    date_part, separator, last_four = match.groups()
    if len(date_part) == 6:
        date_part = f"{_century(int(date_part[:2]), separator, day_now)}{date_part[2:]}"
    digits = date_part + last_four
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    is_samordning = day >= SAMORDNING_OFFSET
    real_day = day - SAMORDNING_OFFSET if is_samordning else day
    written = f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"
    if not _date_ok(year, month, real_day, incomplete_allowed=is_samordning):
        raise PersonnummerError(_lp(
            "Personnumret innehåller inget giltigt datum: %(date)s finns inte.", date=written))
    pnr = Personnummer.from_digits(digits)
    if pnr.earliest_birth() > day_now:
        born = f"{digits[:4]}-{digits[4:6]}-{real_day:02d}"
        raise PersonnummerError(_lp(
            "Födelsedatumet i personnumret (%(date)s) ligger i framtiden.", date=born))
    if digits[8:11] == "000":
        raise PersonnummerError(_lp(
            "Personnumret kan inte ha 000 som de tre siffrorna efter födelsedatumet: sådana "
            "nummer delas aldrig ut. Kontrollera numret."))
    # The check digit covers the 10-digit form YYMMDD-NNNC only.
    if not luhn_ok(digits[2:]):
        raise PersonnummerError(_lp(
            "Personnumrets kontrollsiffra (den sista siffran) stämmer inte. "
            "Kontrollera alla siffror."))
    return pnr


def _date_ok(year: int, month: int, day: int, *, incomplete_allowed: bool) -> bool:
    """A real calendar date; for a samordningsnummer, month and/or day may be 00 (unknown)."""
    if year < 1800 or month > 12 or day > 31:
        return False
    if not month or not day:
        return incomplete_allowed
    return day <= calendar.monthrange(year, month)[1]
