"""Web fonts: subsets per script, served by formapp with the right type and cache headers,
covering every character of every consent text."""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path

from babel.messages.pofile import read_po
from flask import Flask
from fontTools.ttLib import TTFont

from formapp.documents.font_files import FONT_FILES, font_dir
from formapp.i18n import load_registry
from formapp.translation.webfonts import (
    NAMES_FAMILY,
    NAMES_SELECTOR,
    SUBSETS,
    build_webfonts,
    language_names,
    name_fonts,
    subset_for_script,
    webfonts,
)
from tests.conftest import WEBFONT_DIR, Browser

TEXTS = Path(__file__).resolve().parents[2] / "forms" / "9443" / "texts"
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
YEAR = 365 * 24 * 3600


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def test_stylesheet_and_fonts_are_served_with_types_and_cache_headers(
        app: Flask, browser: Browser) -> None:
    css = browser.get("/fonts/fonts.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert css.headers["Cache-Control"] == "no-cache" and css.headers.get("ETag")
    text = css.get_data(as_text=True)
    urls = re.findall(r'url\("([^"]+\.woff2)"\)', text)
    assert len(urls) == len(SUBSETS) * 2 + len(name_fonts(WEBFONT_DIR))
    for item in SUBSETS:
        assert f"unicode-range: {item.unicode_range()}" in text
    for url in urls:
        response = browser.get(f"/fonts/{url}")
        assert response.status_code == 200, url
        assert response.mimetype == "font/woff2"
        assert response.headers["Cache-Control"] == f"public, max-age={YEAR}, immutable"
        assert response.get_data()[:4] == b"wOF2"
        again = browser.get(f"/fonts/{url}", headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304


def test_unknown_font_names_are_404(app: Flask, browser: Browser) -> None:
    for url in ("/fonts/nothing.woff2", "/fonts/manifest.json", "/fonts/..%2Fsecret_key",
                "/fonts/noto-latin-400.woff2"):
        assert browser.get(url).status_code == 404, url


def test_every_page_links_the_font_stylesheet(app: Flask, browser: Browser) -> None:
    assert '<link rel="stylesheet" href="/fonts/fonts.css">' in \
        browser.get("/login").get_data(as_text=True)


def test_every_character_of_every_consent_text_is_in_its_scripts_subset() -> None:
    fonts = {(f.subset, f.weight): WEBFONT_DIR / f.file for f in build_webfonts(WEBFONT_DIR)}
    cmaps = {key: set(TTFont(io.BytesIO(path.read_bytes())).getBestCmap())
             for key, path in fonts.items()}
    ranges = {item.name: item.codepoints() for item in SUBSETS}
    missing: dict[str, set[str]] = {}
    for locale in load_registry().locales:
        assert subset_for_script(locale.script) is not None, locale.id
        with (TEXTS / f"{locale.id}.toml").open("rb") as handle:
            chars = {ch for s in _strings(tomllib.load(handle)) for ch in s if not ch.isspace()}
        for ch in chars:
            homes = [name for name, cps in ranges.items() if ord(ch) in cps]
            if len(homes) != 1 or not all(ord(ch) in cmaps[(homes[0], w)] for w in (400, 700)):
                missing.setdefault(locale.id, set()).add(f"U+{ord(ch):04X} {homes}")
    assert missing == {}


def test_subsets_are_built_once_not_per_request(app: Flask, browser: Browser) -> None:
    browser.get("/fonts/fonts.css")
    manifest = WEBFONT_DIR / "manifest.json"
    before = manifest.stat().st_mtime_ns
    for _ in range(3):
        browser.get("/fonts/fonts.css")
    build_webfonts(WEBFONT_DIR)  # up to date: nothing rewritten
    assert manifest.stat().st_mtime_ns == before
    built = webfonts(WEBFONT_DIR)
    assert all(f.bytes < f.source_bytes / 3 for f in built)
    sizes = {(f.subset, f.weight): f.bytes for f in built}
    assert sizes[("latin", 400)] < 30_000 and sizes[("thai", 400)] < 20_000


def test_subsets_keep_the_source_fonts_timestamp() -> None:
    """Not the build's time: a rebuild gives the same bytes, sizes and file names."""
    by_role = {item.name: item.role for item in SUBSETS}
    for font in build_webfonts(WEBFONT_DIR):
        built = TTFont(io.BytesIO((WEBFONT_DIR / font.file).read_bytes()))
        index = 0 if font.weight == 400 else 1
        source = TTFont(font_dir() / FONT_FILES[by_role[font.subset]][index], lazy=True)
        assert built["head"].modified == source["head"].modified, font.file


def _participant_strings(locale_id: str) -> list[str]:
    """A reading page's texts: the locale's consent text and its participant catalog."""
    with (TEXTS / f"{locale_id}.toml").open("rb") as handle:
        strings = _strings(tomllib.load(handle))
    po = TRANSLATIONS / locale_id / "LC_MESSAGES" / "messages.po"
    if po.is_file():
        with po.open("rb") as handle:
            strings += [m.string for m in read_po(handle) if isinstance(m.string, str)]
    return strings


def test_a_reading_page_needs_only_its_scripts_main_subset_and_latin() -> None:
    """What keeps a form page small: a locale's consent text and participant strings need
    ``latin`` and their own script's main subset, never a rarer block's subset (Polish,
    Turkish, Bosnian and Kurmanji letters are in ``latin-ext``); Swedish needs ``latin`` only."""
    ranges = {item.name: item.codepoints() for item in SUBSETS}
    for locale in load_registry().locales:
        chars = {ch for s in _participant_strings(locale.id) for ch in s if not ch.isspace()}
        needed = {name for ch in chars for name, cps in ranges.items() if ord(ch) in cps}
        allowed = {"latin", subset_for_script(locale.script)}
        if locale.script == "Latn":
            allowed.add("latin-ext")
        assert needed <= allowed, (locale.id, needed)
        if locale.id == "sv":
            assert needed == {"latin"}


def test_language_names_have_a_small_font_of_their_own(app: Flask, browser: Browser) -> None:
    """Every glyph of every language's own name is in the names family (one weight, small),
    which fonts.css sets on the language picker's buttons and on language options."""
    faces = name_fonts(WEBFONT_DIR)
    assert faces and {f.weight for f in faces} == {700}
    assert sum(f.bytes for f in faces) < 30_000
    cmap: set[int] = set()
    for face in faces:
        cmap |= set(TTFont(io.BytesIO((WEBFONT_DIR / face.file).read_bytes())).getBestCmap())
    assert {ord(ch) for name in language_names() for ch in name} <= cmap
    css = browser.get("/fonts/fonts.css").get_data(as_text=True)
    assert f'{NAMES_SELECTOR} {{ font-family: "{NAMES_FAMILY}"' in css
    assert ".language-choice" in NAMES_SELECTOR and "option[lang]" in NAMES_SELECTOR
    for face in faces:
        assert browser.get(f"/fonts/{face.file}").status_code == 200
