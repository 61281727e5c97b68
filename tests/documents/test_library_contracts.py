"""One test per place formapp relies on ReportLab's or pyHanko's internals
(documents/_reportlab_internals.py, documents/_pyhanko_internals.py): after an upgrade, a
failure here names the contact point that broke, before any PDF comes out wrong."""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import io
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFString
from reportlab.pdfgen.canvas import Canvas

from formapp.documents import _reportlab_internals as rl
from formapp.documents._pyhanko_internals import CachedKeySigner, TemplateSigner
from formapp.documents.fonts import FontSet
from formapp.documents.glyphfont import GlyphTTFont
from formapp.documents.signing_keys import SealMaterial, create_dev_seal, load_seal


def _canvas() -> tuple[Canvas, io.BytesIO]:
    out = io.BytesIO()
    return Canvas(out, pageCompression=0), out


def _saved(canvas: Canvas, out: io.BytesIO, *, end_page: bool = True) -> pikepdf.Pdf:
    if end_page:
        canvas.showPage()
    canvas.save()
    return pikepdf.open(io.BytesIO(out.getvalue()))


def _page_content(pdf: pikepdf.Pdf) -> bytes:
    return pdf.pages[0].Contents.read_bytes()


# --- ReportLab: the canvas ---------------------------------------------------------------------

def test_document_of_is_the_canvas_pdf_document() -> None:
    canvas, _ = _canvas()
    document = rl.document_of(canvas)
    assert type(document).__name__ == "PDFDocument"
    assert hasattr(document, "Reference") and hasattr(document, "thisPageRef")


def test_append_operators_ends_up_in_the_page_content() -> None:
    canvas, out = _canvas()
    rl.append_operators(canvas, "0.25 0.5 0.75 rg 10 10 5 5 re f")
    assert b"0.25 0.5 0.75 rg 10 10 5 5 re f" in _page_content(_saved(canvas, out))


def test_use_form_puts_the_form_in_the_page_resources() -> None:
    canvas, out = _canvas()
    canvas.beginForm("contract_form", 0, 0, 10, 10)
    canvas.rect(0, 0, 10, 10, fill=1)
    canvas.endForm()
    resource = rl.use_form(canvas, "contract_form")
    rl.append_operators(canvas, f"q /{resource} Do Q")
    pdf = _saved(canvas, out)
    assert f"/{resource}" in pdf.pages[0].Resources.XObject
    assert f"/{resource} Do".encode() in _page_content(pdf)


def test_add_annotation_lands_on_the_page_and_is_referable() -> None:
    canvas, out = _canvas()
    widget = PDFDictionary({"Type": PDFName("Annot"), "Subtype": PDFName("Widget"),
                            "T": PDFString("contract"), "Rect": PDFArray([0, 0, 0, 0])})
    rl.add_annotation(canvas, widget, "ContractWidget")
    reference = rl.document_of(canvas).refAnnotation("ContractWidget")
    assert reference is not None
    pdf = _saved(canvas, out)
    (annotation,) = pdf.pages[0].Annots
    assert annotation.T == "contract"


def test_canvas_cache_lives_with_the_canvas() -> None:
    canvas, _ = _canvas()
    rl.canvas_cache(canvas, "_formapp_contract")["k"] = 1
    assert rl.canvas_cache(canvas, "_formapp_contract") == {"k": 1}
    assert rl.canvas_cache(_canvas()[0], "_formapp_contract") == {}


# --- ReportLab: the document -------------------------------------------------------------------

def test_set_catalog_entries_writes_unknown_catalog_keys() -> None:
    canvas, out = _canvas()
    rl.set_catalog_entries(canvas, {"Lang": PDFString("sv"), "FormappContract": PDFName("Yes")})
    pdf = _saved(canvas, out)
    assert pdf.Root.Lang == "sv" and pdf.Root.FormappContract == pikepdf.Name.Yes


class _Info(PDFObject):
    """What ReportLab asks of an Info object: digest() feeds the document ID, format()."""

    __RefOnly__ = 1

    def digest(self, md5: Any) -> None:
        md5.update(b"Kontrakt")

    def format(self, document: Any) -> bytes:
        return PDFDictionary({"Title": PDFString("Kontrakt")}).format(document)


def test_set_document_info_replaces_the_info_dictionary() -> None:
    canvas, out = _canvas()
    rl.set_document_info(canvas, _Info())
    pdf = _saved(canvas, out)
    assert str(pdf.trailer.Info.Title) == "Kontrakt"
    assert "/Producer" not in pdf.trailer.Info


def test_drop_page_transitions_leaves_no_trans() -> None:
    canvas, out = _canvas()
    canvas.showPage()  # as make_pdfa3b: on the pages made, just before saving
    assert "Trans" in vars(rl.document_of(canvas).Pages.pages[0])
    rl.drop_page_transitions(canvas)
    pages = _saved(canvas, out, end_page=False).pages
    assert len(pages) == 1 and "/Trans" not in pages[0].obj


# --- ReportLab: TrueType fonts ------------------------------------------------------------------

@pytest.fixture
def font(fonts: FontSet) -> GlyphTTFont:
    """A fresh GlyphTTFont (its private codes must not leak into the shared one)."""
    path = next(iter(fonts.fonts.values())).path
    return GlyphTTFont("ContractFont", str(path))


def test_char_to_glyph_and_advance(font: GlyphTTFont) -> None:
    gid = rl.char_to_glyph(font)[ord("A")]
    assert gid > 0 and rl.glyph_advance(font, gid) > 0
    assert rl.code_width(font, ord("A")) == pytest.approx(
        1000 * rl.glyph_advance(font, gid) / font.face.unitsPerEm, abs=1)


def test_map_code_to_glyph_draws_that_glyph_with_its_width(font: GlyphTTFont) -> None:
    gid = rl.char_to_glyph(font)[ord("W")]
    rl.map_code_to_glyph(font, 0xF0100, gid)
    assert rl.char_to_glyph(font)[0xF0100] == gid
    assert rl.code_width(font, 0xF0100) == rl.code_width(font, ord("W"))
    canvas, _ = _canvas()
    ((_subset, data),) = font.splitString(chr(0xF0100), rl.document_of(canvas))
    assert len(data) == 1


def test_subsets_names_streams_and_widths_after_add_objects(font: GlyphTTFont) -> None:
    canvas, _ = _canvas()
    document = rl.document_of(canvas)
    font.splitString("Ab", document)
    subsets = rl.document_subsets(font, document)
    assert len(subsets) == 1 and ord("A") in subsets[0] and ord("b") in subsets[0]
    internal = font.getSubsetInternalName(0, document)[1:]
    base_name = rl.subset_base_name(font, 0)
    assert base_name.endswith("+" + font.face.name.decode("pdfdoc"))
    font.addObjects(document)
    cmap = rl.to_unicode_stream(document, base_name)
    file_stream = rl.font_file_stream(document, font, base_name)
    dictionary = rl.font_object(document, internal)
    assert cmap is not None and file_stream is not None and dictionary is not None
    assert rl.format_widths(dictionary, document).startswith(b"[")
    rl.set_flate_content(cmap, zlib.compress(b"contract"))
    written = cmap.format(document)
    assert b"/FlateDecode" in written and zlib.compress(b"contract") in written


def test_wrap_subsetter_is_called_for_the_font_file(font: GlyphTTFont) -> None:
    calls: list[list[int]] = []

    def spy(make: rl.Subsetter) -> rl.Subsetter:
        def wrapped(subset: list[int]) -> bytes:
            calls.append(subset)
            return make(subset)
        return wrapped

    rl.wrap_subsetter(font, spy)
    canvas, _ = _canvas()
    document = rl.document_of(canvas)
    font.splitString("Ab", document)
    font.addObjects(document)
    assert calls and ord("A") in calls[0]


# --- pyHanko ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> SealMaterial:
    data_dir = Path(tmp_path_factory.mktemp("contract-seal"))
    create_dev_seal(data_dir / "keys")
    return load_seal(data_dir=data_dir, pkcs12_path=None, pkcs12_password=None,
                     trust_roots_path=None, create_dev=False)


def test_simple_signer_signs_through_sign_raw(material: SealMaterial) -> None:
    """CachedKeySigner's sign_raw is what pyHanko signs with (and the signature verifies)."""
    signer = CachedKeySigner(material)
    digest = hashlib.sha256(b"contract").digest()
    signed = asyncio.run(signer.async_sign(digest, "sha256", use_pades=True))
    info = signed["content"]["signer_infos"][0]
    attrs = info["signed_attrs"].untag().dump()
    material.private_key.public_key().verify(info["signature"].native, attrs,
                                             padding.PKCS1v15(), hashes.SHA256())


def test_async_sign_takes_the_parameters_template_signer_passes_on() -> None:
    parameters = inspect.signature(signers.Signer.async_sign).parameters
    for name in ("data_digest", "digest_algorithm", "dry_run", "use_pades", "timestamper",
                 "signed_attr_settings", "is_pdf_sig", "encap_content_info"):
        assert name in parameters, name


def test_pades_signed_attributes_differ_only_in_the_digest(material: SealMaterial) -> None:
    """TemplateSigner's premise: two PAdES seals without a timestamp, at different times,
    have the same signed attributes but for the message digest."""
    signer = CachedKeySigner(material)

    def attributes(data: bytes, at: datetime) -> bytes:
        digest = hashlib.sha256(data).digest()
        signed = asyncio.run(signer.async_sign(
            digest, "sha256", use_pades=True,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=at)))
        return signed["content"]["signer_infos"][0]["signed_attrs"].dump().replace(digest, b"")

    assert attributes(b"one", datetime(2025, 1, 1, tzinfo=UTC)) == attributes(
        b"two", datetime(2026, 6, 1, tzinfo=UTC))


def test_template_signer_fills_a_cms_pyhanko_would_make(material: SealMaterial) -> None:
    signer = TemplateSigner(material)
    first = hashlib.sha256(b"first").digest()
    asyncio.run(signer.async_sign(first, "sha256", use_pades=True))  # builds the template
    second = hashlib.sha256(b"second").digest()
    filled = signer.fill(second, "sha256")
    plain = asyncio.run(CachedKeySigner(material).async_sign(second, "sha256", use_pades=True))
    assert filled == plain.dump()
