"""personal data encrypted: personnummer and names (and the form answers, which hold the name)
encrypted with the configured data key; persons found and kept unique through a keyed hash.

Uses formapp.protection for the encryption itself, so the values written here are exactly the
ones the app reads (same format, same associated data). Downgrade decrypts them again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:17:05.679846

"""
import json

import sqlalchemy as sa
from alembic import op

from formapp.protection.cipher import decrypt, encrypt
from formapp.protection.current import keyring, record_current_keys
from formapp.protection.lookup import PERSONNUMMER

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# (table, column, was JSON, length before) — every column that now holds ciphertext.
COLUMNS = (
    ("person", "personnummer", False, 12),
    ("person", "name", False, 200),
    ("consent_draft", "personnummer", False, 12),
    ("consent", "name", False, 200),
    ("registration", "name", False, 200),
    ("registration", "answers", True, None),
    ("registration", "end_answers", True, None),
    ("registration_revision", "previous_answers", True, None),
)
NULLABLE = {("registration", "end_answers")}


def _old_type(is_json, length):
    return sa.JSON() if is_json else sa.String(length=length)


def _serialize(raw, is_json):
    # As EncryptedJSON writes it: one canonical form whatever the database kept.
    return json.dumps(json.loads(raw), ensure_ascii=False, sort_keys=True) if is_json else raw


def _rewrite(table, column, change):
    """Every non-NULL value of ``table.column`` through ``change``, by primary key."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")).all()
    for row_id, value in rows:
        bind.execute(sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                     {"value": change(value), "id": row_id})


def _alter(to_text):
    for table, column, is_json, length in COLUMNS:
        old = _old_type(is_json, length)
        using = f"{column}::text" if to_text else (f"{column}::json" if is_json else None)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=old if to_text else sa.Text(),
                type_=sa.Text() if to_text else old,
                existing_nullable=(table, column) in NULLABLE,
                **({"postgresql_using": using} if using else {}))


def upgrade():
    op.create_table('data_key_check',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('key_id', sa.String(length=32), nullable=False),
    sa.Column('check_value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'key_id', name=op.f('pk_data_key_check'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personnummer_hmac', sa.String(length=64), nullable=True))
    _alter(to_text=True)

    ring = keyring()
    bind = op.get_bind()
    for person_id, digits in bind.execute(sa.text("SELECT id, personnummer FROM person")).all():
        bind.execute(sa.text("UPDATE person SET personnummer_hmac = :h WHERE id = :id"),
                     {"h": ring.lookup_hash(PERSONNUMMER, digits), "id": person_id})
    for table, column, is_json, _ in COLUMNS:
        purpose = f"{table}.{column}"
        _rewrite(table, column,
                 lambda raw, p=purpose, j=is_json: encrypt(ring, _serialize(raw, j), p))
    record_current_keys(bind, ring)

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column('personnummer_hmac', existing_type=sa.String(length=64),
                              nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_person_forbund_id_personnummer'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_person_forbund_id_personnummer_hmac'),
                                          ['forbund_id', 'personnummer_hmac'])


def downgrade():
    ring = keyring()
    for table, column, _, _ in COLUMNS:
        purpose = f"{table}.{column}"
        _rewrite(table, column, lambda stored, p=purpose: decrypt(ring, stored, p))
    _alter(to_text=False)
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_person_forbund_id_personnummer_hmac'),
                                 type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_person_forbund_id_personnummer'),
                                          ['forbund_id', 'personnummer'])
        batch_op.drop_column('personnummer_hmac')
    op.drop_table('data_key_check')
