"""The förbund's seal key and certificate, and the trust roots a seal is checked against.

Development: a local demo CA and a seal certificate are created once in the data directory
(``keys/``). Production: a PKCS#12 file and its password come from configuration, and the trust
roots from a PEM file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from formapp.documents.errors import DocumentError
from formapp.private_files import private_dir, write_private

# RSA, not ECDSA: an ECDSA seal makes pyHanko raise the PDF to 2.0, which PDF/A-3 forbids.
KEY_BITS = 3072


@dataclass(frozen=True)
class SealMaterial:
    """A loaded seal: the private key once, ready for every signature."""

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # intermediates and the root, for embedding
    trust_roots: tuple[x509.Certificate, ...]

    def asn1_certificate(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.certificate.public_bytes(serialization.Encoding.DER))

    def asn1_chain(self) -> list[asn1_x509.Certificate]:
        return [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
                for c in self.chain]

    def asn1_trust_roots(self) -> list[asn1_x509.Certificate]:
        return [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
                for c in self.trust_roots]

    def asn1_private_key(self) -> asn1_keys.PrivateKeyInfo:
        der = self.private_key.private_bytes(serialization.Encoding.DER,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
        return asn1_keys.PrivateKeyInfo.load(der)


def _write_private(path: Path, data: bytes) -> None:
    write_private(path, data, exclusive=True)


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def create_dev_seal(directory: Path, organisation: str = "formapp demo", *,
                    start: datetime | None = None,
                    keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey] | None = None,
                    serials: tuple[int, int] | None = None) -> None:
    """A demo CA (20 years) and a seal certificate (10 years) signed by it, PEM files.

    ``start``, ``keys`` (CA, seal) and ``serials`` (CA, seal) default to now, new keys and
    random serials; fixed, they make the same seal every time (scripts/sample_hashes.py)."""
    private_dir(directory)
    now = start or datetime.now(UTC) - timedelta(minutes=5)
    ca_key, seal_key = keys or (
        rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS),
        rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS))
    ca_serial, seal_serial = serials or (x509.random_serial_number(),
                                         x509.random_serial_number())
    ca_name = _name("formapp demo CA – inte för riktiga samtycken", organisation)
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(ca_serial)
        .not_valid_before(now).not_valid_after(now + timedelta(days=20 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    seal_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("formapp demo seal", organisation)).issuer_name(ca_name)
        .public_key(seal_key.public_key()).serial_number(seal_serial)
        .not_valid_before(now).not_valid_after(now + timedelta(days=10 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    write_private(directory / "ca.pem", ca_cert.public_bytes(serialization.Encoding.PEM))
    write_private(directory / "seal.pem", seal_cert.public_bytes(serialization.Encoding.PEM))
    _write_private(directory / "seal-key.pem", seal_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    # The CA key is not needed again: it is not kept, so nothing else can be issued under it.


def _load_pem_certs(path: Path) -> tuple[x509.Certificate, ...]:
    try:
        return tuple(x509.load_pem_x509_certificates(path.read_bytes()))
    except (OSError, ValueError) as exc:
        raise DocumentError(f"cannot read certificates from {path}: {exc}") from exc


def load_seal(*, data_dir: Path, pkcs12_path: str | None, pkcs12_password: str | None,
              trust_roots_path: str | None, create_dev: bool) -> SealMaterial:
    """The configured seal, or the development one (created on first use when allowed)."""
    if pkcs12_path:
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(
                Path(pkcs12_path).read_bytes(),
                pkcs12_password.encode() if pkcs12_password else None)
        except (OSError, ValueError) as exc:
            raise DocumentError(f"cannot open the seal PKCS#12 {pkcs12_path}: {exc}") from exc
        if not isinstance(key, rsa.RSAPrivateKey) or cert is None:
            raise DocumentError("the seal PKCS#12 must hold an RSA key and its certificate")
        chain = tuple(extra)
        roots = _load_pem_certs(Path(trust_roots_path)) if trust_roots_path else tuple(
            c for c in chain if c.issuer == c.subject)
        if not roots:
            raise DocumentError("no trust roots: set FORMAPP_TRUST_ROOTS to the CA's PEM file")
        return SealMaterial(key, cert, chain, roots)

    directory = data_dir / "keys"
    if not (directory / "seal-key.pem").exists():
        if not create_dev:
            raise DocumentError("no seal configured: set FORMAPP_SEAL_PKCS12 and "
                                "FORMAPP_SEAL_PASSWORD")
        create_dev_seal(directory)
    key = serialization.load_pem_private_key((directory / "seal-key.pem").read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    (cert,) = _load_pem_certs(directory / "seal.pem")
    ca = _load_pem_certs(directory / "ca.pem")
    roots = _load_pem_certs(Path(trust_roots_path)) if trust_roots_path else ca
    return SealMaterial(key, cert, ca, roots)
