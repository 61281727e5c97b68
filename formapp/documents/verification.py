"""Is a sealed PDF intact, sealed by a trusted key, and the one the database recorded?"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from formapp.documents.archive import sha256_hex
from formapp.documents.seal_slot import find_slot
from formapp.documents.signing_keys import SealMaterial


@dataclass(frozen=True)
class SealCheck:
    ok: bool
    sha256: str
    problems: tuple[str, ...] = field(default_factory=tuple)
    signer: str = ""
    signed_at: str = ""


def check_seal(data: bytes, material: SealMaterial) -> SealCheck:
    """One seal covering the whole file, intact, chaining to the configured trust roots.

    ``bottom_line``/``intact`` are what count: pyHanko's ``valid`` alone stays true for a
    tampered file (DESIGN.md §7).
    """
    digest = sha256_hex(data)
    problems: list[str] = []
    if find_slot(data) is not None:
        return SealCheck(False, digest, ("the document was never sealed",))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:
        return SealCheck(False, digest, (f"not a readable PDF: {exc}",))
    if len(signatures) != 1:
        return SealCheck(False, digest, (f"expected one seal, found {len(signatures)}",))
    context = ValidationContext(trust_roots=material.asn1_trust_roots(), allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(signatures[0], context)
    except (SignatureValidationError, ValueError) as exc:
        return SealCheck(False, digest, (f"the seal could not be validated: {exc}",))
    if not status.intact:
        problems.append("the document was changed after it was sealed")
    if not status.trusted:
        problems.append("the seal does not chain to a trusted root")
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        problems.append("the seal does not cover the whole file (something was appended)")
    if not status.bottom_line and not problems:
        problems.append("the seal is not valid")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    signed_at = status.signer_reported_dt.isoformat() if status.signer_reported_dt else ""
    return SealCheck(not problems, digest, tuple(problems), signer, signed_at)
