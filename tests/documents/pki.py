"""A short-lived test PKI and an RFC 3161 timestamp authority served over loopback HTTP.

The CA, seal and TSA certificates are made here with ``cryptography``; the TSA answers with
pyHanko's ``DummyTimeStamper`` (a real RFC 3161 response, signed by the TSA key) behind a
``http.server`` in a thread, so the app talks to it exactly as to a real one: by URL.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from formapp.documents.signing_keys import SealMaterial


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ca(name: str, days: int) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = _key()
    start = datetime.now(UTC) - timedelta(hours=1)
    cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                         False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def _leaf(name: str, ca: tuple[rsa.RSAPrivateKey, x509.Certificate], valid: timedelta,
          usage: x509.ExtendedKeyUsage) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = _key()
    start = datetime.now(UTC) - timedelta(hours=1)
    cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(ca[1].subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + valid)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                         False), critical=True)
            # RFC 3161 §2.3: a TSA's extended key usage is critical.
            .add_extension(usage, critical=ExtendedKeyUsageOID.TIME_STAMPING in usage)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca[0].public_key()), critical=False)
            .sign(ca[0], hashes.SHA256()))
    return key, cert


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class Pki:
    """A root, a seal certificate valid for ``seal_valid`` and TSAs issued on demand."""

    def __init__(self, seal_valid: timedelta) -> None:
        self.root = _ca("formapp test root", 3650)
        self.seal = _leaf("formapp test seal", self.root, seal_valid,
                          x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]))

    def material(self) -> SealMaterial:
        return SealMaterial(self.seal[0], self.seal[1], (self.root[1],), (self.root[1],))

    def timestamper(self, name: str, valid: timedelta) -> DummyTimeStamper:
        key, cert = _leaf(name, self.root, valid,
                          x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]))
        der_key = key.private_bytes(serialization.Encoding.DER,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        return DummyTimeStamper(tsa_cert=_asn1(cert),
                                tsa_key=asn1_keys.PrivateKeyInfo.load(der_key),
                                certs_to_embed=[_asn1(self.root[1])])


@contextmanager
def serve_timestamps(timestamper: DummyTimeStamper) -> Iterator[str]:
    """An RFC 3161 TSA over HTTP on 127.0.0.1 (application/timestamp-query); yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415)
                return
            response = asyncio.run(
                timestamper.async_request_tsa_response(tsp.TimeStampReq.load(body))).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(response)))
            self.end_headers()
            self.wfile.write(response)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
