"""support bits: registration.forsorjning_fore_bits and _efter_bits, the kinds of offentlig
försörjning chosen (the registration_support rows) as bits, in the report index, so the reports
count them without a join (issue 10).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:25:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# As models.SUPPORT_BITS, written out: a migration must not change when the model does.
BITS = {"sjukpenning": 1, "aktivitetsersattning": 2, "sjukersattning": 4, "a_kassa": 8,
        "aktivitetsstod": 16, "forsorjningsstod": 32, "studiestod": 64, "annan": 128,
        "ingen": 256}
BEFORE = (
    "forbund_id", "end_date", "start_date", "insats_id", "kon", "age_at_start", "end_reason",
    "utbildning", "forsorjning_tid", "arbetar_fore", "arbete_procent_fore", "arbete_typ_fore",
    "studerar_fore", "studie_procent_fore", "arbetar_efter", "arbete_procent_efter",
    "arbete_typ_efter", "studerar_efter", "studie_procent_efter", "aktivt_arbetssokande_efter")
AFTER = (*BEFORE, "forsorjning_fore_bits", "forsorjning_efter_bits")


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forsorjning_fore_bits', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('forsorjning_efter_bits', sa.Integer(), nullable=True))
    kinds = " ".join(f"WHEN '{kind}' THEN {bit}" for kind, bit in BITS.items())
    for measurement in ("fore", "efter"):
        op.execute(
            f"UPDATE registration SET forsorjning_{measurement}_bits = "
            f"(SELECT coalesce(sum(CASE s.kind {kinds} ELSE 0 END), 0) "
            "FROM registration_support s WHERE s.registration_id = registration.id "
            f"AND s.measurement = '{measurement}')")
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('forsorjning_fore_bits', existing_type=sa.Integer(),
                              nullable=False)
        batch_op.alter_column('forsorjning_efter_bits', existing_type=sa.Integer(),
                              nullable=False)
        batch_op.drop_index('ix_registration_report')
        batch_op.create_index('ix_registration_report', [*AFTER, "id"], unique=False)


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_report')
        batch_op.create_index('ix_registration_report', [*BEFORE, "id"], unique=False)
        batch_op.drop_column('forsorjning_efter_bits')
        batch_op.drop_column('forsorjning_fore_bits')
