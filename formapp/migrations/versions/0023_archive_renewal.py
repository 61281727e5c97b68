"""archived documents renewed for long-term proof (PAdES B-LTA, issue 22).

``sha256``/``size`` stay the sealed first revision's (the binding every record names); a
renewal appends a document timestamp and records the whole document's hash, size and time.

Revision ID: 0023
Revises: 0018
Create Date: 2026-12-04 22:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: archived_document has no triggers to keep.
    op.add_column('archived_document',
                  sa.Column('renewed_sha256', sa.String(length=64), nullable=True))
    op.add_column('archived_document', sa.Column('renewed_size', sa.Integer(), nullable=True))
    op.add_column('archived_document',
                  sa.Column('renewed_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_archived_document_renewed_sha256'), 'archived_document',
                    ['renewed_sha256'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_archived_document_renewed_sha256'), table_name='archived_document')
    with op.batch_alter_table('archived_document') as batch:
        batch.drop_column('renewed_at')
        batch.drop_column('renewed_size')
        batch.drop_column('renewed_sha256')
