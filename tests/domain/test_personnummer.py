"""Personnummer parsing: table-driven, real numbers (Skatteverket's test numbers style)."""

from __future__ import annotations

from datetime import date

import pytest

from formapp.domain.personnummer import (
    Personnummer,
    PersonnummerError,
    luhn_ok,
    parse_personnummer,
)

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("raw", "digits", "birth", "kon", "samordning"),
    [
        ("19121212-1212", "191212121212", date(1912, 12, 12), "man", False),
        ("191212121212", "191212121212", date(1912, 12, 12), "man", False),
        ("19121212+1212", "191212121212", date(1912, 12, 12), "man", False),
        ("  19121212-1212 ", "191212121212", date(1912, 12, 12), "man", False),
        ("19900101-0017", "199001010017", date(1990, 1, 1), "man", False),
        ("19900101-0025", "199001010025", date(1990, 1, 1), "kvinna", False),
        ("20000229-0005", "200002290005", date(2000, 2, 29), "kvinna", False),
        # samordningsnummer: day + 60
        ("19701063-2391", "197010632391", date(1970, 10, 3), "man", True),
        ("19900161-0022", "199001610022", date(1990, 1, 1), "kvinna", True),
        ("20250615-0008", "202506150008", date(2025, 6, 15), "kvinna", False),  # born today
    ],
)
def test_valid(raw: str, digits: str, birth: date, kon: str, samordning: bool) -> None:
    parsed = parse_personnummer(raw, today=TODAY)
    assert parsed == Personnummer(digits, birth, kon, samordning)  # type: ignore[arg-type]
    assert parsed.formatted == f"{digits[:8]}-{digits[8:]}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("19121212-1213", "kontrollsiffra"),            # bad Luhn
        ("19121212-1222", "kontrollsiffra"),            # one digit swapped elsewhere
        ("19900230-0000", "1990-02-30 finns inte"),     # no such date
        ("19901301-0000", "1990-13-01 finns inte"),
        ("19900100-0000", "1990-01-00 finns inte"),
        ("19900192-0000", "1990-01-92 finns inte"),     # samordning day 32
        ("19000229-0000", "1900-02-29 finns inte"),     # 1900 is no leap year
        ("1212121212", "12 siffror, med århundradet först"),  # 10 digits
        ("121212-1212", "12 siffror, med århundradet först"),
        ("1912121212", "12 siffror, med århundradet först"),
        ("19121212-121", "men har 11"),                 # wrong length
        ("1912121212123", "men har 13"),
        ("191212-121212", "före de fyra sista"),        # separator misplaced
        ("1912121A-1212", "bara innehålla siffror"),    # letters
        ("ÅÅÅÅMMDD-NNNN", "bara innehålla siffror"),
        ("١٩١٢١٢١٢١٢١٢", "bara innehålla siffror"),      # Arabic-Indic digits are not ASCII
        ("20250616-0003", "2025-06-16) ligger i framtiden"),  # future
        ("", "Ange personnumret"),
        ("   ", "Ange personnumret"),
    ],
)
def test_invalid_says_what_is_wrong(raw: str, expected: str) -> None:
    with pytest.raises(PersonnummerError) as caught:
        parse_personnummer(raw, today=TODAY)
    assert isinstance(caught.value, ValueError)
    assert expected in str(caught.value)


def test_check_digit_is_not_revealed() -> None:
    # 19121212-1212 is valid: the message for ...1213 must not hint at the 2.
    with pytest.raises(PersonnummerError) as caught:
        parse_personnummer("19121212-1213", today=TODAY)
    assert not any(char.isdigit() for char in str(caught.value))


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (date(2000, 2, 29), 0),
        (date(2001, 2, 28), 0),   # no 29 Feb in 2001: the birthday comes on 1 March
        (date(2001, 3, 1), 1),
        (date(2024, 2, 29), 24),
        (date(2025, 6, 15), 25),
    ],
)
def test_age_on(on: date, age: int) -> None:
    assert parse_personnummer("20000229-0005", today=TODAY).age_on(on) == age


def test_luhn() -> None:
    assert luhn_ok("8112189876")
    assert not luhn_ok("8112189875")
