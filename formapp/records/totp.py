"""TOTP (RFC 6238) as the second factor of a local account, and its recovery codes.

A code counts once: the time step it belongs to is kept and an older or the same step is
refused, so a code seen over a shoulder is no use a second time. Recovery codes are shown once
and kept only as hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime

import pyotp
from sqlalchemy import delete, select

from formapp.extensions import db
from formapp.records.audit import log_event
from formapp.records.models import RecoveryCode, User

ISSUER = "formapp"
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


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _digits(code: str) -> str:
    return "".join(c for c in code if not c.isspace())


def check_code(user: User, code: str, *, now: float | None = None) -> bool:
    """Whether ``code`` is the user's current code (one step either side for clocks a little
    off) and newer than the last one used; the step is then kept."""
    code = _digits(code)
    if user.totp_secret is None or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = int((time.time() if now is None else now) // totp.interval)
    for step in (current - 1, current, current + 1):
        if step > (user.totp_last_step or -1) and hmac.compare_digest(
                totp.at(step * totp.interval), code):
            user.totp_last_step = step
            db.session.flush()
            return True
    return False


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _normal(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))  # 80 bits
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
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


def use_recovery_code(user: User, code: str) -> bool:
    """A recovery code in place of the TOTP code: each works once."""
    wanted = _hash(_normal(code)) if len(_normal(code)) == 16 else None
    if wanted is None:
        return False
    for row in db.session.scalars(select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))):
        if hmac.compare_digest(row.code_hash, wanted):
            row.used_at = datetime.now(UTC)
            db.session.flush()
            log_event(actor=user, action="user.recovery_code_used", subject=f"user:{user.id}",
                      why="Loggade in med en reservkod", forbund_id=user.forbund_id,
                      details={"left": remaining_recovery_codes(user)})
            return True
    return False


def remaining_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


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
