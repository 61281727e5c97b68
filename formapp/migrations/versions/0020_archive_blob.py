"""archive_blob: the database archive backend's sealed PDFs, write-once by trigger (issue 22).

Empty until FORMAPP_ARCHIVE_BACKEND=database; the triggers are those of
formapp.records.archive_blob_ddl, written out (tests/records/test_migrations.py checks the
two agree).

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-04 22:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0018'
branch_labels = None
depends_on = None

MESSAGE = "archive_blob is write-once: a stored document is never changed"
DELETE_MESSAGE = "archive_blob: a document is removed only after its archived_document record"
ALLOWED_UPDATE = (
    "NEW.sha256 = OLD.sha256 AND ("
    "(NEW.body = OLD.body AND OLD.envelope IS NOT NULL AND NEW.envelope IS NOT NULL)"
    " OR (OLD.envelope IS NULL AND NEW.envelope IS NULL AND NEW.body = OLD.body)"
    " OR (OLD.envelope IS NULL AND NEW.envelope IS NOT NULL))")
RECORDED = "EXISTS (SELECT 1 FROM archived_document WHERE sha256 = OLD.sha256)"

SQLITE = (
    "CREATE TRIGGER archive_blob_write_once BEFORE UPDATE ON archive_blob "
    f"WHEN NOT ({ALLOWED_UPDATE}) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    "CREATE TRIGGER archive_blob_no_delete BEFORE DELETE ON archive_blob "
    f"WHEN {RECORDED} "
    f"BEGIN SELECT RAISE(ABORT, '{DELETE_MESSAGE}'); END",
)
POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION archive_blob_write_once() RETURNS trigger AS $$ "
    "BEGIN IF TG_OP = 'DELETE' THEN "
    f"IF {RECORDED} THEN "
    f"RAISE EXCEPTION '{DELETE_MESSAGE}' USING ERRCODE = 'check_violation'; END IF; "
    "RETURN OLD; END IF; "
    f"IF NOT ({ALLOWED_UPDATE}) THEN "
    f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation'; END IF; "
    "RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER archive_blob_write_once BEFORE UPDATE OR DELETE ON archive_blob "
    "FOR EACH ROW EXECUTE FUNCTION archive_blob_write_once()",
)


def upgrade():
    op.create_table(
        'archive_blob',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('envelope', sa.Text(), nullable=True),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_archive_blob')),
    )
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS archive_blob_write_once ON archive_blob")
        op.execute("DROP FUNCTION IF EXISTS archive_blob_write_once()")
    op.drop_table('archive_blob')
