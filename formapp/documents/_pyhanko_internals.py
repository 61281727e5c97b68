"""Where formapp's seal relies on pyHanko beyond its documented use, and nothing else.

Checked against pyHanko 0.38.0 with pyhanko-certvalidator 0.33.0 (pinned ``>=0.38,<0.39`` in
pyproject.toml). Each contact point has a contract test in
tests/documents/test_library_contracts.py that fails, naming it, when an upgrade changes what
it relies on: run those first after any upgrade.

- ``SimpleSigner``'s constructor and its ``sign_raw`` hook: ``CachedKeySigner`` signs with a
  key loaded once (SimpleSigner would parse it again for every signature).
- ``Signer.async_sign``'s parameters: ``TemplateSigner`` overrides it and passes them on.
- The CMS pyHanko builds for a PAdES seal without a timestamp: its signed attributes differ
  from one seal to the next only in the message digest (no signing-time, no nonce), so
  ``TemplateSigner`` fills the digest and the signature into the first one's bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import cms
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko_certvalidator.registry import SimpleCertificateStore

from formapp.documents.signing_keys import SealMaterial

_HASHES = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}


class CachedKeySigner(signers.SimpleSigner):
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
class _CmsTemplate:
    """A signed CMS as bytes, and where its message digest, signed attributes and signature
    sit in them."""

    der: bytes
    digest_at: int
    digest_len: int
    attrs_at: int
    attrs_len: int
    signature_at: int
    signature_len: int


class TemplateSigner(CachedKeySigner):
    """Fills the message digest and signature into a CMS pyHanko made once (see module doc)."""

    def __init__(self, material: SealMaterial) -> None:
        super().__init__(material)
        self._templates: dict[str, _CmsTemplate] = {}

    async def async_sign(self, data_digest: bytes, digest_algorithm: str, dry_run: bool = False,
                         use_pades: bool = False, timestamper: object = None,
                         signed_attr_settings: PdfCMSSignedAttributes | None = None,
                         is_pdf_sig: bool = True,
                         encap_content_info: object = None) -> cms.ContentInfo:
        plain = (dry_run or not use_pades or timestamper is not None or not is_pdf_sig
                 or encap_content_info is not None)
        der = None if plain else self.fill(data_digest, digest_algorithm)
        if der is None:
            signed = await super().async_sign(
                data_digest, digest_algorithm, dry_run=dry_run, use_pades=use_pades,
                timestamper=timestamper, signed_attr_settings=signed_attr_settings,
                is_pdf_sig=is_pdf_sig, encap_content_info=encap_content_info)
            if not plain:
                self._templates[digest_algorithm] = _template(signed, data_digest)
            return signed
        return cms.ContentInfo.load(der)

    def fill(self, data_digest: bytes, digest_algorithm: str) -> bytes | None:
        """The CMS (DER) for ``data_digest`` from the template, or None before there is one."""
        template = self._templates.get(digest_algorithm)
        if template is None or len(data_digest) != template.digest_len:
            return None
        der = bytearray(template.der)
        der[template.digest_at:template.digest_at + template.digest_len] = data_digest
        # The signature covers the attributes DER-encoded as a SET (RFC 5652 §5.4), not with
        # the [0] IMPLICIT tag they carry inside the SignerInfo.
        attrs = b"\x31" + bytes(der[template.attrs_at + 1:template.attrs_at + template.attrs_len])
        signature = self.sign_raw(attrs, digest_algorithm)
        if len(signature) != template.signature_len:
            raise SigningError("RSA signature of unexpected length")
        der[template.signature_at:template.signature_at + template.signature_len] = signature
        return bytes(der)


def _template(signed: cms.ContentInfo, data_digest: bytes) -> _CmsTemplate:
    der = signed.dump()
    info = signed["content"]["signer_infos"][0]
    attrs = info["signed_attrs"].dump()
    signature = info["signature"].native
    attrs_at = der.index(attrs)
    digest_at = attrs_at + attrs.index(data_digest)
    signature_at = der.index(signature)
    if der.count(attrs) != 1 or attrs.count(data_digest) != 1 or der.count(signature) != 1:
        raise SigningError("ambiguous CMS template")
    return _CmsTemplate(der, digest_at, len(data_digest), attrs_at, len(attrs), signature_at,
                        len(signature))
