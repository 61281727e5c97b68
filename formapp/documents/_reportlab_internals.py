"""Every place formapp reaches into ReportLab beyond its documented API, and nothing else.

Checked against ReportLab 5.1.0 (pinned ``==5.1.0`` in pyproject.toml). Each function is one
contact point and has a contract test in tests/documents/test_library_contracts.py that fails,
naming it, when an upgrade changes what it relies on: run those first after any upgrade.

- The canvas: its document (``Canvas._doc``), its page content (``Canvas._code``), the forms a
  page uses (``Canvas._formsinuse``), annotations (``Canvas._addAnnotation``) and formapp's own
  per-document caches kept in the canvas's ``__dict__``.
- The document: catalog entries PDFCatalog has no slot for (``__NoDefault__``), the Info
  dictionary (``PDFDocument.info``), page transitions (``PDFPage.Trans``).
- TrueType fonts: the face's tables (``charToGlyph``, ``glyphToChar``, ``charWidths``,
  ``hmetrics``, ``_pdfScale``), its subsetter (``makeSubset``), a document's subsets
  (``TTFont.state``), how subsets are named (``SUBSETN``, ``subfontNameX``) and which
  document objects hold them (``PDFDocument.idToObject`` keys), their /Widths and streams.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFCatalog, PDFName, PDFObject, PDFStream
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont
from reportlab.pdfgen.canvas import Canvas

Subsetter = Callable[[list[int]], bytes]

# --- the canvas -------------------------------------------------------------------------------


def document_of(canvas: Canvas) -> Any:
    """The PDFDocument the canvas writes into."""
    return canvas._doc


def append_operators(canvas: Canvas, operators: str) -> None:
    """Raw PDF operators onto the current page (or form), after what is drawn so far."""
    canvas._code.append(operators)


def use_form(canvas: Canvas, name: str) -> str:
    """Mark form XObject ``name`` as used on the current page; its resource name there."""
    resource = canvas._doc.getXObjectName(name)
    canvas._formsinuse.append(name)
    return resource


def add_annotation(canvas: Canvas, annotation: PDFObject, name: str) -> None:
    """An annotation on the current page, referable as ``name`` (refAnnotation)."""
    canvas._addAnnotation(annotation, name)


def canvas_cache(canvas: Canvas, key: str) -> dict[Any, Any]:
    """A dict of formapp's that lives as long as the canvas (one document)."""
    cache: dict[Any, Any] = canvas.__dict__.setdefault(key, {})
    return cache


# --- the document -----------------------------------------------------------------------------


def set_catalog_entries(canvas: Canvas, entries: dict[str, Any]) -> None:
    """Catalog entries ReportLab's PDFCatalog has no slot for (written in this order)."""
    catalog = canvas._doc.Catalog
    known = list(getattr(catalog, "__NoDefault__", PDFCatalog.__NoDefault__))
    catalog.__NoDefault__ = known + [k for k in entries if k not in known]
    for key, value in entries.items():
        setattr(catalog, key, value)


def set_document_info(canvas: Canvas, info: PDFObject) -> None:
    """Replace the Info dictionary ReportLab would write."""
    canvas._doc.info = info


def drop_page_transitions(canvas: Canvas) -> None:
    """ReportLab writes an empty /Trans on every page: leave it out."""
    for page in canvas._doc.Pages.pages:
        page.Trans = None


# --- TrueType fonts ---------------------------------------------------------------------------


def char_to_glyph(font: TTFont) -> dict[int, int]:
    """The font's character -> glyph id table (formapp adds private codes to it)."""
    table: dict[int, int] = font.face.charToGlyph
    return table


def glyph_advance(font: TTFont, gid: int) -> int:
    """A glyph's advance width in font units."""
    advance: int = font.face.hmetrics[gid][0]
    return advance


def code_width(font: TTFont, code: int) -> float:
    """A character's advance in the PDF's 1000-unit text space (as in /Widths)."""
    width: float = font.face.getCharWidth(code)
    return width


def map_code_to_glyph(font: TTFont, code: int, gid: int) -> None:
    """Make character ``code`` draw glyph ``gid``, with that glyph's width."""
    face = font.face
    face.charToGlyph[code] = gid
    face.glyphToChar.setdefault(gid, []).append(code)
    face.charWidths[code] = face._pdfScale(face.hmetrics[gid][0])


def wrap_subsetter(font: TTFont, wrap: Callable[[Subsetter], Subsetter]) -> None:
    """Put ``wrap(subsetter)`` in place of the face's font-file subsetter."""
    font.face.makeSubset = wrap(font.face.makeSubset)


def document_subsets(font: TTFont, document: Any) -> list[list[int]]:
    """The characters of each subset of ``font`` used in ``document`` so far."""
    state = font.state.get(document)
    return [list(s) for s in state.subsets] if state else []


def subset_base_name(font: TTFont, number: int) -> str:
    """The /BaseFont name (tag+name) ReportLab gives subset ``number`` of ``font``."""
    face = font.face
    return b"".join((SUBSETN(number), b"+", face.name, face.subfontNameX)).decode("pdfdoc")


def to_unicode_stream(document: Any, base_name: str) -> PDFStream | None:
    """The ToUnicode CMap stream written for a subset (after ``addObjects``)."""
    stream: PDFStream | None = document.idToObject.get("toUnicodeCMap:" + base_name)
    return stream


def font_file_stream(document: Any, font: TTFont, base_name: str) -> PDFStream | None:
    """The embedded font file stream written for a subset (after ``addObjects``)."""
    stream: PDFStream | None = document.idToObject.get(
        f"fontFile:{font.face.filename}({base_name})")
    return stream


def font_object(document: Any, internal_name: str) -> Any:
    """The font dictionary of a subset, by its internal name without the leading slash."""
    return document.idToObject.get(internal_name)


def format_widths(font_dictionary: Any, document: Any) -> bytes:
    """The subset's /Widths array as ReportLab formats it."""
    formatted: bytes = font_dictionary.Widths.format(document)
    return formatted


def set_widths(font_dictionary: Any, widths: PDFObject) -> None:
    font_dictionary.Widths = widths


def set_flate_content(stream: PDFStream, data: bytes) -> None:
    """Make ``stream`` write ``data`` as it is, declared FlateDecode (already compressed)."""
    stream.content = data
    stream.filters = None
    stream.dictionary["Filter"] = PDFName("FlateDecode")
