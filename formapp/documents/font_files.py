"""The font files of the PDFs: where they are (``FORMAPP_FONT_DIR``) and which characters
they have.

Apart from ``fonts`` (which loads them into ReportLab and HarfBuzz to draw): the input checks
ask only whether a character prints (``printable``), and the web fonts and charts only where
the files are, so none of them loads ReportLab (issue 16).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb

from formapp.config import FONT_DIR_ENV, font_dir_setting
from formapp.documents.errors import FontConfigError

# Debian's fonts-noto-core installs here.
DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/noto"

# Script role -> (regular file, bold file). Order matters: it is the fallback order for
# characters the run's own font lacks (brackets in Arabic text come from NotoSans).
FONT_FILES: dict[str, tuple[str, str]] = {
    "latin": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),  # Latin, Cyrillic, punctuation
    "arabic": ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    "ethiopic": ("NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf"),
    "thai": ("NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"),
}
ROLES: tuple[str, ...] = tuple(FONT_FILES)


def font_dir(env: Mapping[str, str] | None = None) -> Path:
    return Path(font_dir_setting(env) or DEFAULT_FONT_DIR)


def missing_font_files(directory: Path) -> list[Path]:
    return [directory / name for pair in FONT_FILES.values() for name in pair
            if not (directory / name).is_file()]


def check_fonts(directory: Path | None = None) -> None:
    """Fail at start, with the files and the variable to set, if a needed font is missing."""
    directory = directory or font_dir()
    missing = missing_font_files(directory)
    if missing:
        listed = ", ".join(str(p) for p in missing)
        raise FontConfigError(
            f"missing font files: {listed}. Install Debian's fonts-noto-core "
            f"(make system-deps) or set {FONT_DIR_ENV} to a directory holding them.")


@dataclass(frozen=True)
class Coverage:
    """The characters some regular font has, and those some bold font has."""

    regular: frozenset[int]
    bold: frozenset[int]

    def both(self, codepoint: int) -> bool:
        return codepoint in self.regular and codepoint in self.bold


def coverage(directory: str | None = None) -> Coverage:
    """The configured fonts' characters (``directory``: else ``FORMAPP_FONT_DIR``)."""
    return _coverage_in(str(Path(directory) if directory else font_dir()))


@lru_cache(maxsize=4)
def _coverage_in(directory: str) -> Coverage:
    # Process-wide: the files of one directory, keyed by it (the setting is read outside).
    path = Path(directory)
    check_fonts(path)
    found: dict[bool, set[int]] = {False: set(), True: set()}
    for pair in FONT_FILES.values():
        for bold, name in zip((False, True), pair, strict=True):
            face = hb.Face(hb.Blob((path / name).read_bytes()))
            found[bold] |= set(face.unicodes)
    return Coverage(frozenset(found[False]), frozenset(found[True]))
