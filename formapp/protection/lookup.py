"""Keyed hashes of a personnummer: how formapp finds a person without storing the number in
the clear. Always over the normalised 12 digits, so every spelling finds the same person."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from formapp.protection.current import keyring

PERSONNUMMER = b"personnummer"
AUDIT = b"audit"


def personnummer_hash(digits: str) -> str:
    """What ``person.personnummer_hmac`` holds (under the current lookup key)."""
    return keyring().lookup_hash(PERSONNUMMER, digits)


def personnummer_hashes(digits: str) -> list[str]:
    """Under every configured lookup key: finds a person during or after a rotation."""
    return keyring().lookup_hashes(PERSONNUMMER, digits)


def audit_key(digits: str) -> str:
    """What ``audit_entry.person_key`` holds for entries written now."""
    return keyring().lookup_hash(AUDIT, digits)


def audit_keys(digits: str) -> list[str]:
    """Every key a person's audit entries may carry. The trail is append-only, so entries keep
    the key they were written with: those from before a lookup-key rotation, and those from
    before formapp had lookup keys (hashed with the SECRET_KEY then), are found too."""
    legacy = hmac.new(current_app.config["SECRET_KEY"].encode(), b"audit:" + digits.encode(),
                      hashlib.sha256).hexdigest()
    return [*keyring().lookup_hashes(AUDIT, digits), legacy]
