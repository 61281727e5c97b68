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
        ("20000229-0104", "200002290104", date(2000, 2, 29), "kvinna", False),
        # samordningsnummer: day + 60
        ("19701063-2391", "197010632391", date(1970, 10, 3), "man", True),
        ("19900161-0022", "199001610022", date(1990, 1, 1), "kvinna", True),
        ("20250615-0107", "202506150107", date(2025, 6, 15), "kvinna", False),  # born today
        # As people type it: 10 digits (century by the separator), blanks, a pasted en dash,
        # Arabic-Indic, Persian and full-width digits, a pasted right-to-left mark.
        ("1212121212", "201212121212", date(2012, 12, 12), "man", False),
        ("121212-1212", "201212121212", date(2012, 12, 12), "man", False),
        ("121212+1212", "191212121212", date(1912, 12, 12), "man", False),
        ("241231-4565", "202412314565", date(2024, 12, 31), "kvinna", False),
        ("241231+4565", "192412314565", date(1924, 12, 31), "kvinna", False),
        ("250616+1237", "192506161237", date(1925, 6, 16), "man", False),  # 100 this year
        ("19121212 1212", "191212121212", date(1912, 12, 12), "man", False),
        ("1912 12 12 - 1212", "191212121212", date(1912, 12, 12), "man", False),
        ("19121212\u20131212", "191212121212", date(1912, 12, 12), "man", False),
        ("\u200f19121212-1212", "191212121212", date(1912, 12, 12), "man", False),
        ("١٩١٢١٢١٢-١٢١٢", "191212121212", date(1912, 12, 12), "man", False),
        ("۱۹۱۲۱۲۱۲۱۲۱۲", "191212121212", date(1912, 12, 12), "man", False),
        ("１９１２１２１２－１２１２", "191212121212", date(1912, 12, 12), "man", False),
        ("٠١٠١٠١٠١٠٦", "200101010106", date(2001, 1, 1), "kvinna", False),
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
        ("1912121213", "kontrollsiffra"),              # 10 digits, bad Luhn
        ("19121212-121", "men har 11"),                 # wrong length
        ("121212-121", "men har 9"),
        ("1912121212123", "men har 13"),
        ("191212-121212", "före de fyra sista"),        # separator misplaced
        ("1912121A-1212", "bara innehålla siffror"),    # letters
        ("ÅÅÅÅMMDD-NNNN", "bara innehålla siffror"),
        ("١٩١٢١٢١٢١٢١٢x", "bara innehålla siffror"),
        ("1912121-21212", "före de fyra sista"),
        ("250616-1237", "2025-06-16) ligger i framtiden"),  # "-": under 100, so 2025
        ("19121212-0008", "000"),                       # födelsenummer 000 is never issued
        ("19900001-0000", "1990-00-01 finns inte"),     # month 00: samordningsnummer only
        ("19900290-0000", "1990-02-90 finns inte"),     # samordning 30 February
        ("20251261-0029", "2025-12-01) ligger i framtiden"),
        ("20250616-0106", "2025-06-16) ligger i framtiden"),  # future
        ("", "Ange personnumret"),
        ("   ", "Ange personnumret"),
    ],
)
def test_invalid_says_what_is_wrong(raw: str, expected: str) -> None:
    with pytest.raises(PersonnummerError) as caught:
        parse_personnummer(raw, today=TODAY)
    assert isinstance(caught.value, ValueError)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "year", "month", "day", "age", "formatted"),
    [
        # Samordningsnummer whose birth date is not fully known: month 00, day 00 (+ 60 = 60).
        ("201900772383", 2019, None, 17, None, "20190077-2383"),  # 5 or 6 on 15 June
        ("19800860-1232", 1980, 8, None, 44, "19800860-1232"),
        ("197500604561", 1975, None, None, None, "19750060-4561"),
        ("750060-4561", 1975, None, None, None, "19750060-4561"),
        ("20250060-1246", 2025, None, None, None, "20250060-1246"),  # born this year
        ("200000600031", 2000, None, None, None, "20000060-0031"),
    ],
)
def test_samordningsnummer_with_incomplete_birth_date(
        raw: str, year: int, month: int | None, day: int | None, age: int | None,
        formatted: str) -> None:
    parsed = parse_personnummer(raw, today=TODAY)
    assert parsed.is_samordningsnummer and parsed.birth_date is None
    assert (parsed.birth_year, parsed.birth_month, parsed.birth_day) == (year, month, day)
    assert parsed.age_on(TODAY) == age
    assert parsed.formatted == formatted


def test_age_from_what_is_known() -> None:
    unknown_date = parse_personnummer("197500604561", today=TODAY)  # born some day in 1975
    assert unknown_date.age_on(date(2025, 12, 31)) == 50  # whatever the day: 50 by New Year
    assert unknown_date.age_on(date(2026, 1, 1)) is None
    unknown_day = parse_personnummer("19800860-1232", today=TODAY)
    assert unknown_day.age_on(date(2025, 7, 31)) == 44
    assert unknown_day.age_on(date(2025, 8, 15)) is None  # the birthday may be before or after
    assert unknown_day.age_on(date(2025, 9, 1)) == 45


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
    assert parse_personnummer("20000229-0104", today=TODAY).age_on(on) == age


def test_luhn() -> None:
    assert luhn_ok("8112189876")
    assert not luhn_ok("8112189875")


@pytest.mark.parametrize("raw", ["19121212-1212", "19701063-2391", "19900161-0022",
                                 "201900772383", "19800860-1232", "197500604561",
                                 "20000229-0104"])
def test_a_stored_number_reads_back_as_the_value_it_was(raw: str) -> None:
    parsed = parse_personnummer(raw, today=TODAY)
    assert Personnummer.from_digits(parsed.digits) == parsed


def test_a_stored_number_from_before_a_rule_is_still_read() -> None:
    """Födelsenummer 000 is refused now; a record stored before that rule still shows."""
    with pytest.raises(PersonnummerError, match="000"):
        parse_personnummer("19800101-0001", today=TODAY)
    stored = Personnummer.from_digits("198001010001")
    assert stored.formatted == "19800101-0001" and stored.birth_date == date(1980, 1, 1)
