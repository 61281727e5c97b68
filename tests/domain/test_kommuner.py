"""Kommuner and stadsdelar from the package data files."""

from __future__ import annotations

from datetime import date

import pytest

from formapp.domain import kommuner

STOCKHOLM_2020 = (
    "Bromma", "Enskede-Årsta-Vantör", "Farsta", "Hägersten-Älvsjö", "Hässelby-Vällingby",
    "Kungsholmen", "Norrmalm", "Rinkeby-Kista", "Skarpnäck", "Skärholmen", "Spånga-Tensta",
    "Södermalm", "Östermalm",
)
STOCKHOLM_2023 = (
    "Bromma", "Enskede-Årsta-Vantör", "Farsta", "Hägersten-Älvsjö", "Hässelby-Vällingby",
    "Järva", "Kungsholmen", "Norra innerstaden", "Skarpnäck", "Skärholmen", "Södermalm",
)
GOTEBORG = (
    "Angered", "Östra Göteborg", "Centrum", "Majorna-Linné", "Örgryte-Härlanda",
    "Askim-Frölunda-Högsbo", "Västra Göteborg", "Lundby", "Norra Hisingen", "Västra Hisingen",
)


def test_290_kommuner_in_21_lan() -> None:
    all_ = kommuner.all_kommuner()
    assert len(all_) == 290
    assert len({item.code for item in all_}) == 290
    assert len({item.lan_code for item in all_}) == 21
    assert all(len(item.code) == 4 and item.code.isdigit() for item in all_)
    assert [item.code for item in all_] == sorted(item.code for item in all_)


def test_kommun_lookup() -> None:
    assert kommuner.kommun("0180") == kommuner.Kommun("0180", "Stockholm", "01", "Stockholms län")
    assert kommuner.kommun("1480").name == "Göteborg"
    assert kommuner.kommun("2584").name == "Kiruna"
    with pytest.raises(KeyError):
        kommuner.kommun("0000")
    assert not kommuner.is_kommun("0000")
    assert not kommuner.is_kommun(180)


def test_only_stockholm_and_goteborg_have_stadsdelar() -> None:
    assert kommuner.kommuner_with_stadsdelar() == {"0180", "1480"}
    assert kommuner.requires_stadsdel("0180")
    assert kommuner.requires_stadsdel("1480")
    assert not kommuner.requires_stadsdel("1280")  # Malmö
    assert kommuner.stadsdelar("1280", date(2024, 1, 1)) == ()


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2019, 5, 1), STOCKHOLM_2020),   # before the data: the oldest list we have
        (date(2020, 1, 1), STOCKHOLM_2020),
        (date(2023, 6, 30), STOCKHOLM_2020),
        (date(2023, 7, 1), STOCKHOLM_2023),   # Järva and Norra innerstaden from this day
        (date(2030, 1, 1), STOCKHOLM_2023),
    ],
)
def test_stockholm_on_date(on: date, expected: tuple[str, ...]) -> None:
    assert kommuner.stadsdelar("0180", on) == expected


def test_old_stockholm_names_stay_valid_for_old_records() -> None:
    assert kommuner.all_stadsdelar("0180") == set(STOCKHOLM_2020) | set(STOCKHOLM_2023)


def test_goteborg_ten_areas_in_four_stadsomraden() -> None:
    assert kommuner.stadsdelar("1480", date(2024, 1, 1)) == GOTEBORG
    (current,) = kommuner.stadsdel_lists("1480")
    assert [area for area, _ in current.groups] == [
        "1 Nordost", "2 Centrum", "3 Sydväst", "4 Hisingen"]
