"""The locale registry (forms/locales.toml): DESIGN.md §3 as data, malformed files refused."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from formapp.i18n import RegistryError, load_registry
from formapp.i18n.registry import default_registry_path

DESIGN = {  # DESIGN.md §3: id -> (script, direction)
    "sv": ("Latn", "ltr"), "en": ("Latn", "ltr"), "ar": ("Arab", "rtl"), "fa": ("Arab", "rtl"),
    "fa_AF": ("Arab", "rtl"), "ckb": ("Arab", "rtl"), "ku": ("Latn", "ltr"),
    "so": ("Latn", "ltr"), "ti": ("Ethi", "ltr"), "bs": ("Latn", "ltr"), "sq": ("Latn", "ltr"),
    "tr": ("Latn", "ltr"), "pl": ("Latn", "ltr"), "ru": ("Cyrl", "ltr"), "uk": ("Cyrl", "ltr"),
    "es": ("Latn", "ltr"), "fi": ("Latn", "ltr"), "th": ("Thai", "ltr"), "fr": ("Latn", "ltr"),
}

ENTRY = """
[[locales]]
id = "{id}"
name = "X"
name_sv = "x"
name_en = "X"
script = "{script}"
direction = "{direction}"
"""


def test_registry_is_design_section_3() -> None:
    registry = load_registry()
    assert registry.source == "sv"
    assert {loc.id: (loc.script, loc.direction) for loc in registry.locales} == DESIGN
    assert registry.officer_ids == ("sv", "en")
    assert set(registry.translated_ids) == set(DESIGN) - {"sv"}
    assert registry["fa_AF"].bcp47 == "fa-AF"
    assert registry["ar"].name == "العربية" and registry["ar"].is_rtl


def test_every_locale_names_itself_as_its_consent_text_does() -> None:
    texts = default_registry_path().parent / "9443" / "texts"
    for loc in load_registry().locales:
        with (texts / f"{loc.id}.toml").open("rb") as handle:
            assert tomllib.load(handle)["language_name"] == loc.name, loc.id


def _write(tmp_path: Path, body: str, source: str = "sv") -> Path:
    path = tmp_path / "locales.toml"
    path.write_text(f'source = "{source}"\n' + body, encoding="utf-8")
    return path


def test_a_new_language_is_a_data_only_change(tmp_path: Path) -> None:
    sv = ENTRY.format(id="sv", script="Latn", direction="ltr") + "officer_ui = true\n"
    path = _write(tmp_path, sv + ENTRY.format(id="de", script="Latn", direction="ltr")
                  + ENTRY.format(id="ps", script="Arab", direction="rtl"))
    registry = load_registry(path)
    assert registry.translated_ids == ("de", "ps")
    assert registry["ps"].is_rtl and registry.officer_ids == ("sv",)


@pytest.mark.parametrize(("body", "message"), [
    (ENTRY.format(id="sv", script="Latn", direction="ltr") + "officer_ui = true\nfoo = 1\n",
     "unknown keys ['foo']"),
    (ENTRY.format(id="sv", script="Latn", direction="ltr") + "officer_ui = true\n"
     + ENTRY.format(id="ar", script="Arab", direction="ltr"), "disagrees with CLDR"),
    (ENTRY.format(id="sv", script="Latn", direction="ltr") + "officer_ui = true\n"
     + ENTRY.format(id="xx_QQ", script="Latn", direction="ltr"), "not a CLDR locale id"),
    (ENTRY.format(id="sv", script="Latn", direction="ltr") + "officer_ui = true\n"
     + ENTRY.format(id="sv", script="Latn", direction="ltr"), "duplicate locale ids"),
    (ENTRY.format(id="sv", script="latin", direction="ltr") + "officer_ui = true\n",
     "ISO 15924"),
    (ENTRY.format(id="sv", script="Latn", direction="ltr"), "needs officer_ui = true"),
])
def test_malformed_registry_is_refused_naming_the_entry(tmp_path: Path, body: str,
                                                        message: str) -> None:
    with pytest.raises(RegistryError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_registry(_write(tmp_path, body))
