"""The fonts every PDF uses: found through FORMAPP_FONT_DIR, loaded once per process.

No single Noto font covers Latin, Arabic, Ethiopic and Thai (DESIGN.md §7), so each script has
its own font and text is split into runs by script (see ``itemize``). Each font is loaded once:
a ReportLab ``TTFont`` (embedding, subsetting) and a HarfBuzz font (shaping) over the same file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb
from reportlab.pdfbase import pdfmetrics

from formapp.documents import _reportlab_internals as rl
from formapp.documents.font_files import FONT_FILES, ROLES, check_fonts, font_dir
from formapp.documents.glyphfont import GlyphTTFont


@dataclass(eq=False)
class Font:
    """One font file, ready for shaping (HarfBuzz) and embedding (ReportLab)."""

    name: str
    path: Path
    role: str
    bold: bool
    rl_font: GlyphTTFont
    hb_font: hb.Font
    units_per_em: int
    # The font's own cmap as loaded (ReportLab's copy later gains private codes, see glyphfont).
    cmap: dict[int, int]
    ascent: float  # per 1 pt of size
    descent: float  # negative, per 1 pt of size

    def has_char(self, codepoint: int) -> bool:
        return codepoint in self.cmap

    def advance(self, gid: int) -> int:
        """Advance width of a glyph in font units."""
        return rl.glyph_advance(self.rl_font, gid)


@dataclass(frozen=True, eq=False)  # hashed by identity: a key of the layout cache
class FontSet:
    """All fonts of the process, by (role, bold)."""

    fonts: dict[tuple[str, bool], Font]
    # (codepoint, role, bold) -> the first font in fallback order that has it (or None)
    _choice: dict[tuple[int, str, bool], Font | None] = field(default_factory=dict, repr=False)

    def get(self, role: str, bold: bool = False) -> Font:
        return self.fonts[(role, bold)]

    def fallback_order(self, role: str, bold: bool) -> list[Font]:
        """The run's own font first, then the others in ROLES order."""
        return [self.get(role, bold)] + [self.get(r, bold) for r in ROLES if r != role]

    def first_with(self, codepoint: int, role: str, bold: bool) -> Font | None:
        key = (codepoint, role, bold)
        try:
            return self._choice[key]
        except KeyError:
            found = next((f for f in self.fallback_order(role, bold) if f.has_char(codepoint)),
                         None)
            self._choice[key] = found
            return found

    def covers(self, codepoint: int) -> bool:
        return any(f.has_char(codepoint) for f in self.fonts.values())


def load_fonts(directory: str | None = None) -> FontSet:
    """Load (once per process and directory) every font of FONT_FILES."""
    return _fonts_in(str(Path(directory) if directory else font_dir()))


@lru_cache(maxsize=4)
def _fonts_in(directory: str) -> FontSet:
    # Process-wide: the files of one directory, keyed by it (the setting is read outside).
    path = Path(directory)
    check_fonts(path)
    fonts: dict[tuple[str, bool], Font] = {}
    for role, (regular, bold) in FONT_FILES.items():
        for is_bold, filename in ((False, regular), (True, bold)):
            fonts[(role, is_bold)] = _load_font(path / filename, role, is_bold)
    return FontSet(fonts)


def _load_font(path: Path, role: str, bold: bool) -> Font:
    # The name carries the directory's hash so two font dirs in one process never collide.
    name = f"formapp-{path.stem}-{abs(hash(str(path.parent))) % 10**6}"
    rl_font = GlyphTTFont(name, str(path))
    pdfmetrics.registerFont(rl_font)
    data = path.read_bytes()
    face = hb.Face(hb.Blob(data))
    hb_font = hb.Font(face)
    upem = face.upem
    hb_font.scale = (upem, upem)  # positions come back in font units
    extents = hb_font.get_font_extents("ltr")
    return Font(
        name=name, path=path, role=role, bold=bold, rl_font=rl_font, hb_font=hb_font,
        units_per_em=upem, cmap=dict(rl.char_to_glyph(rl_font)),
        ascent=extents.ascender / upem, descent=extents.descender / upem,
    )
