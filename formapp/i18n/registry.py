"""The locale registry: ``forms/locales.toml`` loaded into frozen dataclasses.

The list of languages is data (DESIGN.md §3): adding one is an entry in the TOML file, never a
code change. Unknown keys, duplicate ids, ids CLDR does not know and a direction that disagrees
with CLDR are errors that name the file and the entry.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from babel import Locale
from babel.core import UnknownLocaleError

from formapp.config import forms_dir_setting

REGISTRY_FILE = "locales.toml"
DIRECTIONS = ("ltr", "rtl")
_REQUIRED = ("id", "name", "name_sv", "name_en", "script", "direction")
_OPTIONAL = ("officer_ui",)


class RegistryError(ValueError):
    """``forms/locales.toml`` is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class LocaleInfo:
    """One language of formapp.

    ``id`` is the Babel/CLDR id (``fa_AF``), also the catalog directory and the name of the
    consent text file; ``name`` is the language's name in itself; ``script`` an ISO 15924
    code; ``officer_ui`` whether the officer UI (gettext domain ``officer``) exists in it.
    """

    id: str
    name: str
    name_sv: str
    name_en: str
    script: str
    direction: Literal["ltr", "rtl"]
    officer_ui: bool = False

    @property
    def bcp47(self) -> str:
        """The id as an HTML ``lang`` value: ``fa_AF`` -> ``fa-AF``."""
        return self.id.replace("_", "-")

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"

    def name_in(self, locale_id: str) -> str:
        """The language's name in the officer's language (``en``), Swedish otherwise."""
        return self.name_en if locale_id == "en" else self.name_sv


@dataclass(frozen=True)
class Registry:
    """Every locale, in the file's order; ``source`` is the language of the msgids."""

    source: str
    locales: tuple[LocaleInfo, ...]
    path: Path

    def get(self, locale_id: object) -> LocaleInfo | None:
        return next((loc for loc in self.locales if loc.id == locale_id), None)

    def __getitem__(self, locale_id: str) -> LocaleInfo:
        found = self.get(locale_id)
        if found is None:
            raise KeyError(locale_id)
        return found

    def __contains__(self, locale_id: object) -> bool:
        return self.get(locale_id) is not None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(loc.id for loc in self.locales)

    @property
    def translated_ids(self) -> tuple[str, ...]:
        """Every locale but the source: each needs a catalog of the participant domain."""
        return tuple(loc.id for loc in self.locales if loc.id != self.source)

    @property
    def officer_ids(self) -> tuple[str, ...]:
        """The officer UI's languages, the source first."""
        return tuple(loc.id for loc in self.locales if loc.officer_ui)


def default_registry_path() -> Path:
    """``$FORMAPP_FORMS_DIR/locales.toml``, else the repository's ``forms/locales.toml``."""
    forms_dir = forms_dir_setting() or Path(__file__).resolve().parents[2] / "forms"
    return Path(forms_dir) / REGISTRY_FILE


def load_registry(path: Path | None = None) -> Registry:
    """The registry at ``path`` (default ``<forms dir>/locales.toml``), cached per path."""
    return _located(str(path) if path else None, forms_dir_setting())


@cache
def _located(path: str | None, forms_dir: str | None) -> Registry:
    # Resolving the path is file system work: once per (path, forms dir), not once per call
    # (pages ask for the registry many times).
    return _load(Path(path or default_registry_path()).resolve())


@cache
def _load(path: Path) -> Registry:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RegistryError(f"{path}: {exc}") from exc
    unknown = set(data) - {"source", "locales"}
    if unknown:
        raise RegistryError(f"{path}: unknown keys {sorted(unknown)}")
    entries = data.get("locales")
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{path}: no [[locales]] entries")
    locales = tuple(_locale(path, index, entry) for index, entry in enumerate(entries))
    ids = [loc.id for loc in locales]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RegistryError(f"{path}: duplicate locale ids {duplicates}")
    source = data.get("source")
    if source not in ids:
        raise RegistryError(f"{path}: source = {source!r} is not one of the locales")
    registry = Registry(source=source, locales=locales, path=path)
    if not registry[source].officer_ui:
        raise RegistryError(f"{path}: the source locale {source!r} needs officer_ui = true")
    return registry


def _locale(path: Path, index: int, entry: object) -> LocaleInfo:
    where = f"{path}: locales[{index}]"
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: not a table")
    unknown = set(entry) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise RegistryError(f"{where}: unknown keys {sorted(unknown)}")
    missing = [key for key in _REQUIRED if not isinstance(entry.get(key), str) or not entry[key]]
    if missing:
        raise RegistryError(f"{where}: missing or empty {missing}")
    officer_ui = entry.get("officer_ui", False)
    if not isinstance(officer_ui, bool):
        raise RegistryError(f"{where}: officer_ui must be true or false")
    locale_id = entry["id"]
    try:
        cldr = Locale.parse(locale_id)
    except (UnknownLocaleError, ValueError) as exc:
        raise RegistryError(f"{where}: {locale_id!r} is not a CLDR locale id") from exc
    direction = entry["direction"]
    if direction not in DIRECTIONS:
        raise RegistryError(f"{where} ({locale_id}): direction must be 'ltr' or 'rtl'")
    cldr_direction = "rtl" if cldr.character_order == "right-to-left" else "ltr"
    if direction != cldr_direction:
        raise RegistryError(f"{where} ({locale_id}): direction {direction!r} disagrees with "
                            f"CLDR ({cldr_direction!r})")
    script = entry["script"]
    if len(script) != 4 or not script.isalpha() or not script[0].isupper():
        raise RegistryError(f"{where} ({locale_id}): script must be an ISO 15924 code "
                            f"such as 'Latn' or 'Arab', got {script!r}")
    return LocaleInfo(id=locale_id, name=entry["name"], name_sv=entry["name_sv"],
                      name_en=entry["name_en"], script=script, direction=direction,
                      officer_ui=officer_ui)
