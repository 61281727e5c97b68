"""The audit trail's key: entries and its head record carry an HMAC under a key that is never
in the database, derived from the configured lookup keys (``FORMAPP_LOOKUP_KEYS``: from the
environment in production). Someone who can write the database but does not hold the keys can
not make an entry, or a changed one, that verifies.

Each entry names the lookup key its MAC was made under; older lookup keys stay listed after a
rotation (README: Personal data at rest), so entries keyed before it still verify.
"""

from __future__ import annotations

import hashlib
import hmac

from formapp.protection.current import keyring

_DERIVE = b"formapp audit chain v1"


def _chain_key(key_id: str) -> bytes:
    # A key of its own, not the lookup key itself: a MAC is never also a lookup hash.
    return hmac.new(keyring().lookup_keys[key_id], _DERIVE, hashlib.sha256).digest()


def current_key_id() -> str:
    return keyring().lookup_key_id


def has_key(key_id: str) -> bool:
    return key_id in keyring().lookup_keys


def chain_mac(key_id: str, data: bytes) -> str:
    """HMAC-SHA256 (hex) of ``data`` under the chain key derived from lookup key ``key_id``
    (``KeyError`` when that key is not configured)."""
    return hmac.new(_chain_key(key_id), data, hashlib.sha256).hexdigest()
