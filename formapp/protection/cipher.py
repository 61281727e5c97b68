"""AES-256-GCM for one stored value.

Two formats. A value of a table's column is written ``v2$<key id>:<base64(nonce ‖ ciphertext
‖ tag)>`` with associated data naming its column (``purpose``, ``table.column``) *and its row*
(the primary key): a ciphertext copied or swapped into another row or column does not
decrypt there (issue 17). The older format ``<key id>:<base64>`` binds to the column only; the
columns held it before migration 0019 upgraded them, and it is still what the data key checks
(``protection.current``) use, which belong to no row. ``$`` is never part of a key id, so the
two can not be mistaken for each other.

The key id in front says which key of the keyring opens it, so old values stay readable after
a new key becomes current.
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


BOUND_PREFIX = "v2$"  # a value bound to its row


class DecryptionError(RuntimeError):
    """A stored value does not open with the key it names: wrong key or changed data."""


class MisplacedValue(DecryptionError):
    """A column's value does not open as the value of its row: moved from another row or
    column, changed, or written without row binding. Says which, never the value."""

    def __init__(self, purpose: str, row: object, why: str) -> None:
        self.purpose, self.row, self.why = purpose, row, why
        super().__init__(f"{purpose} row {row}: {why}")


def key_id_of(stored: str) -> str:
    return stored.removeprefix(BOUND_PREFIX).partition(":")[0]


def is_bound(stored: str) -> bool:
    return stored.startswith(BOUND_PREFIX)


def encrypt_for_row(keyring: Keyring, plaintext: str, purpose: str, row: object,
                    key_id: str | None = None) -> str:
    """``plaintext`` as the value of ``purpose`` (``table.column``) in the row whose primary
    key is ``row``."""
    key_id = key_id or keyring.data_key_id
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead(keyring.data_key(key_id)).encrypt(
        nonce, plaintext.encode("utf-8"), _associated_row(key_id, purpose, row))
    return f"{BOUND_PREFIX}{key_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt_for_row(keyring: Keyring, stored: str, purpose: str, row: object) -> str:
    """The plaintext of ``stored`` if it is the value of ``purpose`` in row ``row``, else
    :class:`MisplacedValue` (a missing key is ``MissingKeyError``, as for every value)."""
    if not is_bound(stored):
        raise MisplacedValue(purpose, row, "a value without row binding (the format before "
                             "issue 17): not accepted as this row's")
    key_id, _, encoded = stored.removeprefix(BOUND_PREFIX).partition(":")
    key = keyring.data_key(key_id)
    try:
        raw = base64.b64decode(encoded, validate=True)
        plain = _aead(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                    _associated_row(key_id, purpose, row))
    except (binascii.Error, ValueError, InvalidTag) as exc:
        raise MisplacedValue(purpose, row, f"does not open as this row's value under data key "
                             f"{key_id!r}: moved from another row or column, or changed "
                             "(or the key configured under that id is another)") from exc
    return plain.decode("utf-8")


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


def _associated_row(key_id: str, purpose: str, row: object) -> bytes:
    # The row as text: integer ids and the consent's UUID alike; ":" can not occur in a
    # purpose, so no (column, row) pair reads as another.
    return f"formapp:v2:{purpose}:{key_id}:row={row}".encode()
