"""consent gate: triggers that refuse personal data of a registration whose consent is
withdrawn, and a withdrawn consent made active again (issue 17; formapp.records.consent_gate
explains what they allow). Open registrations whose consent was withdrawn before this (a
withdrawal did not end them then) are ended as reason 6 on the day of the withdrawal.

Revision ID: 0012
Revises: 0017
Create Date: 2026-12-04 19:30:00.000000

"""
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0017'
branch_labels = None
depends_on = None

# As formapp.records.consent_gate, written out: a migration must not change when the app does
# (tests/records/test_migrations.py checks the two give the same triggers).
MESSAGE = "consent gate: no personal data for a registration whose consent is withdrawn"
UNDO_MESSAGE = "consent gate: a withdrawn consent stays withdrawn"
START_COLUMNS = (
    "person_id", "consent_id", "insats_id", "forbund_id", "start_date", "age_at_start", "kon",
    "kommun", "stadsdel", "utbildning", "forsorjning_tid", "aktivt_arbetssokande_fore",
    "arbetar_fore", "arbete_procent_fore", "arbete_typ_fore", "studerar_fore",
    "studie_procent_fore", "forsorjning_fore_bits", "document_id", "pdf_sha256")
END_COLUMNS = (
    "end_date", "end_reason", "aktivt_arbetssokande_efter", "arbetar_efter",
    "arbete_procent_efter", "arbete_typ_efter", "studerar_efter", "studie_procent_efter",
    "forsorjning_efter_bits", "end_document_id", "end_pdf_sha256")


def _changed(columns, differs):
    return " OR ".join(f"NEW.{c} {differs} OLD.{c}" for c in columns)


def _withdrawn_ending(differs):
    return ("OLD.end_date IS NULL AND NEW.end_reason = '6'"
            " AND NEW.forsorjning_efter_bits = 0"
            f" AND NOT ({_changed(START_COLUMNS, differs)})")


def _sqlite():
    differs = "IS NOT"
    status = "(SELECT status FROM consent WHERE id = {row}.consent_id)"
    return (
        "CREATE TRIGGER registration_consent_gate_insert BEFORE INSERT ON registration "
        f"WHEN {status.format(row='NEW')} NOT IN ('active', 'used') "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        "CREATE TRIGGER registration_consent_gate_update BEFORE UPDATE ON registration "
        f"WHEN ({status.format(row='OLD')} = 'withdrawn' "
        f"OR {status.format(row='NEW')} = 'withdrawn') "
        f"AND ({_changed(START_COLUMNS + END_COLUMNS, differs)}) "
        f"AND NOT ({_withdrawn_ending(differs)}) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        "CREATE TRIGGER registration_support_consent_gate BEFORE INSERT ON "
        "registration_support WHEN (SELECT c.status FROM registration r JOIN consent c ON "
        "c.id = r.consent_id WHERE r.id = NEW.registration_id) = 'withdrawn' "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        "CREATE TRIGGER consent_withdrawal_final BEFORE UPDATE ON consent "
        "WHEN OLD.status = 'withdrawn' AND NEW.status IS NOT 'withdrawn' "
        f"BEGIN SELECT RAISE(ABORT, '{UNDO_MESSAGE}'); END",
    )


def _postgresql():
    differs = "IS DISTINCT FROM"
    return (
        "CREATE OR REPLACE FUNCTION registration_consent_gate() RETURNS trigger AS $$ "
        "DECLARE gate text; was text; BEGIN "
        "IF TG_OP = 'INSERT' THEN "
        "SELECT status INTO gate FROM consent WHERE id = NEW.consent_id; "
        "IF gate NOT IN ('active', 'used') THEN "
        f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation'; END IF; "
        "RETURN NEW; END IF; "
        f"IF NOT ({_changed(START_COLUMNS + END_COLUMNS, differs)}) THEN RETURN NEW; END IF; "
        "SELECT status INTO gate FROM consent WHERE id = NEW.consent_id FOR SHARE; "
        "SELECT status INTO was FROM consent WHERE id = OLD.consent_id FOR SHARE; "
        "IF (gate = 'withdrawn' OR was = 'withdrawn') "
        f"AND NOT ({_withdrawn_ending(differs)}) THEN "
        f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation'; END IF; "
        "RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER registration_consent_gate BEFORE INSERT OR UPDATE ON registration "
        "FOR EACH ROW EXECUTE FUNCTION registration_consent_gate()",
        "CREATE OR REPLACE FUNCTION registration_support_consent_gate() RETURNS trigger AS $$ "
        "BEGIN IF (SELECT c.status FROM registration r JOIN consent c ON c.id = r.consent_id "
        "WHERE r.id = NEW.registration_id) = 'withdrawn' THEN "
        f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation'; END IF; "
        "RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER registration_support_consent_gate BEFORE INSERT ON "
        "registration_support FOR EACH ROW EXECUTE FUNCTION registration_support_consent_gate()",
        "CREATE OR REPLACE FUNCTION consent_withdrawal_final() RETURNS trigger AS $$ "
        "BEGIN IF OLD.status = 'withdrawn' AND NEW.status IS DISTINCT FROM 'withdrawn' THEN "
        f"RAISE EXCEPTION '{UNDO_MESSAGE}' USING ERRCODE = 'check_violation'; END IF; "
        "RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER consent_withdrawal_final BEFORE UPDATE ON consent "
        "FOR EACH ROW EXECUTE FUNCTION consent_withdrawal_final()",
    )


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _end_withdrawn_open_registrations(bind):
    """What a withdrawal does now, for those made before: the open registration ends as reason
    6 on the withdrawal's day (not before its start), without an after-measurement (the
    after-block of an open registration is empty already). The withdrawal receipt is its
    proof; there is no FK 9449 PDF for it."""
    rows = bind.execute(sa.text(
        "SELECT r.id, r.start_date, c.withdrawn_at, c.withdrawn_by_id FROM registration r "
        "JOIN consent c ON c.id = r.consent_id "
        "WHERE r.end_date IS NULL AND c.status = 'withdrawn'")).all()
    for row_id, start, withdrawn_at, withdrawn_by in rows:
        end = max(_as_date(start), _as_date(withdrawn_at)) if withdrawn_at else _as_date(start)
        bind.execute(sa.text(
            "UPDATE registration SET end_date = :end, end_reason = '6', ended_at = :at, "
            "ended_by_id = :by, version = version + 1 WHERE id = :id"),
            {"end": end, "at": withdrawn_at, "by": withdrawn_by, "id": row_id})


def upgrade():
    bind = op.get_bind()
    _end_withdrawn_open_registrations(bind)
    statements = {"sqlite": _sqlite, "postgresql": _postgresql}.get(bind.dialect.name)
    for statement in statements() if statements else ():
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("registration_consent_gate_insert", "registration_consent_gate_update",
                     "registration_support_consent_gate", "consent_withdrawal_final"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        for name, table in (("registration_consent_gate", "registration"),
                            ("registration_support_consent_gate", "registration_support"),
                            ("consent_withdrawal_final", "consent")):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
