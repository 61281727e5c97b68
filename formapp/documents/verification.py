"""Is a sealed PDF intact, sealed by a trusted key, and the one the database recorded?

A seal may be followed by long-term proof (``long_term``): a DSS and document timestamps,
each an incremental update that changes nothing the seal covers. What the check relied on is
said: a timestamp's time (the seal certificate may since have expired) or, without a
timestamp, the signing time the seal itself states, checked against the certificate now.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import DocumentTimestampStatus, PdfSignatureStatus
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    InvalidCertificateError,
    PathBuildingError,
    PathValidationError,
)

from formapp.documents.archive import sha256_hex
from formapp.documents.long_term import ProofParts, ValidationData, certs_of, proof_parts
from formapp.documents.seal_slot import find_slot
from formapp.documents.signing_keys import SealMaterial

_ONLY_PROOF_ADDED = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


@dataclass(frozen=True)
class SealCheck:
    ok: bool
    sha256: str
    problems: tuple[str, ...] = field(default_factory=tuple)
    signer: str = ""
    signed_at: str = ""
    validated_at: str = ""  # the time the certificates were checked at
    relied_on: str = ""  # what that time is: a timestamp, or the seal's own signing time


def _context(material: SealMaterial, data: ValidationData, moment: datetime
             ) -> ValidationContext:
    return ValidationContext(
        trust_roots=material.asn1_trust_roots(), other_certs=list(data.certs),
        crls=list(data.crls), ocsps=list(data.ocsps), allow_fetching=False,
        revocation_mode="soft-fail", moment=moment)


def _integrity_problems(status: PdfSignatureStatus | DocumentTimestampStatus, last: bool,
                        what: str) -> list[str]:
    problems = []
    if not status.intact:
        problems.append(f"the document was changed after {what}")
    coverage = status.coverage.name if status.coverage else ""
    if last and coverage == "ENTIRE_FILE":
        return problems
    if coverage not in {"ENTIRE_FILE", "ENTIRE_REVISION"}:
        problems.append(f"{what} does not cover its revision")
    elif status.modification_level not in _ONLY_PROOF_ADDED:
        problems.append(f"something other than long-term proof was appended after {what}")
    return problems


def _relied_on(parts: ProofParts, best: datetime) -> str:
    for stamp in parts.timestamps:
        if abs((stamp.at - best).total_seconds()) < 1:
            kind = "document timestamp" if stamp.document else "signature timestamp"
            return f"the {kind} of {stamp.authority}"
    return "a timestamp"


def check_seal(data: bytes, material: SealMaterial, *, at: datetime | None = None,
               validation: ValidationData | None = None) -> SealCheck:
    """One seal over the first revision, intact, chaining to the configured trust roots when
    the time it relies on; after it only long-term proof (DSS, document timestamps).

    ``at`` is when to validate (default now). ``bottom_line``/``intact`` are what count:
    pyHanko's ``valid`` alone stays true for a tampered file (DESIGN.md §7).
    """
    digest = sha256_hex(data)
    moment = at or datetime.now(UTC)
    validation = validation or ValidationData()
    if find_slot(data) is not None:
        return SealCheck(False, digest, ("the document was never sealed",))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        parts = proof_parts(data) if signatures else None
    except Exception as exc:
        return SealCheck(False, digest, (f"not a readable PDF: {exc}",))
    seals = [s for s in signatures if s.sig_object_type != "/DocTimeStamp"]
    if len(seals) != 1 or signatures[0] is not seals[0] or parts is None:
        return SealCheck(False, digest, (f"expected one seal, found {len(seals)}",))
    seal, stamps = seals[0], signatures[1:]
    context = _context(material, validation, moment)
    try:
        status = validate_pdf_signature(seal, context)
        problems = _integrity_problems(status, not stamps, "it was sealed")
        for number, stamp in enumerate(stamps, 1):
            stamp_status = validate_pdf_timestamp(stamp, validation_context=context)
            problems += _integrity_problems(stamp_status, number == len(stamps),
                                            f"document timestamp {number}")
    except (SignatureValidationError, ValueError) as exc:
        return SealCheck(False, digest, (f"the seal could not be validated: {exc}",))
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    signed_at = status.signer_reported_dt.isoformat() if status.signer_reported_dt else ""
    if problems:
        return SealCheck(False, digest, tuple(problems), signer, signed_at)
    if not parts.timestamps:
        # No timestamp: nothing but the seal's own word says when it was made.
        if not status.trusted:
            problems.append(f"the seal does not chain to a trusted, valid certificate at "
                            f"{moment.isoformat()} (and has no timestamp)")
        elif not status.bottom_line:
            problems.append("the seal is not valid")
        return SealCheck(not problems, digest, tuple(problems), signer, signed_at,
                         moment.isoformat(), f"the signing time the seal states, {signed_at} "
                                             "(no timestamp)")
    return _check_with_time(seal, list(stamps), material, validation, moment, parts, digest,
                            signer, signed_at)


def _chain_problem(cert: object, intermediates: list, context: ValidationContext,
                   what: str, when: datetime) -> str | None:
    validator = CertificateValidator(cert, intermediate_certs=intermediates,
                                     validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage(set(), {"time_stamping"}))
    except (PathValidationError, PathBuildingError, InvalidCertificateError, ValueError) as exc:
        return f"{what} was not valid at {when.isoformat()}: {exc}"
    return None


def _check_with_time(seal: EmbeddedPdfSignature, stamps: list[EmbeddedPdfSignature],
                     material: SealMaterial, validation: ValidationData, moment: datetime,
                     parts: ProofParts, digest: str, signer: str, signed_at: str) -> SealCheck:
    """Each proof checked at the time the next one proves (the chain model of PAdES B-LTA,
    ETSI EN 319 102-1 §5.6.2): the seal at its earliest timestamp; every timestamp at the
    time of the document timestamp after it; the last one now (or ``moment``)."""
    first = parts.timestamps[0]
    control = [t.at for t in parts.timestamps[1:]] + [moment]
    status = validate_pdf_signature(seal, _context(material, validation, first.at))
    problems = []
    if not status.trusted or not status.bottom_line:
        problems.append(f"the seal was not valid at its timestamp {first.at.isoformat()}")
    if not first.document:
        # The signature timestamp's own authority, checked when the next proof was made.
        token = status.timestamp_validity
        if token is None or not token.intact or not token.valid:
            problems.append("the signature timestamp is damaged")
        else:
            tst = next(extract_tst_data_iter(seal.signer_info, signed=False))
            problem = _chain_problem(token.signing_cert, certs_of(tst),
                                     _context(material, validation, control[0]),
                                     "the signature timestamp's authority", control[0])
            problems += [problem] if problem else []
        control = control[1:]
    for number, (stamp, when) in enumerate(zip(stamps, control, strict=False), 1):
        if stamp.sig_object_type != "/DocTimeStamp":
            continue
        stamp_status = validate_pdf_timestamp(
            stamp, validation_context=_context(material, validation, when))
        if not stamp_status.trusted or not stamp_status.valid or not stamp_status.intact:
            problems.append(f"document timestamp {number} was not valid at {when.isoformat()}")
    if problems:
        return SealCheck(False, digest, tuple(problems), signer, signed_at)
    return SealCheck(True, digest, (), signer, signed_at, first.at.isoformat(),
                     _relied_on(parts, first.at))
