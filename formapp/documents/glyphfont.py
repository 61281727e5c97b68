"""A ReportLab TrueType font that can draw shaped glyphs and still extract as the right text.

ReportLab subsets and embeds TrueType fonts by *character*: every character drawn gets a code in
a 256-code subset font, with a ToUnicode entry for that character. Shaped text is made of
*glyphs*, and many have no character of their own (Arabic joining forms, ligatures, mirrored
brackets, Thai mark variants). We give such a glyph a private character (plane 15) that maps to
its glyph id, and keep the text it stands for; when ReportLab writes the font we replace its
ToUnicode CMap with one that maps each code to that text. ``pdftotext`` then yields the
logical characters, not private-use ones.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable
from functools import partial

from reportlab.pdfbase.pdfdoc import PDFStream
from reportlab.pdfbase.ttfonts import TTFont

from formapp.documents import _reportlab_internals as rl
from formapp.documents.pdfa import Formatted

_PRIVATE_START = 0xF0000  # Supplementary Private Use Area-A: no Noto cmap uses it
_PRIVATE_END = 0xFFFFD
_SUBSET_CACHE_MAX = 256  # font files per font kept (a few KB to 40 KB each)


class GlyphTTFont(TTFont):
    """TTFont plus glyph-id drawing: ``code_for(gid, text)`` gives the character to draw."""

    def __init__(self, name: str, filename: str) -> None:
        # asciiReadable keeps ASCII at its own codes, so content streams stay greppable.
        super().__init__(name, filename, asciiReadable=True, shapable=False)
        self._original_cmap = dict(rl.char_to_glyph(self))
        self._private: dict[tuple[int, str], int] = {}
        self._text_of: dict[int, str] = {}
        self._next_private = _PRIVATE_START
        self._lock = threading.Lock()
        # The same subset (the same consent text) makes the same font file: built once.
        self._subset_files: dict[tuple[int, ...], bytes] = {}

        def cached(make_subset: rl.Subsetter) -> rl.Subsetter:
            def cached_subset(subset: list[int]) -> bytes:
                key = tuple(subset)
                data = self._subset_files.get(key)
                if data is None:
                    if len(self._subset_files) >= _SUBSET_CACHE_MAX:
                        self._subset_files.clear()
                    data = self._subset_files[key] = make_subset(subset)
                return data
            return cached_subset

        rl.wrap_subsetter(self, cached)
        # ... and the same compressed streams: (kind, subset number, subset) -> Flate bytes.
        self._compressed: dict[tuple[str, int, tuple[int, ...]], bytes] = {}
        self._widths: dict[tuple[int, ...], Formatted] = {}

    def code_for(self, gid: int, text: str) -> int:
        """The character code that draws glyph ``gid`` and extracts as ``text``."""
        if len(text) == 1 and self._original_cmap.get(ord(text)) == gid:
            return ord(text)
        key = (gid, text)
        code = self._private.get(key)
        if code is not None:
            return code
        with self._lock:
            code = self._private.get(key)
            if code is None:
                if self._next_private > _PRIVATE_END:
                    raise RuntimeError(f"font {self.fontName}: out of private codes")
                code = self._next_private
                self._next_private += 1
                rl.map_code_to_glyph(self, code, gid)
                self._text_of[code] = text
                self._private[key] = code
        return code

    def width_of_code(self, code: int) -> float:
        """Advance of a code in the PDF's 1000-unit text space, as written in /Widths."""
        return rl.code_width(self, code)

    def addObjects(self, doc) -> None:
        """Write the subsets as ReportLab does, then put our ToUnicode text in; the font file
        and the CMap of a subset already written once are not compressed again."""
        subsets = rl.document_subsets(self, doc)
        # Asked while ReportLab's state for ``doc`` still exists (asking after would register
        # the font with the document again).
        font_names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            base_name = rl.subset_base_name(self, n)
            key = tuple(subset)
            cmap = rl.to_unicode_stream(doc, base_name)
            if cmap is not None:
                # Codes only ever gain a text, never change it: the CMap of a subset is stable.
                self._precompress(cmap, ("cmap", n, key), partial(
                    _cmap_bytes, base_name, subset, self._text_of))
            font_file = rl.font_file_stream(doc, self, base_name)
            if font_file is not None:
                self._precompress(font_file, ("file", n, key), partial(bytes, font_file.content))
            font = rl.font_object(doc, font_names[n])
            if font is not None:
                # 256 numbers each formatted by ReportLab per document: a third of an Arabic
                # consent's PDF writing. A code's width never changes.
                widths = self._widths.get(key)
                if widths is None:
                    if len(self._widths) >= _SUBSET_CACHE_MAX:
                        self._widths.clear()
                    widths = self._widths[key] = Formatted(rl.format_widths(font, doc))
                rl.set_widths(font, widths)

    def _precompress(self, stream: PDFStream, key: tuple[str, int, tuple[int, ...]],
                     content: Callable[[], bytes]) -> None:
        data = self._compressed.get(key)
        if data is None:
            if len(self._compressed) >= 2 * _SUBSET_CACHE_MAX:
                self._compressed.clear()
            data = self._compressed[key] = zlib.compress(content())
        rl.set_flate_content(stream, data)


def _cmap_bytes(name: str, subset: list[int], text_of: dict[int, str]) -> bytes:
    return to_unicode_cmap(name, subset, text_of).encode("latin-1")


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def to_unicode_cmap(name: str, subset: list[int], text_of: dict[int, str]) -> str:
    """A ToUnicode CMap for one 256-code subset; at most 100 entries per block (PDF spec)."""
    entries = []
    for code, char in enumerate(subset):
        text = text_of.get(char)
        if text is None:
            if char == 0:
                continue  # .notdef, never drawn
            text = chr(char)
        if text:
            entries.append(f"<{code:02X}> <{_utf16_hex(text)}>")
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
        f"/CMapName /{name} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<00> <FF>",
        "endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        block = entries[start:start + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines.extend(block)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)
