"""incomplete birth dates: person.birth_date and registration.age_at_start may be unknown
(samordningsnummer whose month or day is 00, issue 21).

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-04 20:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column('birth_date', existing_type=sa.Date(), nullable=True)
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('age_at_start', existing_type=sa.Integer(), nullable=True)


def downgrade():
    # Nothing to make up: a row with an unknown date or age stops the downgrade.
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('age_at_start', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column('birth_date', existing_type=sa.Date(), nullable=False)
