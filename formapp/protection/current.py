"""The running application's keyring, and the start-up check that it opens the database.

``data_key_check`` holds, per key that has written data, a value only that key produces. At
start every such key must be configured and must produce it again, so a missing or wrong key
stops the app with a message naming the key, instead of failing on the first page that shows a
name.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

import sqlalchemy as sa
from flask import Flask, current_app

from formapp.config import ConfigError
from formapp.extensions import db
from formapp.protection.cipher import DecryptionError, decrypt, encrypt
from formapp.protection.keyring import DATA_VARIABLE, LOOKUP_VARIABLE, Keyring, load_keyring

EXTENSION = "formapp.keyring"
CHECK_TABLE = "data_key_check"
CHECK_PURPOSE = "data_key_check"
CHECK_TEXT = "formapp data key check"


def keyring() -> Keyring:
    """The keyring of the current app (loaded once; ``forget_keyring`` reloads it)."""
    ring = current_app.extensions.get(EXTENSION)
    if ring is None:
        ring = current_app.extensions[EXTENSION] = load_keyring(current_app.config)
    return ring


def forget_keyring() -> None:
    """After the key file changed (restore, a new development key): read it again."""
    current_app.extensions.pop(EXTENSION, None)


def configure_keyring(app: Flask) -> None:
    """Load the keys now (a malformed one stops the start) and check them against the data."""
    app.extensions[EXTENSION] = load_keyring(app.config)
    if app.config.get("FORMAPP_CHECK_KEYS_AT_START", True):
        with app.app_context():
            check_keys()


def _lookup_check(ring: Keyring, key_id: str) -> str:
    return ring.lookup_hash(b"check", CHECK_TEXT, key_id)


def check_keys() -> None:
    """Every key the database has data under is configured and is the same key."""
    ring = keyring()
    try:
        if not sa.inspect(db.engine).has_table(CHECK_TABLE):
            return  # not migrated yet: `formapp db upgrade` writes the first check values
        rows = db.session.execute(sa.text(
            f"SELECT kind, key_id, check_value FROM {CHECK_TABLE}")).all()
    except sa.exc.OperationalError:
        db.session.rollback()
        current_app.logger.warning("database unreachable: data keys not checked at start")
        return
    check_key_rows(ring, rows)
    try:
        record_current_keys(db.session, ring)
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()  # another worker starting at the same time wrote it


def check_key_rows(ring: Keyring, rows: Iterable[tuple[str, str, str]]) -> None:
    """``data_key_check`` rows (kind, key id, value) against ``ring``: ConfigError naming the
    first key that is missing or wrong (also a backup's rows, before it is restored)."""
    for kind, key_id, value in rows:
        if kind == "data":
            if key_id not in ring.data_keys:
                raise ConfigError(f"the database holds data encrypted with data key {key_id!r}, "
                                  f"which {DATA_VARIABLE} does not list")
            try:
                decrypt(ring, value, CHECK_PURPOSE)
            except DecryptionError as exc:
                raise ConfigError(f"{DATA_VARIABLE}: key {key_id!r} is not the key the "
                                  "database was encrypted with") from exc
        elif kind == "lookup":
            if key_id not in ring.lookup_keys:
                raise ConfigError(f"the database holds lookup hashes under key {key_id!r}, "
                                  f"which {LOOKUP_VARIABLE} does not list")
            if not hmac.compare_digest(value, _lookup_check(ring, key_id)):
                raise ConfigError(f"{LOOKUP_VARIABLE}: key {key_id!r} is not the key the "
                                  "database's lookup hashes were made with")


def record_current_keys(session: object, ring: Keyring) -> None:
    """Make sure the current keys have their check value (flush only)."""
    execute = session.execute  # type: ignore[attr-defined]
    present = {(k, i) for k, i in execute(sa.text(f"SELECT kind, key_id FROM {CHECK_TABLE}"))}
    wanted = {("data", ring.data_key_id): encrypt(ring, CHECK_TEXT, CHECK_PURPOSE),
              ("lookup", ring.lookup_key_id): _lookup_check(ring, ring.lookup_key_id)}
    for (kind, key_id), value in wanted.items():
        if (kind, key_id) not in present:
            execute(sa.text(f"INSERT INTO {CHECK_TABLE} (kind, key_id, check_value) "
                            "VALUES (:kind, :key_id, :value)"),
                    {"kind": kind, "key_id": key_id, "value": value})


def forget_unused_keys(session: object, ring: Keyring) -> None:
    """After a complete rotation nothing is left under the old keys: drop their checks."""
    execute = session.execute  # type: ignore[attr-defined]
    execute(sa.text(f"DELETE FROM {CHECK_TABLE} WHERE (kind = 'data' AND key_id <> :data)"
                    " OR (kind = 'lookup' AND key_id <> :lookup)"),
            {"data": ring.data_key_id, "lookup": ring.lookup_key_id})
