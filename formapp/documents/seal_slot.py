"""The seal's place, written into the PDF with the rest of the document and filled later.

A formapp PDF carries, from the start, an invisible signature field whose signature dictionary
has a fixed-width /ByteRange, room for /M, /Reason and /Location, and a /Contents of zeros
(ISO 32000-1 §12.8). Sealing fills those in place: the byte range, the time and reason, then
the CMS over every byte but /Contents. The file keeps one revision whose signature covers all
of it, as an incremental-update seal would, without pyHanko parsing and re-writing the
document for every seal. ``find_slot`` knows a slot only by its exact layout, so a PDF formapp
did not write (or one already sealed) has none and is sealed the pyHanko way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFString
from reportlab.pdfgen.canvas import Canvas

from formapp.documents import _reportlab_internals as rl
from formapp.documents.errors import DocumentError
from formapp.documents.pdfa import add_catalog_entries

FIELD_NAME = "Forbundssigill"
# Room for a CMS with a 3072-bit RSA signature, its chain and a timestamp token (as hex).
CONTENTS_HEX_DIGITS = 16384
META_ROOM = 1024  # /M, /Reason and /Location, padded with spaces
_BYTE_RANGE_EMPTY = b"/ByteRange [0 0000000000 0000000000 0000000000]"
_HEAD = b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
_CONTENTS_KEY = b" /Contents "
_WIDGET_NAME = "FormappSeal"
# An invisible widget still prints (PDF/A) and is locked: flags Print (4) + Locked (128).
_WIDGET_FLAGS = 132


class _SignatureDictionary(PDFObject):
    __RefOnly__ = 1

    def format(self, document: Any) -> bytes:
        return (_HEAD + _BYTE_RANGE_EMPTY + b" " * META_ROOM + _CONTENTS_KEY + b"<"
                + b"0" * CONTENTS_HEX_DIGITS + b"> >>")


def add_seal_slot(canvas: Canvas) -> None:
    """An empty seal on ``canvas``'s current page (call it on the first page)."""
    document = rl.document_of(canvas)
    widget = PDFDictionary({
        "Type": PDFName("Annot"), "Subtype": PDFName("Widget"), "FT": PDFName("Sig"),
        "T": PDFString(FIELD_NAME), "F": _WIDGET_FLAGS, "Rect": PDFArray([0, 0, 0, 0]),
        "P": document.thisPageRef(), "V": _SignatureDictionary(),
    })
    rl.add_annotation(canvas, widget, _WIDGET_NAME)
    add_catalog_entries(
        canvas,
        AcroForm=PDFDictionary({"Fields": PDFArray([document.refAnnotation(_WIDGET_NAME)]),
                                "SigFlags": 3}),
        # PAdES (ETSI.CAdES.detached) is declared as the ESIC extension of PDF 1.7.
        Extensions=PDFDictionary({"ESIC": PDFDictionary({
            "Type": PDFName("DeveloperExtensions"), "BaseVersion": PDFName("1.7"),
            "ExtensionLevel": 1})}),
    )


@dataclass(frozen=True)
class Slot:
    byte_range_at: int
    meta_at: int
    contents_at: int  # the "<" of /Contents
    contents_end: int  # just after its ">"


def find_slot(pdf: bytes) -> Slot | None:
    """The empty seal of a PDF formapp wrote, or None."""
    at = pdf.rfind(_BYTE_RANGE_EMPTY)
    if at < len(_HEAD) or pdf[at - len(_HEAD):at] != _HEAD:
        return None
    meta_at = at + len(_BYTE_RANGE_EMPTY)
    key_at = meta_at + META_ROOM
    contents_at = key_at + len(_CONTENTS_KEY)
    contents_end = contents_at + CONTENTS_HEX_DIGITS + 2
    if (pdf[meta_at:key_at] != b" " * META_ROOM
            or pdf[key_at:contents_at + 1] != _CONTENTS_KEY + b"<"
            or pdf[contents_end - 1:contents_end] != b">"
            or pdf.count(b"0", contents_at + 1, contents_end - 1) != CONTENTS_HEX_DIGITS):
        return None
    return Slot(at, meta_at, contents_at, contents_end)


def text_string(text: str) -> bytes:
    """A PDF text string: literal when printable ASCII, else UTF-16BE with a BOM, as hex."""
    if text.isascii() and text.isprintable():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def signature_details(when: datetime, reason: str, location: str) -> bytes:
    stamp = when.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")
    return (b"/M " + text_string(stamp) + b" /Reason " + text_string(reason)
            + b" /Location " + text_string(location))


def fill_slot(pdf: bytes, slot: Slot, details: bytes,
              sign: Callable[[bytes], bytes]) -> bytes:
    """``pdf`` sealed in place: ``details`` (see signature_details) and the byte range are
    written, then ``sign`` gets the SHA-256 of every byte outside /Contents and returns the
    CMS (DER) that goes into it."""
    if len(details) > META_ROOM:
        raise DocumentError("the seal's reason and location are too long")
    out = bytearray(pdf)
    byte_range = (f"/ByteRange [0 {slot.contents_at} {slot.contents_end} "
                  f"{len(pdf) - slot.contents_end}]").encode("ascii")
    out[slot.byte_range_at:slot.meta_at] = byte_range.ljust(len(_BYTE_RANGE_EMPTY))
    out[slot.meta_at:slot.meta_at + META_ROOM] = details.ljust(META_ROOM)
    view = memoryview(out)
    digest = hashlib.sha256(view[:slot.contents_at])
    digest.update(view[slot.contents_end:])
    view.release()
    der = sign(digest.digest())
    if 2 * len(der) > CONTENTS_HEX_DIGITS:
        raise DocumentError(f"the seal ({len(der)} bytes) does not fit its reserved room")
    hex_digits = der.hex().encode("ascii")
    out[slot.contents_at + 1:slot.contents_at + 1 + len(hex_digits)] = hex_digits
    return bytes(out)
