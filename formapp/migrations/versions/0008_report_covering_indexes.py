"""report covering indexes: registration.kon (the person's, so the reports need no join to
person) and indexes that hold every column the follow-up reports read, so they never read the
wide registration rows (issue 10: all seven reports over 300,000 participations in 1 s).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# As in models.REPORT_COLUMNS, written out: a migration must not change when the model does.
REPORT_INDEX = (
    "forbund_id", "end_date", "start_date", "insats_id", "kon", "age_at_start", "end_reason",
    "utbildning", "forsorjning_tid", "arbetar_fore", "arbete_procent_fore", "arbete_typ_fore",
    "studerar_fore", "studie_procent_fore", "arbetar_efter", "arbete_procent_efter",
    "arbete_typ_efter", "studerar_efter", "studie_procent_efter", "aktivt_arbetssokande_efter",
    "id")


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kon', sa.String(length=8), nullable=True))
    op.execute("UPDATE registration SET kon = "
               "(SELECT person.kon FROM person WHERE person.id = registration.person_id)")
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('kon', existing_type=sa.String(length=8), nullable=False)
        batch_op.drop_index('ix_registration_forbund_start')
        batch_op.drop_index('ix_registration_forbund_end')
        batch_op.create_index('ix_registration_report', list(REPORT_INDEX), unique=False)
    with op.batch_alter_table('registration_support', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_support_kind')
        batch_op.create_index('ix_registration_support_kind',
                              ['measurement', 'kind', 'registration_id'], unique=False)


def downgrade():
    with op.batch_alter_table('registration_support', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_support_kind')
        batch_op.create_index('ix_registration_support_kind', ['measurement', 'kind'],
                              unique=False)
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_report')
        batch_op.create_index('ix_registration_forbund_end', ['forbund_id', 'end_date'],
                              unique=False)
        batch_op.create_index('ix_registration_forbund_start', ['forbund_id', 'start_date'],
                              unique=False)
        batch_op.drop_column('kon')
