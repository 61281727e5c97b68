"""audit keyed: audit_entry.key_id, the lookup key an entry's HMAC was made under.

Entries written before keep their plain SHA-256 (the trail is never rewritten). If there are
any, one keyed entry ``audit.keyed`` is appended after them: its HMAC covers the last plain
entry's hash, so from now on none of them can be changed and re-chained without the key.
The head record outside the database is rewritten in its keyed form. Run
``formapp audit verify`` afterwards: it seals the first checkpoint.

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-02 19:10:00.000000

"""
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from formapp.protection.chain_key import chain_mac, current_key_id
from formapp.records.audit import store_head

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0012'
branch_labels = None
depends_on = None

ENTRY = sa.table(
    "audit_entry", sa.column("id", sa.Integer), sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor_id", sa.Integer), sa.column("actor", sa.String),
    sa.column("action", sa.String), sa.column("subject", sa.String), sa.column("why", sa.Text),
    sa.column("forbund_id", sa.Integer), sa.column("person_key", sa.String),
    sa.column("details", sa.Text), sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String), sa.column("key_id", sa.String))


def _keyed_entry(entry_id, prev_hash, plain_entries):
    """The entry that seals the plain chain, hashed as ``records.audit`` (version 1 body)."""
    at = datetime.now(UTC)
    key_id = current_key_id()
    row = {"id": entry_id, "at": at, "actor_id": None, "actor": "system",
           "action": "audit.keyed", "subject": "audit_entry",
           "why": "Granskningsloggen nycklas (HMAC) från och med nu",
           "forbund_id": None, "person_key": None,
           "details": json.dumps({"plain_entries": plain_entries}, sort_keys=True),
           "prev_hash": prev_hash, "key_id": key_id}
    body = {**{k: v for k, v in row.items() if k != "id"},
            "at": at.isoformat(timespec="microseconds")}
    row["hash"] = chain_mac(key_id, json.dumps(body, sort_keys=True, ensure_ascii=False)
                            .encode("utf-8"))
    return row


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=32), nullable=True))
    bind = op.get_bind()
    last = bind.execute(sa.text(
        "SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1")).first()
    if last is None:
        return
    plain = bind.execute(sa.text("SELECT count(*) FROM audit_entry")).scalar()
    row = _keyed_entry(last.id + 1, last.hash, plain)
    bind.execute(ENTRY.insert().values(**row))
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('audit_entry', 'id'), "
                             "(SELECT MAX(id) FROM audit_entry))"))
    store_head(row["id"], row["hash"])


def downgrade():
    # Keyed entries stay (append-only); the code before 0011 reports them as changed.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE audit_entry DROP COLUMN key_id")  # keeps the triggers
    else:
        op.drop_column('audit_entry', 'key_id')
