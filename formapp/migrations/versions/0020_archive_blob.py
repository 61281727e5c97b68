"""archive_blob and archive_tail: the database archive backend's sealed PDFs and their
renewals (long-term proof), write-once by trigger (issue 22).

Empty until FORMAPP_ARCHIVE_BACKEND=database; the triggers are those of
formapp.documents.archive_blob_ddl, written out (tests/records/test_migrations.py checks the
two agree).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 22:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

KEYS = {"archive_blob": ("sha256",), "archive_tail": ("sha256", "n")}
WHAT = {"archive_blob": "document", "archive_tail": "renewal"}
RECORDED = "EXISTS (SELECT 1 FROM archived_document WHERE sha256 = OLD.sha256)"


def _allowed_update(table):
    same_key = " AND ".join(f"NEW.{key} = OLD.{key}" for key in KEYS[table])
    return (f"{same_key} AND ("
            "(NEW.body = OLD.body AND OLD.envelope IS NOT NULL AND NEW.envelope IS NOT NULL)"
            " OR (OLD.envelope IS NULL AND NEW.envelope IS NULL AND NEW.body = OLD.body)"
            " OR (OLD.envelope IS NULL AND NEW.envelope IS NOT NULL))")


def _triggers(table, dialect):
    message = f"{table} is write-once: a stored {WHAT[table]} is never changed"
    delete_message = f"{table}: a {WHAT[table]} is removed only after its archived_document record"
    if dialect == "sqlite":
        return (
            f"CREATE TRIGGER {table}_write_once BEFORE UPDATE ON {table} "
            f"WHEN NOT ({_allowed_update(table)}) "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"WHEN {RECORDED} "
            f"BEGIN SELECT RAISE(ABORT, '{delete_message}'); END",
        )
    if dialect == "postgresql":
        return (
            f"CREATE OR REPLACE FUNCTION {table}_write_once() RETURNS trigger AS $$ "
            "BEGIN IF TG_OP = 'DELETE' THEN "
            f"IF {RECORDED} THEN "
            f"RAISE EXCEPTION '{delete_message}' USING ERRCODE = 'check_violation'; END IF; "
            "RETURN OLD; END IF; "
            f"IF NOT ({_allowed_update(table)}) THEN "
            f"RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {table}_write_once BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_write_once()",
        )
    return ()


def upgrade():
    op.create_table(
        'archive_blob',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('envelope', sa.Text(), nullable=True),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_archive_blob')),
    )
    op.create_table(
        'archive_tail',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('n', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('envelope', sa.Text(), nullable=True),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('sha256', 'n', name=op.f('pk_archive_tail')),
    )
    dialect = op.get_bind().dialect.name
    for table in ("archive_blob", "archive_tail"):
        for statement in _triggers(table, dialect):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in ("archive_tail", "archive_blob"):
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_write_once ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_write_once()")
        op.drop_table(table)
