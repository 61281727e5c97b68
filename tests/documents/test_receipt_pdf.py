"""The sealed-receipt document: PDF/A-3b, record attached, any script, long content paginates."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime

import pikepdf
import pytest

from formapp.documents.errors import MissingGlyphError
from formapp.documents.pdfa import pdfa3b_violations
from formapp.documents.receipt_pdf import ReceiptDocument, render_receipt_pdf

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils is not installed (make system-deps)")

# Words without lam-alef or the Allah ligature: poppler writes a ligature's letters reversed in
# right-to-left text, whatever the ToUnicode map says (see pdftext).
ARABIC_NAME = "فاطمة حسن الزهراء"
PERSONNUMMER = "19121212-1212"


def _doc(**changes: object) -> ReceiptDocument:
    doc = ReceiptDocument(
        document_id="R-2025-000123",
        title="Återkallat samtycke – FK 9443",
        paragraphs=("Deltagaren har återkallat sitt samtycke till registrering i SUS. Inga fler "
                    "personuppgifter registreras i insatsen från och med i dag.",
                    f"Namnet skrivs som deltagaren skrev det: {ARABIC_NAME}."),
        facts=(("Namn", ARABIC_NAME), ("Personnummer", PERSONNUMMER),
               ("Insats", "Steget vidare – arbetslivsinriktad rehabilitering i samverkan mellan "
                          "Försäkringskassan, Arbetsförmedlingen och kommunen, med ett långt "
                          "namn som måste radbrytas i tabellen"),
               ("Återkallat", "2025-03-04")),
        forbund="Samordningsförbundet Exempelstad",
        record={"kind": "consent_withdrawal", "name": ARABIC_NAME, "personnummer": PERSONNUMMER,
                "withdrawn_on": "2025-03-04", "nested": {"list": [1, 2, 3], "none": None}},
        created=datetime(2025, 3, 4, 10, 0, tzinfo=UTC),
    )
    return replace(doc, **changes)  # type: ignore[arg-type]


def _text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")


def _pages(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def test_receipt_is_pdfa3b_with_record() -> None:
    doc = _doc()
    data = render_receipt_pdf(doc, validate=True)
    assert pdfa3b_violations(data) == []  # and validate=True checked the unsealed twin
    with pikepdf.open(io.BytesIO(data)) as pdf:
        spec = pdf.attachments["record.json"]
        assert spec.obj in list(pdf.Root.AF)
        assert json.loads(spec.get_file().read_bytes()) == doc.record
        assert str(pdf.Root.Lang) == "sv-SE"
        assert len(pdf.pages) == 1


def _strip_bidi_marks(text: str) -> str:
    # poppler wraps right-to-left runs in U+202B … U+202C; the letters between are what count.
    return re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)


@needs_poppler
@pytest.mark.parametrize("locale", ["sv", "ar"])
def test_arabic_name_and_personnummer_extract(locale: str) -> None:
    text = _strip_bidi_marks(_text(render_receipt_pdf(_doc(locale=locale))))
    assert ARABIC_NAME in text  # logical order, words in order
    assert PERSONNUMMER in text  # left to right, even in a right-to-left receipt
    for needle in ("formapp · Samordningsförbundet Exempelstad", "Återkallat samtycke – FK 9443",
                   "Dokument-id R-2025-000123", "sida 1 (1)", "2025-03-04"):
        assert needle in text, needle


@needs_poppler
def test_personnummer_is_drawn_left_to_right_in_an_arabic_receipt() -> None:
    """-bbox: the digits of 19121212-1212 are one word, and its left edge is where it starts."""
    html = subprocess.run(["pdftotext", "-bbox", "-", "-"],
                          input=render_receipt_pdf(_doc(locale="ar")), capture_output=True,
                          check=True).stdout.decode("utf-8")
    words = re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', html)
    assert any(word == PERSONNUMMER for _, word in words)


@needs_poppler
def test_long_receipt_paginates() -> None:
    paragraph = ("Registerutdrag enligt artikel 15 i dataskyddsförordningen. Här står vilka "
                 "uppgifter som behandlas om dig, varför, hur länge de sparas och vem som får "
                 "ta del av dem. ") * 4
    facts = tuple((f"Uppgift {n}", f"Värde {n} " + "lång text " * (n % 7 * 6))
                  for n in range(60))
    facts += (("Mycket långt värde", "ord " * 3000),)  # taller than a page: flows as text
    doc = _doc(paragraphs=(paragraph,) * 12, facts=facts)
    data = render_receipt_pdf(doc, validate=True)
    pages = _pages(data)
    assert pages >= 4
    text = _text(data)
    assert f"sida 1 ({pages})" in text and f"sida {pages} ({pages})" in text
    assert "Uppgift 0" in text and "Uppgift 59" in text
    assert text.count("formapp · Samordningsförbundet Exempelstad") == pages


def test_a_character_no_font_has_is_refused() -> None:
    with pytest.raises(MissingGlyphError, match="U\\+6F22"):
        render_receipt_pdf(_doc(facts=(("Namn", "漢"),)))
