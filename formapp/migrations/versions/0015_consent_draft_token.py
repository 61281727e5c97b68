"""consent.draft_token_sha256: which draft a consent was signed from, unique, so a second
signature POST of the same draft (a double tap) finds the consent the first one made instead
of making another (issue 15, point 6). Consents signed before this have none.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-04 19:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_token_sha256', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_consent_draft_token_sha256'),
                                          ['draft_token_sha256'])


def downgrade():
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_consent_draft_token_sha256'), type_='unique')
        batch_op.drop_column('draft_token_sha256')
