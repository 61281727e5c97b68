"""Sweden's 290 kommuner and the stadsdelar of Stockholm (0180) and Göteborg (1480).

The data are package files (``domain/data/kommuner.csv``, ``domain/data/stadsdelar.json``),
read once per process. Stadsdel lists change over time (Stockholm merged areas on 2023-07-01),
so a list is always asked for *on a date*: a registration keeps the stadsdel that was valid
when it was made, and old records stay valid.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

STOCKHOLM = "0180"
GOTEBORG = "1480"


@dataclass(frozen=True)
class Kommun:
    """One kommun: four-digit kommunkod, name, and its län (code and name)."""

    code: str
    name: str
    lan_code: str
    lan: str


@dataclass(frozen=True)
class StadsdelList:
    """The stadsdelar of one kommun valid from ``valid_from`` to ``valid_to`` (inclusive;
    ``None`` = still valid). ``groups`` maps a larger area (Göteborg's stadsområde) to its
    stadsdelar, empty when the kommun has no such level."""

    valid_from: date
    valid_to: date | None
    names: tuple[str, ...]
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


def _data_text(name: str) -> str:
    return resources.files("formapp.domain").joinpath("data", name).read_text(encoding="utf-8")


# Process-wide: the package's data file, the same for every app.
@cache
def _kommuner() -> dict[str, Kommun]:
    rows = csv.DictReader(_data_text("kommuner.csv").splitlines())
    result = {
        row["kommunkod"]: Kommun(row["kommunkod"], row["kommun"], row["lanskod"], row["lan"])
        for row in rows
    }
    if len(result) != 290:  # a truncated or doubled file must not pass silently
        raise RuntimeError(f"kommuner.csv: expected 290 kommuner, found {len(result)}")
    return result


def all_kommuner() -> tuple[Kommun, ...]:
    """All 290 kommuner in kommunkod order (which groups them by län)."""
    return tuple(_kommuner()[code] for code in sorted(_kommuner()))


def kommun(code: str) -> Kommun:
    """The kommun with kommunkod ``code``; ``KeyError`` when there is none."""
    try:
        return _kommuner()[code]
    except KeyError:
        raise KeyError(f"no kommun with kommunkod {code!r}") from None


def is_kommun(code: object) -> bool:
    return isinstance(code, str) and code in _kommuner()


# Keys of stadsdelar.json that carry a list, e.g. "stadsdelsomraden_from_2023_07_01" or
# "stadsdelsomraden_2020_to_2023_06_30" (a bare year means 1 January).
_PERIOD_KEY = re.compile(
    r"^(?:stadsdelsomraden|stadsomraden)_"
    r"(?:from_(?P<from>\d{4}_\d\d_\d\d)|(?P<from_year>\d{4})_to_(?P<to>\d{4}_\d\d_\d\d))$")
_INFO_KEYS = {"kommun", "merges", "sources", "note"}


def _key_date(text: str) -> date:
    year, month, day = (int(part) for part in text.split("_"))
    return date(year, month, day)


def _period(key: str, value: dict[str, list[str]] | list[str]) -> StadsdelList:
    match = _PERIOD_KEY.match(key)
    if match is None:
        raise RuntimeError(f"stadsdelar.json: unknown key {key!r}")
    if match["from"]:
        start, end = _key_date(match["from"]), None
    else:
        start, end = date(int(match["from_year"]), 1, 1), _key_date(match["to"])
    if isinstance(value, dict):  # Göteborg: stadsområde -> its former stadsdelsnämnd areas
        groups = tuple((area, tuple(names)) for area, names in value.items())
        names = tuple(name for _, members in groups for name in members)
        return StadsdelList(start, end, names, groups)
    return StadsdelList(start, end, tuple(value))


# Process-wide: the package's data file, the same for every app.
@cache
def _stadsdel_lists() -> dict[str, tuple[StadsdelList, ...]]:
    raw = json.loads(_data_text("stadsdelar.json"))
    result: dict[str, tuple[StadsdelList, ...]] = {}
    for code, entry in raw.items():
        if code not in _kommuner():
            raise RuntimeError(f"stadsdelar.json: {code!r} is not a kommunkod")
        lists = [_period(key, value) for key, value in entry.items() if key not in _INFO_KEYS]
        result[code] = tuple(sorted(lists, key=lambda item: item.valid_from))
    return result


def requires_stadsdel(code: object) -> bool:
    """Whether the forms ask for (and then require) a stadsdel in this kommun."""
    return isinstance(code, str) and code in _stadsdel_lists()


def kommuner_with_stadsdelar() -> frozenset[str]:
    return frozenset(_stadsdel_lists())


def stadsdel_lists(code: str) -> tuple[StadsdelList, ...]:
    """Every stadsdel list of the kommun, oldest first; empty for kommuner without any."""
    return _stadsdel_lists().get(code, ())


def stadsdelar(code: str, on: date) -> tuple[str, ...]:
    """The stadsdelar valid in kommun ``code`` on ``on``.

    Before the oldest list we know, the oldest list is returned: it is the nearest truth we have
    (Stockholm's areas before 2020 are not in the data). Empty for kommuner without stadsdelar.
    """
    lists = stadsdel_lists(code)
    for item in lists:
        if item.covers(on):
            return item.names
    return lists[0].names if lists and on < lists[0].valid_from else ()


def all_stadsdelar(code: str) -> frozenset[str]:
    """Every stadsdel ever in the data for ``code``: what a stored record may hold."""
    return frozenset(name for item in stadsdel_lists(code) for name in item.names)
