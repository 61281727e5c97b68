"""PAdES seal of a finished PDF with the förbund's key (pyHanko), kept fast and PDF/A-safe.

pyHanko's SimpleSigner parses the private key again for every signature; ``_CachedKeySigner``
signs with the key object loaded once. No visible stamp (no font subsetting per seal), and a
fixed reservation for the signature so pyHanko does not make a dry-run signature first.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import SigningError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from formapp.documents.errors import DocumentError
from formapp.documents.signing_keys import SealMaterial

FIELD_NAME = "Forbundssigill"
# Room for a CMS with a 3072-bit RSA signature, its chain and a timestamp token.
BYTES_RESERVED = 16384
_HASHES = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}


class _CachedKeySigner(signers.SimpleSigner):
    """A SimpleSigner that signs with an already loaded RSA key (PKCS#1 v1.5)."""

    def __init__(self, material: SealMaterial) -> None:
        registry = SimpleCertificateStore.from_certs(material.asn1_chain())
        super().__init__(signing_cert=material.asn1_certificate(),
                         signing_key=material.asn1_private_key(), cert_registry=registry)
        self._key: rsa.RSAPrivateKey = material.private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        algorithm = _HASHES.get(digest_algorithm)
        if algorithm is None:
            raise SigningError(f"unsupported digest {digest_algorithm}")
        return self._key.sign(data, padding.PKCS1v15(), algorithm)


@dataclass(frozen=True)
class SealSettings:
    reason: str = "Samtycke enligt FK 9443 (GDPR art. 7.1)"
    location: str = "formapp"
    tsa_url: str | None = None


class Sealer:
    """Seals PDFs; build one per process and reuse it."""

    def __init__(self, material: SealMaterial, settings: SealSettings | None = None,
                 timestamper: timestamps.TimeStamper | None = None) -> None:
        self.material = material
        self.settings = settings or SealSettings()
        self._signer = _CachedKeySigner(material)
        if timestamper is None and self.settings.tsa_url:
            timestamper = timestamps.HTTPTimeStamper(self.settings.tsa_url)
        self._timestamper = timestamper

    def seal(self, pdf: bytes, *, reason: str | None = None) -> bytes:
        """``pdf`` with an invisible PAdES seal appended as an incremental update."""
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
            output = pdf_signer.sign_pdf(writer, bytes_reserved=BYTES_RESERVED)
        except (SigningError, OSError) as exc:
            raise DocumentError(f"sealing failed: {exc}") from exc
        return output.getvalue()
