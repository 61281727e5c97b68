"""encrypted values bound to their rows (issue 17): every personnummer, name and answer set
re-encrypted with associated data naming its table, column and row id, so a ciphertext moved
to another row or column no longer decrypts there.

The values written before (format ``<key id>:<base64>``, bound to their column only) are
recognised by their format and rewritten as ``v2$<key id>:<base64>`` under the current data
key. This is the one place they are trusted: afterwards the app refuses a value without row
binding, and ``formapp verify --all`` reports one. Downgrade writes the old format back.

Uses formapp.protection for the encryption itself (as 0007 does), so the values written here
are exactly the ones the app reads.

Revision ID: 0019
Revises: 0021
Create Date: 2026-12-07 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from formapp.protection.cipher import (
    decrypt,
    decrypt_for_row,
    encrypt,
    encrypt_for_row,
    is_bound,
)
from formapp.protection.current import keyring

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0021'
branch_labels = None
depends_on = None

# Every encrypted column at 0021, each in a table whose primary key is ``id``. (The identity
# provider's ID token on login_session, keyed by its hash, is dropped instead: it only serves
# as the hint at logout, and a value in the old format would no longer open.)
COLUMNS = (
    ("app_user", "totp_secret"),
    ("consent_draft", "understanding"),
    ("person", "personnummer"),
    ("person", "name"),
    ("consent_draft", "personnummer"),
    ("consent_draft", "progress"),
    ("consent", "name"),
    ("registration", "name"),
    ("registration", "answers"),
    ("registration", "end_answers"),
    ("registration_revision", "previous_answers"),
)
BATCH = 1000


def _rewrite(table, column, wanted, change):
    """Every value of ``table.column`` not yet as ``wanted`` says, through ``change``."""
    bind = op.get_bind()
    last = None
    while True:
        after = "" if last is None else "AND id > :last "
        rows = bind.execute(sa.text(
            f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL {after}"
            f"ORDER BY id LIMIT {BATCH}"), {"last": last}).all()
        if not rows:
            return
        for row_id, value in rows:
            if not wanted(value):
                bind.execute(sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                             {"value": change(row_id, value, f"{table}.{column}"),
                              "id": row_id})
        last = rows[-1][0]


def upgrade():
    op.execute("UPDATE login_session SET id_token = NULL WHERE id_token IS NOT NULL")
    ring = keyring()
    for table, column in COLUMNS:
        _rewrite(table, column, is_bound,
                 lambda row, value, purpose: encrypt_for_row(
                     ring, decrypt(ring, value, purpose), purpose, row))


def downgrade():
    ring = keyring()
    for table, column in COLUMNS:
        _rewrite(table, column, lambda value: not is_bound(value),
                 lambda row, value, purpose: encrypt(
                     ring, decrypt_for_row(ring, value, purpose, row), purpose))
