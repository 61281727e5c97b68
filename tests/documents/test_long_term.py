"""Proof for ten years: a timestamped seal carries its validation data (B-LT), a document
timestamp renews it (B-LTA), and the proof still verifies after the seal certificate, and the
first timestamp authority's certificate, have expired. The TSA is a real RFC 3161 server on
loopback; the CA is made here and lives for a day."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pikepdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from formapp.documents.consent_pdf import render_consent_pdf
from formapp.documents.long_term import add_document_timestamp, proof_parts
from formapp.documents.pdfa import pdfa3b_violations
from formapp.documents.seal import Sealer, SealSettings
from formapp.documents.verification import check_seal
from formapp.tooling.sample_consent import sample_document
from tests.documents.pki import Pki, serve_timestamps

LATER = datetime.now(UTC) + timedelta(days=60)  # the seal certificate expired long ago


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki(seal_valid=timedelta(days=1))


@pytest.fixture(scope="module")
def unsealed() -> bytes:
    return render_consent_pdf(sample_document("sv"))


@pytest.fixture(scope="module")
def timestamped(pki: Pki, unsealed: bytes) -> bytes:
    """Sealed through FORMAPP_TSA_URL's path: an HTTP timestamp authority whose certificate
    ends in ten days."""
    with serve_timestamps(pki.timestamper("Test TSA 1", timedelta(days=10))) as url:
        return Sealer(pki.material(), SealSettings(tsa_url=url)).seal(unsealed)


@pytest.fixture(scope="module")
def renewed(pki: Pki, timestamped: bytes) -> bytes:
    with serve_timestamps(pki.timestamper("Test TSA 2", timedelta(days=3650))) as url:
        return add_document_timestamp(timestamped, pki.material(), Sealer(
            pki.material(), SealSettings(tsa_url=url)).validation,
            Sealer(pki.material(), SealSettings(tsa_url=url)).timestamper)


def test_a_timestamped_seal_is_b_lt_and_stays_pdf_a(pki: Pki, unsealed: bytes,
                                                     timestamped: bytes) -> None:
    parts = proof_parts(timestamped)
    assert [t.authority for t in parts.timestamps] == ["Common Name: Test TSA 1, "
                                                       "Country: SE"]
    assert not parts.timestamps[0].document and parts.has_dss
    # The DSS is an update after the seal; the sealed revision is the slot filled in place.
    assert len(timestamped) > len(unsealed)
    first = PdfFileReader(io.BytesIO(timestamped)).embedded_signatures[0]
    assert first.signed_revision == 0
    check = check_seal(timestamped, pki.material())
    assert check.ok, check.problems
    assert check.relied_on.startswith("the signature timestamp of ")
    assert datetime.fromisoformat(check.validated_at) == parts.timestamps[0].at
    assert pdfa3b_violations(timestamped) == []
    with pikepdf.open(io.BytesIO(timestamped)) as pdf:
        assert pdf.pdf_version == "1.7" and "/DSS" in pdf.Root
        assert len(pdf.Root.DSS.Certs) >= 3  # seal, TSA, root


def test_without_a_timestamp_the_seal_states_its_own_time(pki: Pki, unsealed: bytes) -> None:
    sealed = Sealer(pki.material()).seal(unsealed)
    check = check_seal(sealed, pki.material())
    assert check.ok and "no timestamp" in check.relied_on
    # The certificate ends tomorrow: after that nothing proves the seal was made in time.
    late = check_seal(sealed, pki.material(), at=LATER)
    assert not late.ok and "no timestamp" in late.problems[0]


def test_a_renewed_proof_verifies_after_every_certificate_in_it_expired(
        pki: Pki, timestamped: bytes, renewed: bytes) -> None:
    assert renewed.startswith(timestamped)  # the seal's revision is untouched
    parts = proof_parts(renewed)
    assert [t.document for t in parts.timestamps] == [False, True]
    assert parts.expires > LATER
    # At LATER the seal certificate (1 day) and the first TSA's (10 days) have expired.
    assert not check_seal(timestamped, pki.material(), at=LATER).ok
    check = check_seal(renewed, pki.material(), at=LATER)
    assert check.ok, check.problems
    # The time relied on is still the signature timestamp's, proven by the document one.
    assert datetime.fromisoformat(check.validated_at) == parts.timestamps[0].at
    assert check.relied_on.startswith("the signature timestamp of ")
    assert pdfa3b_violations(renewed) == []


def test_anything_but_proof_appended_after_the_seal_fails(pki: Pki, renewed: bytes) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(renewed), strict=False)
    writer.add_stream_to_page(0, writer.add_object(generic.StreamObject(
        stream_data=b"0 0 1 rg 72 72 200 40 re f")))
    out = io.BytesIO()
    writer.write(out)
    check = check_seal(out.getvalue(), pki.material())
    assert not check.ok
    assert "something other than long-term proof was appended" in "; ".join(check.problems)
