"""Turning TOTP (RFC 6238) on and off for a local account, and its recovery codes.

Recovery codes are shown once and kept only as hashes. Checking a code at sign-in is
``formapp.records.totp``. The cases flush, the caller commits.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pyotp
from sqlalchemy import delete

from formapp.extensions import db
from formapp.records.audit import log_event
from formapp.records.models import RecoveryCode, User
from formapp.records.totp import check_code, recovery_code_hash

RECOVERY_CODES = 10
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper


def begin_enrolment(user: User) -> str:
    """The secret to show as a QR code; the same one until confirmed (a reload shows it
    again). Never replaces a confirmed secret: reset it first."""
    if user.totp_enabled_at is not None:
        raise ValueError("TOTP is already enabled")
    if user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_secret


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))  # 80 bits
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=recovery_code_hash(raw)))
    db.session.flush()
    return codes


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn TOTP on once the app shows the right code; the recovery codes (to show once), or
    None when the code is wrong."""
    if user.totp_secret is None or user.totp_enabled_at is not None \
            or not check_code(user, code):
        return None
    user.totp_enabled_at = datetime.now(UTC)
    codes = _new_recovery_codes(user)
    log_event(actor=user, action="user.totp_enabled", subject=f"user:{user.id}",
              why="Började använda engångskoder (TOTP)", forbund_id=user.forbund_id,
              details={"recovery_codes": len(codes)})
    return codes


def renew_recovery_codes(user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    log_event(actor=user, action="user.recovery_codes_renewed", subject=f"user:{user.id}",
              why="Skapade nya reservkoder", forbund_id=user.forbund_id,
              details={"recovery_codes": len(codes)})
    return codes


def reset_totp(user: User, *, by: User) -> None:
    """Turn TOTP off (a lost phone, or the user's own choice where it is not required): the
    user enrols again at the next login where a second factor is required. Other sessions
    end: whoever holds the phone may have been signed in."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()
    own = by.id == user.id
    log_event(actor=by, action="user.totp_disabled" if own else "user.totp_reset",
              subject=f"user:{user.id}",
              why="Slutade använda engångskoder" if own
              else "Återställde användarens engångskoder (TOTP)",
              forbund_id=user.forbund_id, details={"other_sessions_ended": True})
