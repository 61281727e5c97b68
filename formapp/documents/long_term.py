"""Proof that outlives the seal certificate: PAdES B-LT and B-LTA (ETSI EN 319 142-1).

A seal with an RFC 3161 signature timestamp (B-T) proves when it was made. Its validation data
(the certificates of the seal and of the timestamp authority, and the revocation information
the operator keeps offline, see ``ValidationData``) goes into the document's DSS as an
incremental update (B-LT). Before the latest timestamp's authority certificate expires, a
document timestamp over everything so far, with the validation data of the earlier ones, is
appended (B-LTA, ``renew``). Every step only appends: the first revision, and so the seal and
the archive's binding hash of it, stays byte for byte what was sealed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import cms, crl, ocsp, pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import timestamps
from pyhanko.sign.general import SigningError, extract_certificate_info
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.validation import DocumentSecurityStore
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko_certvalidator import ValidationContext

from formapp.documents.errors import DocumentError
from formapp.documents.signing_keys import SealMaterial

DOC_TIMESTAMP_FIELD = "Arkivtidsstampel"
# A document timestamp's token (TSA chain included) as hex; pyHanko's own estimate needs a
# dry-run request to the TSA.
DOC_TIMESTAMP_HEX_DIGITS = 16384


@dataclass(frozen=True)
class ValidationData:
    """Revocation information and extra certificates kept offline by the operator
    (``FORMAPP_REVOCATION_DIR``): ``*.crl`` (DER or PEM), ``*.ocsp`` (a DER OCSP response) and
    ``*.pem``/``*.crt``/``*.cer`` certificates. Nothing is fetched: what is there is embedded
    and used when validating."""

    crls: tuple[crl.CertificateList, ...] = ()
    ocsps: tuple[ocsp.OCSPResponse, ...] = ()
    certs: tuple[asn1_x509.Certificate, ...] = field(default_factory=tuple)


def _ders(blob: bytes) -> Iterator[bytes]:
    if pem.detect(blob):
        for _, _, der in pem.unarmor(blob, multiple=True):
            yield der
    else:
        yield blob


def load_validation_data(directory: str | Path | None) -> ValidationData:
    if not directory:
        return ValidationData()
    root = Path(directory)
    if not root.is_dir():
        raise DocumentError(f"FORMAPP_REVOCATION_DIR {root} is not a directory")
    crls: list[crl.CertificateList] = []
    ocsps: list[ocsp.OCSPResponse] = []
    certs: list[asn1_x509.Certificate] = []
    for path in sorted(root.iterdir()):
        suffix = path.suffix.lower()
        try:
            blob = path.read_bytes()
            if suffix == ".crl":
                crls += [crl.CertificateList.load(der) for der in _ders(blob)]
            elif suffix == ".ocsp":
                ocsps.append(ocsp.OCSPResponse.load(blob))
            elif suffix in {".pem", ".crt", ".cer"}:
                certs += [asn1_x509.Certificate.load(der) for der in _ders(blob)]
            else:
                continue
            for item in (*crls, *ocsps, *certs):
                item.native  # noqa: B018 (parse now: a damaged file is reported here, not later)
        except (OSError, ValueError, TypeError) as exc:
            raise DocumentError(f"cannot read validation data {path}: {exc}") from exc
    return ValidationData(tuple(crls), tuple(ocsps), tuple(certs))


def certs_of(signed_data: cms.SignedData) -> list[asn1_x509.Certificate]:
    return [c.chosen for c in signed_data["certificates"] or ()
            if isinstance(c.chosen, asn1_x509.Certificate)]


@dataclass(frozen=True)
class Timestamp:
    at: datetime
    authority: str
    expires: datetime  # the earliest end of validity in the token's certificates
    document: bool  # a document timestamp (B-LTA), else the seal's signature timestamp


def _timestamp(signed_data: cms.SignedData, document: bool) -> Timestamp:
    info = signed_data["encap_content_info"]["content"].parsed
    signer = extract_certificate_info(signed_data).signer_cert
    expires = min(c["tbs_certificate"]["validity"]["not_after"].native
                  for c in certs_of(signed_data))
    return Timestamp(info["gen_time"].native, signer.subject.human_friendly, expires, document)


@dataclass(frozen=True)
class ProofParts:
    """What a sealed PDF holds for its long-term proof."""

    seal_certificate: asn1_x509.Certificate
    timestamps: tuple[Timestamp, ...]  # signature timestamp first, then document timestamps
    has_dss: bool

    @property
    def expires(self) -> datetime:
        """When the proof needs a new timestamp: the latest timestamp's certificates', else
        (no timestamp at all) the seal certificate's end of validity."""
        if self.timestamps:
            return self.timestamps[-1].expires
        return self.seal_certificate["tbs_certificate"]["validity"]["not_after"].native


def proof_parts(pdf: bytes) -> ProofParts:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    signatures = reader.embedded_signatures
    if not signatures:
        raise DocumentError("the document carries no seal")
    seal, later = signatures[0], signatures[1:]
    found = [_timestamp(tst, False)
             for tst in extract_tst_data_iter(seal.signer_info, signed=False)]
    found += [_timestamp(sig.signed_data, True) for sig in later
              if sig.sig_object_type == "/DocTimeStamp"]
    return ProofParts(seal.signer_cert, tuple(found), "/DSS" in reader.root)


def _document_certs(reader: PdfFileReader) -> list[asn1_x509.Certificate]:
    """Every certificate in the document's seals and timestamp tokens."""
    certs = []
    for signature in reader.embedded_signatures:
        certs += certs_of(signature.signed_data)
        for tst in extract_tst_data_iter(signature.signer_info, signed=False):
            certs += certs_of(tst)
    return certs


def _supply_dss(writer: IncrementalPdfFileWriter, reader: PdfFileReader,
                material: SealMaterial, data: ValidationData) -> None:
    # No VRI: PAdES baseline validation reads the DSS as a whole (ETSI EN 319 142-1 §5.4).
    DocumentSecurityStore.supply_dss_in_writer(
        writer, None,
        certs=[*_document_certs(reader), *material.asn1_chain(), *material.asn1_trust_roots(),
               *data.certs],
        crls=list(data.crls), ocsps=list(data.ocsps))


def embed_validation_data(pdf: bytes, material: SealMaterial, data: ValidationData) -> bytes:
    """``pdf`` with its seal's and timestamps' validation data in a DSS (B-LT), appended."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    _supply_dss(writer, PdfFileReader(io.BytesIO(pdf), strict=False), material, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_document_timestamp(pdf: bytes, material: SealMaterial, data: ValidationData,
                           timestamper: timestamps.TimeStamper) -> bytes:
    """``pdf`` with the validation data of everything in it and then a document timestamp
    over all of it (B-LTA), as one incremental update."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    taken = {sig.field_name for sig in reader.embedded_signatures}
    number = 1
    while f"{DOC_TIMESTAMP_FIELD}{number}" in taken:
        number += 1
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    _supply_dss(writer, reader, material, data)
    context = ValidationContext(
        trust_roots=[*material.asn1_trust_roots()], other_certs=list(data.certs),
        crls=list(data.crls), ocsps=list(data.ocsps), allow_fetching=False,
        revocation_mode="soft-fail")
    stamper = PdfTimeStamper(timestamper, field_name=f"{DOC_TIMESTAMP_FIELD}{number}")
    try:
        out = stamper.timestamp_pdf(writer, "sha256", validation_context=context,
                                    bytes_reserved=DOC_TIMESTAMP_HEX_DIGITS)
    except (SigningError, OSError, ValueError) as exc:
        raise DocumentError(f"the document timestamp failed: {exc}") from exc
    return out.getvalue()
