"""The seal: PAdES with the förbund's key, an RFC 3161 timestamp when configured, and checks
that catch a changed, appended or foreign-sealed document."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pikepdf
import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from reportlab.pdfgen.canvas import Canvas

from formapp.documents.archive import Archive, sha256_hex
from formapp.documents.consent_pdf import render_consent_pdf
from formapp.documents.errors import DocumentError
from formapp.documents.pdfa import pdfa3b_violations
from formapp.documents.seal import Sealer
from formapp.documents.signing_keys import SealMaterial, load_seal
from formapp.documents.verification import check_seal
from formapp.tooling.sample_consent import sample_document


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> SealMaterial:
    return load_seal(data_dir=tmp_path_factory.mktemp("seal"), pkcs12_path=None,
                     pkcs12_password=None, trust_roots_path=None, create_dev=True)


@pytest.fixture(scope="module")
def unsealed() -> bytes:
    return render_consent_pdf(sample_document("fa"))


def _tsa() -> tuple[DummyTimeStamper, x509.Certificate]:
    """An offline RFC 3161 timestamp authority, as a real TSA would answer, and its root."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = datetime.now(UTC) - timedelta(minutes=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                           critical=True)
            .sign(key, hashes.SHA256()))
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(der_key)), cert


def _changed_span(before: bytes, after: bytes) -> tuple[int, int]:
    first = next(i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b)
    last = next(i for i in range(len(after) - 1, -1, -1) if before[i] != after[i])
    return first, last


def test_a_sealed_pdf_checks_out_and_stays_pdf_1_7(material: SealMaterial,
                                                  unsealed: bytes) -> None:
    sealed = Sealer(material).seal(unsealed, reason="Samtycke – FK 9443 (test)")
    # Filled in place: same length, and only the signature dictionary changed.
    assert len(sealed) == len(unsealed)
    first, last = _changed_span(unsealed, sealed)
    dictionary_at = unsealed.rindex(b"<< /Type /Sig ")
    assert dictionary_at < first and last < unsealed.index(b">> ", dictionary_at + 16400) + 2
    check = check_seal(sealed, material)
    assert check.ok, check.problems
    assert "formapp demo seal" in check.signer
    with pikepdf.open(io.BytesIO(sealed)) as pdf:
        assert pdf.pdf_version == "1.7" and "/Version" not in pdf.Root
        assert "/EmbeddedFiles" in pdf.Root.Names  # record.json is there
        signature = pdf.Root.AcroForm.Fields[0].V
        assert str(signature.Reason) == "Samtycke – FK 9443 (test)"
        assert str(signature.Location) == "formapp"
        # Every byte is covered but the hex string of /Contents itself.
        gap_start = sealed.index(b"/Contents <", dictionary_at) + len(b"/Contents ")
        gap_end = sealed.index(b">", gap_start) + 1
        assert list(signature.ByteRange) == [0, gap_start, gap_end, len(sealed) - gap_end]
    assert pdfa3b_violations(sealed) == []


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils is not installed")
def test_poppler_agrees_the_whole_document_is_signed(material: SealMaterial,
                                                    unsealed: bytes, tmp_path: Path) -> None:
    path = tmp_path / "sealed.pdf"
    path.write_bytes(Sealer(material).seal(unsealed))
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in report and "Total document signed" in report, report


def test_a_pdf_formapp_did_not_write_is_sealed_as_an_incremental_update(
        material: SealMaterial) -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 760, "Inte från formapp")
    canvas.showPage()
    canvas.save()
    foreign = buffer.getvalue()
    sealed = Sealer(material).seal(foreign)
    assert sealed.startswith(foreign)
    assert check_seal(sealed, material).ok


def test_an_empty_seal_is_not_a_seal(material: SealMaterial, unsealed: bytes) -> None:
    result = check_seal(unsealed, material)
    assert not result.ok and result.problems == ("the document was never sealed",)


def test_a_timestamp_is_added_when_a_tsa_is_configured(material: SealMaterial,
                                                      unsealed: bytes) -> None:
    timestamper, tsa_root = _tsa()
    sealed = Sealer(material, timestamper=timestamper).seal(unsealed)
    signature = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    unsigned = signature.signer_info["unsigned_attrs"]
    assert any(a["type"].native == "signature_time_stamp_token" for a in unsigned)
    # The TSA's root is configured as trusted (FORMAPP_TRUST_ROOTS holds both in production).
    trusting = replace(material, trust_roots=(*material.trust_roots, tsa_root))
    assert check_seal(sealed, trusting).ok
    assert not check_seal(sealed, material).ok  # an unknown TSA is not trusted


def test_changed_appended_and_foreign_documents_fail(material: SealMaterial, unsealed: bytes,
                                                     tmp_path: Path) -> None:
    sealed = Sealer(material).seal(unsealed)
    flipped = bytearray(sealed)
    flipped[len(unsealed) // 2] ^= 0x20
    assert not check_seal(bytes(flipped), material).ok
    assert not check_seal(unsealed, material).ok  # no seal at all
    assert not check_seal(b"not a pdf", material).ok
    other = load_seal(data_dir=tmp_path, pkcs12_path=None, pkcs12_password=None,
                      trust_roots_path=None, create_dev=True)
    foreign = Sealer(other).seal(unsealed)
    result = check_seal(foreign, material)
    assert not result.ok and any("trusted" in p for p in result.problems)


def test_the_archive_is_write_once_and_content_addressed(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    digest = archive.store(b"first")
    assert digest == sha256_hex(b"first") and archive.read(digest) == b"first"
    assert archive.store(b"first") == digest  # the same bytes again: nothing new
    path = archive.path_for(digest)
    assert path.stat().st_mode & 0o222 == 0  # read-only on disk
    assert list(archive.digests()) == [digest]
    assert not list(path.parent.glob(".incoming-*"))  # no temporary left behind
    with pytest.raises(DocumentError):
        archive.read("0" * 64)
    with pytest.raises(DocumentError):
        archive.path_for("../../etc/passwd")


def test_production_without_a_seal_refuses(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="FORMAPP_SEAL_PKCS12"):
        load_seal(data_dir=tmp_path, pkcs12_path=None, pkcs12_password=None,
                  trust_roots_path=None, create_dev=False)
