"""PAdES seal of a finished PDF with the förbund's key, kept fast and PDF/A-safe.

A PDF formapp wrote carries an empty seal (see seal_slot), filled in place. Any other PDF is
sealed by pyHanko as an incremental update.

pyHanko's SimpleSigner parses the private key again for every signature; ``CachedKeySigner``
signs with the key object loaded once. No visible stamp (no font subsetting per seal), and a
fixed reservation for the signature so pyHanko does not make a dry-run signature first.

Most of what is left of a pyHanko seal is asn1crypto building the same CMS again (signer
identifier, the signing-certificate-v2 attribute, the chain): a PAdES seal without a timestamp
differs from the last one only in the message digest and the RSA signature, both of fixed
length. ``TemplateSigner`` lets pyHanko build the CMS once, then fills those two fields in its
bytes; with a timestamper (or anything else that varies) it is pyHanko all the way.

With a timestamper the seal is PAdES B-T, and its validation data goes into a DSS appended
right after it (B-LT, see ``long_term``); without one the fast path above is all there is.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import cms
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from formapp.documents._pyhanko_internals import CachedKeySigner, TemplateSigner
from formapp.documents.errors import DocumentError
from formapp.documents.long_term import ValidationData, embed_validation_data
from formapp.documents.seal_slot import (
    CONTENTS_HEX_DIGITS,
    FIELD_NAME,
    fill_slot,
    find_slot,
    signature_details,
)
from formapp.documents.signing_keys import SealMaterial


@dataclass(frozen=True)
class SealSettings:
    reason: str = "Samtycke enligt FK 9443 (GDPR art. 7.1)"
    location: str = "formapp"
    tsa_url: str | None = None


class Sealer:
    """Seals PDFs; build one per process and reuse it."""

    def __init__(self, material: SealMaterial, settings: SealSettings | None = None,
                 timestamper: timestamps.TimeStamper | None = None, *,
                 cms_template: bool = True, validation: ValidationData | None = None) -> None:
        """``cms_template=False`` seals the plain pyHanko way (a cached key, nothing more):
        the floor of ``formapp bench``. ``validation``: revocation data kept offline, embedded
        with a timestamped seal."""
        self.material = material
        self.settings = settings or SealSettings()
        self.validation = validation or ValidationData()
        self._signer = (TemplateSigner if cms_template else CachedKeySigner)(material)
        if timestamper is None and self.settings.tsa_url:
            timestamper = timestamps.HTTPTimeStamper(self.settings.tsa_url)
        self._timestamper = timestamper

    @property
    def timestamper(self) -> timestamps.TimeStamper | None:
        return self._timestamper

    def seal(self, pdf: bytes, *, reason: str | None = None,
             signing_time: datetime | None = None) -> bytes:
        """``pdf`` sealed: its empty seal filled in place (a PDF formapp wrote), else an
        invisible PAdES seal appended as an incremental update. ``signing_time`` (default
        now) fixes the seal's time in a filled slot: byte-identical samples need it."""
        slot = find_slot(pdf)
        if slot is None:
            sealed = self._seal_incremental(pdf, reason)
        else:
            now = signing_time or datetime.now(UTC)
            details = signature_details(now, reason or self.settings.reason,
                                        self.settings.location)
            try:
                sealed = fill_slot(pdf, slot, details, lambda digest: self._cms(digest, now))
            except (SigningError, OSError) as exc:
                raise DocumentError(f"sealing failed: {exc}") from exc
        if self._timestamper is None:
            return sealed
        return embed_validation_data(sealed, self.material, self.validation)

    def sign_data(self, payload: bytes) -> bytes:
        """``payload`` inside a CMS SignedData signed with the seal key (DER): for small
        documents that are not PDFs (the audit trail's checkpoints)."""
        try:
            signed = asyncio.run(self._signer.async_sign_general_data(
                cms.ContentInfo({"content_type": "data", "content": payload}), "sha256",
                detached=False, timestamper=self._timestamper))
        except (SigningError, OSError) as exc:
            raise DocumentError(f"sealing failed: {exc}") from exc
        return signed.dump()

    def _cms(self, digest: bytes, now: datetime) -> bytes:
        if self._timestamper is None and isinstance(self._signer, TemplateSigner):
            der = self._signer.fill(digest, "sha256")
            if der is not None:
                return der
        signed = asyncio.run(self._signer.async_sign(
            digest, "sha256", use_pades=True, timestamper=self._timestamper,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=now)))
        return signed.dump()

    def _seal_incremental(self, pdf: bytes, reason: str | None) -> bytes:
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason or self.settings.reason,
            location=self.settings.location,
            use_pades_lta=False,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        pdf_signer = signers.PdfSigner(
            meta, signer=self._signer, timestamper=self._timestamper,
            new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME, box=None))
        try:
            output = pdf_signer.sign_pdf(writer, bytes_reserved=CONTENTS_HEX_DIGITS)
        except (SigningError, OSError) as exc:
            raise DocumentError(f"sealing failed: {exc}") from exc
        return output.getvalue()
