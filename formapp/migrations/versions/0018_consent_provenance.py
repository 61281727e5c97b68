"""consent provenance (signed, paper, unproven import, synthetic) and import batches (issue 17).

Consents the Excel import made up before (binding_version 'import': no signature, no paper,
only one receipt for the whole file) are marked 'unproven' so that their page and
``formapp verify --all`` say so; the bench's bulk rows are 'synthetic'.

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-06 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no table rebuild): the consent gate's triggers on consent stay.
    op.add_column('consent', sa.Column('kind', sa.String(length=16), nullable=False,
                                       server_default='signed'))
    op.add_column('consent', sa.Column('scan_sha256', sa.String(length=64), nullable=True))
    op.execute("UPDATE consent SET kind = 'unproven' WHERE binding_version = 'import'")
    op.execute("UPDATE consent SET kind = 'synthetic' WHERE binding_version = 'synthetic'")
    op.create_table(
        'import_batch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('forbund_id', sa.Integer(), nullable=False),
        sa.Column('insats_id', sa.Integer(), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('receipt_sha256', sa.String(length=64), nullable=True),
        sa.Column('with_consent', sa.Integer(), nullable=False),
        sa.Column('with_paper', sa.Integer(), nullable=False),
        sa.Column('anonymous', sa.Integer(), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('imported_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['forbund_id'], ['forbund.id'],
                                name=op.f('fk_import_batch_forbund_id_forbund'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['insats_id'], ['insats.id'],
                                name=op.f('fk_import_batch_insats_id_insats'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['receipt_sha256'], ['archived_document.sha256'],
                                name=op.f('fk_import_batch_receipt_sha256_archived_document'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['imported_by_id'], ['app_user.id'],
                                name=op.f('fk_import_batch_imported_by_id_app_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch')),
        sa.UniqueConstraint('insats_id', 'file_sha256',
                            name=op.f('uq_import_batch_insats_id_file_sha256')),
    )


def downgrade():
    op.drop_table('import_batch')
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild would trip over the gate's triggers.
    op.drop_column('consent', 'scan_sha256')
    op.drop_column('consent', 'kind')
