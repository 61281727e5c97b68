"""understanding questions, "tolk läser" and recordings' section times (issue 19).

The förbund's switch for the understanding questions; on the draft, the answers given so far
(encrypted like the rest of the draft's progress) and whether an interpreter reads.

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-04 22:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no table rebuild) on forbund and consent_draft: no trigger is touched.
    op.add_column('forbund', sa.Column('understanding_questions', sa.Boolean(), nullable=False,
                                       server_default=sa.text('false')))
    op.add_column('consent_draft', sa.Column('understanding', sa.Text(), nullable=True))
    op.add_column('consent_draft', sa.Column('interpreter', sa.Boolean(), nullable=False,
                                             server_default=sa.text('false')))
    # A recording's optional start time of each section, so the reading page can mark it.
    op.add_column('consent_audio', sa.Column('section_starts', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('consent_audio') as batch:
        batch.drop_column('section_starts')
    with op.batch_alter_table('consent_draft') as batch:
        batch.drop_column('interpreter')
        batch.drop_column('understanding')
    with op.batch_alter_table('forbund') as batch:
        batch.drop_column('understanding_questions')
