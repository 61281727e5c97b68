"""AES-256-GCM for one stored value: ``<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``.

The key id in front says which key of the keyring opens it, so old values stay readable after
a new key becomes current. The associated data binds a value to its column (``purpose``): a
ciphertext copied into another column does not decrypt there.
"""

from __future__ import annotations

import base64
import binascii
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from formapp.protection.keyring import Keyring

NONCE_BYTES = 12


class DecryptionError(RuntimeError):
    """A stored value does not open with the key it names: wrong key or changed data."""


def key_id_of(stored: str) -> str:
    return stored.partition(":")[0]


def encrypt(keyring: Keyring, plaintext: str, purpose: str, key_id: str | None = None) -> str:
    key_id = key_id or keyring.data_key_id
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead(keyring.data_key(key_id)).encrypt(
        nonce, plaintext.encode("utf-8"), _associated(key_id, purpose))
    return f"{key_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(keyring: Keyring, stored: str, purpose: str) -> str:
    key_id, sep, encoded = stored.partition(":")
    if not sep:
        raise DecryptionError(f"{purpose}: the value is not encrypted (no key id)")
    key = keyring.data_key(key_id)
    try:
        raw = base64.b64decode(encoded, validate=True)
        plain = _aead(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                    _associated(key_id, purpose))
    except (binascii.Error, ValueError, InvalidTag) as exc:
        raise DecryptionError(
            f"{purpose}: a value does not open with data key {key_id!r}: the key configured "
            "under that id is not the one it was encrypted with, or the value was changed"
        ) from exc
    return plain.decode("utf-8")


@lru_cache(maxsize=16)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)  # set up once per key, not per value


def _associated(key_id: str, purpose: str) -> bytes:
    return f"formapp:{purpose}:{key_id}".encode()
