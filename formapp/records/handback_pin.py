"""The hand-back PIN: a short code of the officer's own for taking the tablet back after a
hand-over, in place of the password (which an identity-provider user does not have here).

The second factor was asked at login, not at each hand-back; the tries are limited as the
password's are (FORMAPP_HANDBACK_MAX_FAILURES, then the session ends).
"""

from __future__ import annotations

from formapp.extensions import db
from formapp.i18n import _lo
from formapp.records.audit import log_event
from formapp.records.errors import RuleViolation
from formapp.records.models import User
from formapp.records.passwords import hash_password, verify_password
from formapp.records.sign_in import signs_in_with_idp

PIN_MIN, PIN_MAX = 6, 12


def set_pin(user: User, pin: str) -> None:
    pin = pin.strip()
    if not pin.isdigit() or not PIN_MIN <= len(pin) <= PIN_MAX:
        raise RuleViolation("pin", _lo("Koden ska vara %(min)d till %(max)d siffror.",
                                       min=PIN_MIN, max=PIN_MAX))
    if len(set(pin)) < 3 or pin in "01234567890123" or pin in "98765432109876":
        raise RuleViolation("pin", _lo("Koden är för lätt att gissa; välj siffror utan "
                                       "ordning och upprepning."))
    had = user.handback_pin_hash is not None
    user.handback_pin_hash = hash_password(pin)
    db.session.flush()
    log_event(actor=user, action="user.pin_set", subject=f"user:{user.id}",
              why="Valde en kod för att ta tillbaka surfplattan", forbund_id=user.forbund_id,
              details={"replaced": had})


def can_take_back(user: User) -> bool:
    """Whether the user has something to type at the lock screen."""
    return user.handback_pin_hash is not None or not signs_in_with_idp(user)


def handback_secret_ok(user: User, secret: str) -> bool:
    """The PIN when the user has one; the password only for a password user."""
    if user.handback_pin_hash is not None and secret.strip().isdigit() \
            and verify_password(user.handback_pin_hash, secret.strip()):
        return True
    return not signs_in_with_idp(user) and verify_password(user.password_hash, secret)
