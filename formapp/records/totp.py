"""TOTP (RFC 6238) as the second factor of a local account, and its recovery codes, at
sign-in: checking a code and using a recovery code.

A code counts once: the time step it belongs to is kept and an older or the same step is
refused, so a code seen over a shoulder is no use a second time; a recovery code is marked used.
Those two writes are the sign-in's own state, kept here beside the check. Enrolling, new
recovery codes and turning TOTP off are the cases of ``formapp.cases.totp``.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime

import pyotp
from sqlalchemy import select

from formapp.extensions import db
from formapp.records.audit import log_event
from formapp.records.models import RecoveryCode, User

ISSUER = "formapp"


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


def recovery_code_hash(code: str) -> str:
    """What is kept of a recovery code (its SHA-256)."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _normal(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def use_recovery_code(user: User, code: str) -> bool:
    """A recovery code in place of the TOTP code: each works once."""
    wanted = recovery_code_hash(_normal(code)) if len(_normal(code)) == 16 else None
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
