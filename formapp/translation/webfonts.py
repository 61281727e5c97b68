"""Web fonts served by formapp itself: the PDF engine's Noto fonts, subset per script.

No single Noto font covers every script (DESIGN.md §7). The browser gets one CSS family,
``formapp-noto``, made of one face per subset and weight, each with a ``unicode-range``: a
tablet downloads only the subsets whose characters the page shows (a Swedish page: ``latin``
only; an Arabic page: Arabic, plus ``latin`` for digits and names). A script's rarely used
blocks are subsets of their own, as Google Fonts cuts them: ``latin`` is ASCII, Latin-1, the
combining marks and common punctuation (about 24 KB a weight, every page needs it), Polish or
Turkish letters add ``latin-ext``, Russian ``cyrillic``; Tigrinya needs only the Ethiopic
block, not ``ethiopic-ext``. Every character is in exactly one subset, so which file serves it
never depends on the order of the faces, and the whole set covers what one subset per script
covered.

The fonts come from the same directory as the PDF's (``FORMAPP_FONT_DIR``, see
``formapp.documents.fonts``). :func:`build_webfonts` subsets them with fontTools into WOFF2
(Brotli) files named by content hash, plus ``fonts.css`` and ``manifest.json``, into a
directory (``<data dir>/webfonts`` by default). It runs once: from ``formapp i18n fonts`` (make
run), or at the first font request when that was skipped; it is redone only when the source
fonts or the subset definitions change.

Language names are the one text that shows every script at once (the participant's language
picker, the question-language list of FK 9448/9449): with ``formapp-noto`` such a page would
pull every subset. ``fonts.css`` therefore also has a second family, ``formapp-names``: one
face per script holding only the glyphs of the languages' own names in ``forms/locales.toml``,
in one weight (bold, as the picker's buttons are), about 12 KB in all, set on the elements that
show those names (``NAMES_SELECTOR``).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fontTools
from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont

from formapp.documents.font_files import FONT_FILES, font_dir
from formapp.i18n.registry import load_registry

FAMILY = "formapp-noto"
MANIFEST = "manifest.json"
STYLESHEET = "fonts.css"
NAMES_FAMILY = "formapp-names"
NAMES_WEIGHT = 700  # the picker's buttons are semibold: 600 is served by the 700 face
# Where language names are shown: the picker's buttons (consent/language.html) and a list of
# languages (each option carries its language's lang attribute). The select itself too: a
# browser measures every option in the select's font to size it, and would fetch every subset.
NAMES_SELECTOR = ".language-choice, select:has(> option[lang]), option[lang]"
FORMAT_VERSION = 5  # bump when the output changes for the same inputs


@dataclass(frozen=True)
class Subset:
    """One script's web font: which PDF font role it is cut from and which characters."""

    name: str
    scripts: tuple[str, ...]  # ISO 15924 codes of the registry this subset serves
    role: str  # key of formapp.documents.font_files.FONT_FILES
    ranges: tuple[tuple[int, int], ...]

    def codepoints(self) -> set[int]:
        return {cp for first, last in self.ranges for cp in range(first, last + 1)}

    def unicode_range(self) -> str:
        return ", ".join(f"U+{a:04X}" if a == b else f"U+{a:04X}-{b:04X}"
                         for a, b in self.ranges)


# Joiners and direction marks (U+200C–200F) belong to the Arabic subset: Persian needs ZWNJ
# inside words, and it must come from the same font as the letters around it. The combining
# marks (U+0300–036F) belong to ``latin``: a browser takes a base letter and its mark from one
# face, and a unicode-range admits only its own characters, so text typed decomposed (e + ◌́)
# renders in Noto only if the mark is in the same face as most base letters.
SUBSETS: tuple[Subset, ...] = (
    Subset("latin", ("Latn",), "latin", (
        (0x0000, 0x00FF), (0x0131, 0x0131), (0x0152, 0x0153), (0x02BB, 0x02BC),
        (0x02C6, 0x02C6), (0x02DA, 0x02DA), (0x02DC, 0x02DC), (0x0300, 0x036F),
        (0x2000, 0x200B), (0x2010, 0x206F), (0x20AC, 0x20AC), (0x2122, 0x2122),
        (0x2190, 0x21FF), (0x2212, 0x2215), (0xFFFD, 0xFFFD))),
    Subset("latin-ext", ("Latn",), "latin", (
        (0x0100, 0x0130), (0x0132, 0x0151), (0x0154, 0x024F), (0x0259, 0x0259),
        (0x02B0, 0x02BA), (0x02BD, 0x02C5), (0x02C7, 0x02D9), (0x02DB, 0x02DB),
        (0x02DD, 0x02FF), (0x20A0, 0x20AB), (0x20AD, 0x20CF), (0x2100, 0x2121),
        (0x2123, 0x214F))),
    Subset("cyrillic", ("Cyrl",), "latin", ((0x0400, 0x052F),)),
    Subset("arabic", ("Arab",), "arabic", (
        (0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0x200C, 0x200F),
        (0xFB50, 0xFDFF), (0xFE70, 0xFEFC))),
    Subset("ethiopic", ("Ethi",), "ethiopic", ((0x1200, 0x137F),)),
    Subset("ethiopic-ext", ("Ethi",), "ethiopic", (
        (0x1380, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F), (0x1E7E0, 0x1E7FF))),
    Subset("thai", ("Thai",), "thai", ((0x0E01, 0x0E5B),)),
)
WEIGHTS = ((400, 0), (700, 1))  # CSS weight -> index in FONT_FILES' (regular, bold)

_lock = threading.Lock()


@dataclass(frozen=True)
class WebFont:
    subset: str
    weight: int
    file: str
    bytes: int
    source_bytes: int
    unicode_range: str


def webfont_dir(config: Mapping[str, Any]) -> Path:
    """``FORMAPP_WEBFONT_DIR``, default ``<data dir>/webfonts``."""
    configured = config.get("FORMAPP_WEBFONT_DIR")
    return Path(configured) if configured else Path(config["FORMAPP_DATA_DIR"]) / "webfonts"


def language_names() -> tuple[str, ...]:
    """Every language's name in itself, as the language picker shows it."""
    return tuple(locale.name for locale in load_registry().locales)


def _home(codepoint: int) -> Subset | None:
    return next((item for item in SUBSETS if any(a <= codepoint <= b for a, b in item.ranges)),
                None)


def names_codepoints(names: tuple[str, ...]) -> dict[str, set[int]]:
    """Subset name -> the characters of ``names`` it serves (each character in one only)."""
    wanted: dict[str, set[int]] = {}
    for char in {ch for name in names for ch in name}:
        home = _home(ord(char))
        if home is not None:
            wanted.setdefault(home.name, set()).add(ord(char))
    return wanted


def _ranges_of(codepoints: set[int]) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for cp in sorted(codepoints):
        if spans and spans[-1][1] == cp - 1:
            spans[-1] = (spans[-1][0], cp)
        else:
            spans.append((cp, cp))
    return tuple(spans)


def _build_key(source_dir: Path, names: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    digest.update(f"{FORMAT_VERSION}|{fontTools.version}|{SUBSETS!r}|{WEIGHTS!r}|"
                  f"{names!r}".encode())
    for item in SUBSETS:
        for _weight, index in WEIGHTS:
            path = source_dir / FONT_FILES[item.role][index]
            stat = path.stat()
            digest.update(f"|{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def read_manifest(out_dir: Path) -> dict | None:
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def webfonts(out_dir: Path) -> list[WebFont]:
    """The fonts of a built directory (empty if it was never built)."""
    manifest = read_manifest(out_dir) or {}
    return [WebFont(**entry) for entry in manifest.get("fonts", [])]


def name_fonts(out_dir: Path) -> list[WebFont]:
    """The language names' fonts of a built directory (family ``formapp-names``)."""
    manifest = read_manifest(out_dir) or {}
    return [WebFont(**entry) for entry in manifest.get("names", [])]


def build_webfonts(out_dir: Path, source_dir: Path | None = None, *,
                   force: bool = False) -> list[WebFont]:
    """Subset the PDF fonts into ``out_dir`` unless an up-to-date build is already there."""
    source_dir = Path(source_dir or font_dir())
    names = language_names()
    with _lock:
        key = _build_key(source_dir, names)
        manifest = read_manifest(out_dir)
        if not force and manifest and manifest.get("key") == key and all(
                (out_dir / entry["file"]).is_file()
                for entry in manifest["fonts"] + manifest.get("names", [])):
            return webfonts(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        fonts = [_subset_one(item, weight, source_dir / FONT_FILES[item.role][index], out_dir)
                 for item in SUBSETS for weight, index in WEIGHTS]
        bold = dict((w, i) for w, i in WEIGHTS)[NAMES_WEIGHT]
        by_name = {item.name: item for item in SUBSETS}
        name_faces = [
            _subset_one(Subset(f"names-{home}", by_name[home].scripts, by_name[home].role,
                               _ranges_of(codepoints)),
                        NAMES_WEIGHT, source_dir / FONT_FILES[by_name[home].role][bold], out_dir)
            for home, codepoints in sorted(names_codepoints(names).items())]
        _write_atomic(out_dir / STYLESHEET, stylesheet(fonts, name_faces).encode("utf-8"))
        _write_atomic(out_dir / MANIFEST, json.dumps(
            {"key": key, "family": FAMILY, "fonts": [f.__dict__ for f in fonts],
             "names": [f.__dict__ for f in name_faces]},
            indent=2).encode("utf-8"))
        keep = {f.file for f in fonts + name_faces} | {STYLESHEET, MANIFEST}
        for stale in out_dir.glob("*.woff2"):
            if stale.name not in keep:
                stale.unlink()
        return fonts


def _subset_one(item: Subset, weight: int, source: Path, out_dir: Path) -> WebFont:
    options = ft_subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # keep every shaping feature (Arabic joining, Thai marks)
    options.hinting = False  # tablets do not use TrueType hinting; it is a third of the bytes
    options.notdef_outline = True
    # The source's timestamp, not the build's: the same inputs give the same bytes (and file
    # name), so a rebuild neither changes the sizes nor busts the browsers' cached copies.
    font = TTFont(str(source), recalcTimestamp=False)
    wanted = item.codepoints() & set(font.getBestCmap())
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(wanted))
    subsetter.subset(font)
    font.flavor = "woff2"
    with tempfile.NamedTemporaryFile(dir=out_dir, suffix=".tmp", delete=False) as handle:
        temp = Path(handle.name)
    try:
        font.save(str(temp))
        data = temp.read_bytes()
    finally:
        temp.unlink(missing_ok=True)
    name = f"noto-{item.name}-{weight}.{hashlib.sha256(data).hexdigest()[:12]}.woff2"
    _write_atomic(out_dir / name, data)
    return WebFont(subset=item.name, weight=weight, file=name, bytes=len(data),
                   source_bytes=source.stat().st_size, unicode_range=item.unicode_range())


def _write_atomic(path: Path, data: bytes) -> None:
    """Readers (other workers) see the old file or the new one, never half of one."""
    fd, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(temp, 0o644)
    os.replace(temp, path)


def _face(family: str, font: WebFont) -> str:
    return ("@font-face {\n"
            f"  font-family: \"{family}\";\n"
            "  font-style: normal;\n"
            f"  font-weight: {font.weight};\n"
            "  font-display: swap;\n"
            f"  src: url(\"{font.file}\") format(\"woff2\");\n"
            f"  unicode-range: {font.unicode_range};\n"
            "}")


def stylesheet(fonts: Sequence[WebFont], name_faces: Sequence[WebFont] = ()) -> str:
    """``@font-face`` rules, one per subset and weight, then the language names' faces and the
    rule that puts them where names are shown; URLs relative to the stylesheet."""
    rules = [f"/* {FAMILY}: Noto fonts subset per script; a browser fetches a file only when "
             "the page shows a character in its unicode-range. */"]
    rules += [_face(FAMILY, font) for font in fonts]
    if name_faces:
        rules.append(f"/* {NAMES_FAMILY}: only the glyphs of the languages' own names, one "
                     "weight: a page listing every language needs no other subset for them. */")
        rules += [_face(NAMES_FAMILY, font) for font in name_faces]
        rules.append(f"{NAMES_SELECTOR} {{ font-family: \"{NAMES_FAMILY}\", \"{FAMILY}\", "
                     "\"Noto Sans\", system-ui, sans-serif; }")
    return "\n".join(rules) + "\n"


def subset_for_script(script: str) -> str | None:
    """The (main) subset that serves an ISO 15924 script, or None if formapp has no web font
    for it; a script's rarer letters may be in a further subset (``latin-ext``)."""
    return next((item.name for item in SUBSETS if script in item.scripts), None)
