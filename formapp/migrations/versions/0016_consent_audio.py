"""recordings of consent text versions read aloud (issue 19).

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-04 20:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'consent_audio',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('forbund_id', sa.Integer(), nullable=False),
        sa.Column('locale', sa.String(length=16), nullable=False),
        sa.Column('text_version', sa.String(length=64), nullable=False),
        sa.Column('text_sha256', sa.String(length=64), nullable=False),
        sa.Column('audio_sha256', sa.String(length=64), nullable=False),
        sa.Column('media_type', sa.String(length=32), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['forbund_id'], ['forbund.id'],
                                name=op.f('fk_consent_audio_forbund_id_forbund'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['app_user.id'],
                                name=op.f('fk_consent_audio_uploaded_by_id_app_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_audio')),
        sa.UniqueConstraint('forbund_id', 'text_version', 'audio_sha256',
                            name=op.f('uq_consent_audio_forbund_id_text_version_audio_sha256')),
    )
    with op.batch_alter_table('consent_audio', schema=None) as batch_op:
        batch_op.create_index('ix_consent_audio_text', ['forbund_id', 'text_version'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('consent_audio', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_audio_text')
    op.drop_table('consent_audio')
