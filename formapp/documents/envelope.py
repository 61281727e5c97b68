"""Sealed PDFs encrypted at rest: envelope encryption under the data keys (issue 17).

Each document gets a random AES-256 document key; the PDF is encrypted with it (AES-256-GCM)
and the document key is wrapped (AES-256-GCM) under the current data key of
``FORMAPP_DATA_KEYS``. A stored envelope is plain enough to open without formapp::

    formapp-archive-envelope 1\\n
    {"alg": "AES-256-GCM", "sha256": "<hex>", "key_id": "<data key id>",
     "key_nonce": "<b64>", "wrapped_key": "<b64>", "nonce": "<b64>"}\\n
    <ciphertext ‖ 16-byte tag of the sealed PDF>

* ``wrapped_key`` = AES-GCM(data key, key_nonce, document key,
  associated data ``formapp:archive-key:<key_id>:<sha256>``);
* the body = AES-GCM(document key, nonce, sealed PDF, associated data
  ``formapp:archive:<sha256>``).

``sha256`` is the hash of the plain sealed PDF (the archive's name for it, and what
``formapp verify`` checks): the associated data binds the envelope to that name, so an
envelope copied under another document's name does not open. Rotating the data key re-wraps
the 32-byte document key only (``rewrap``); the body, and so the PDF, is never rewritten.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from formapp.config import ConfigError
from formapp.documents.errors import DocumentError
from formapp.protection.keyring import Keyring

MAGIC = b"formapp-archive-envelope 1\n"
ALGORITHM = "AES-256-GCM"
NONCE_BYTES = 12
MAX_HEADER_BYTES = 4096


class EnvelopeError(DocumentError):
    """An envelope that does not open: wrong or missing key, or changed bytes."""


@dataclass(frozen=True)
class Envelope:
    header: str  # the JSON line (without its newline)
    body: bytes  # ciphertext ‖ tag

    @property
    def fields(self) -> dict[str, str]:
        return json.loads(self.header)

    @property
    def sha256(self) -> str:
        return self.fields["sha256"]

    @property
    def key_id(self) -> str:
        return self.fields["key_id"]

    def to_bytes(self) -> bytes:
        return MAGIC + self.header.encode("ascii") + b"\n" + self.body


def is_envelope(stored: bytes) -> bool:
    return stored.startswith(MAGIC)


def parse(stored: bytes) -> Envelope:
    """The envelope in ``stored`` (which starts with ``MAGIC``); EnvelopeError if malformed."""
    end = stored.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER_BYTES)
    if not is_envelope(stored) or end < 0:
        raise EnvelopeError("not a formapp archive envelope (no header line)")
    header = stored[len(MAGIC):end].decode("ascii", errors="replace")
    try:
        fields = json.loads(header)
    except ValueError as exc:
        raise EnvelopeError("the envelope's header is not JSON") from exc
    missing = {"alg", "sha256", "key_id", "key_nonce", "wrapped_key", "nonce"} - set(fields)
    if missing or fields["alg"] != ALGORITHM:
        raise EnvelopeError(f"the envelope's header lacks {sorted(missing)} or names another "
                            f"algorithm than {ALGORITHM}")
    return Envelope(header, stored[end + 1:])


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(fields: dict[str, str], name: str) -> bytes:
    try:
        return base64.b64decode(fields[name], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EnvelopeError(f"the envelope's {name} is not base64") from exc


def _key_aad(key_id: str, digest: str) -> bytes:
    return f"formapp:archive-key:{key_id}:{digest}".encode()


def _body_aad(digest: str) -> bytes:
    return f"formapp:archive:{digest}".encode()


def _header(ring: Keyring, digest: str, document_key: bytes, nonce: bytes) -> str:
    key_id = ring.data_key_id
    key_nonce = os.urandom(NONCE_BYTES)
    wrapped = AESGCM(ring.data_key(key_id)).encrypt(key_nonce, document_key,
                                                    _key_aad(key_id, digest))
    return json.dumps({"alg": ALGORITHM, "sha256": digest, "key_id": key_id,
                       "key_nonce": _b64(key_nonce), "wrapped_key": _b64(wrapped),
                       "nonce": _b64(nonce)}, separators=(", ", ": "))


def seal(ring: Keyring, plain: bytes, digest: str) -> Envelope:
    """``plain`` (whose SHA-256 is ``digest``) encrypted under a new document key, wrapped
    under the current data key."""
    document_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(document_key).encrypt(nonce, plain, _body_aad(digest))
    return Envelope(_header(ring, digest, document_key, nonce), body)


def _document_key(ring: Keyring, envelope: Envelope, digest: str) -> bytes:
    fields = envelope.fields
    if fields["sha256"] != digest:
        raise EnvelopeError(f"the envelope holds document {fields['sha256']}, not {digest}")
    key_id = fields["key_id"]
    try:
        data_key = ring.data_key(key_id)
    except ConfigError as exc:  # the key is not configured: say which
        raise EnvelopeError(f"document {digest}: {exc}") from exc
    try:
        return AESGCM(data_key).decrypt(
            _unb64(fields, "key_nonce"), _unb64(fields, "wrapped_key"), _key_aad(key_id, digest))
    except (InvalidTag, ValueError) as exc:
        raise EnvelopeError(f"document {digest}: its key does not open with data key "
                            f"{key_id!r} (another key under that id, or changed bytes)") from exc


def open_envelope(ring: Keyring, envelope: Envelope, digest: str) -> bytes:
    """The plain sealed PDF; EnvelopeError when it does not open to exactly ``digest``'s
    document (also when the data key it names is not configured)."""
    document_key = _document_key(ring, envelope, digest)
    try:
        return AESGCM(document_key).decrypt(_unb64(envelope.fields, "nonce"), envelope.body,
                                            _body_aad(digest))
    except (InvalidTag, ValueError) as exc:
        raise EnvelopeError(f"document {digest}: the encrypted PDF was changed or cut "
                            "short") from exc


def rewrap(ring: Keyring, envelope: Envelope, digest: str) -> Envelope:
    """The same body with its document key wrapped under the current data key."""
    fields = envelope.fields
    document_key = _document_key(ring, envelope, digest)
    return Envelope(_header(ring, digest, document_key, _unb64(fields, "nonce")), envelope.body)
