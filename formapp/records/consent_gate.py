"""The consent gate in the database itself: triggers that refuse personal data of a
registration whose consent is withdrawn, whatever code (or person) writes it.

The store functions refuse those writes first, with a message at the field; these triggers are
the second line, for a path that forgets to ask (issue 17). What they refuse:

- a registration inserted on a consent that is not active or used (withdrawn, superseded);
- an update that changes a registration's answers or their sealed PDF while its consent is
  withdrawn, except the one ending a withdrawal makes: an open registration ended as reason 6
  *Medgivande återtaget*, no after-measurement, the FK 9448 part untouched;
- a support row (offentlig försörjning) added to such a registration;
- a withdrawn consent made active or used again (a withdrawal cannot be undone).

Deleting stays allowed (end reason 8 and retention remove data). The encrypted columns
(``name``, ``answers``, ``end_answers``) are not compared: ``formapp rotate-key`` re-encrypts
them in place, and SQL cannot tell a re-encryption from new content. Every write path of the
app changes them only together with a new sealed PDF (``document_id``/``end_document_id``),
which the triggers do compare, so no path of the app slips through there.

The SQL is written out here once for ``create_all`` (tests, a new database); migration 0012
has its own copy, and tests/records/test_migrations.py checks both give the same triggers.
"""

from __future__ import annotations

MESSAGE = "consent gate: no personal data for a registration whose consent is withdrawn"
UNDO_MESSAGE = "consent gate: a withdrawn consent stays withdrawn"

# The FK 9448 part of a registration (and what ties it to its person and consent).
START_COLUMNS = (
    "person_id", "consent_id", "insats_id", "forbund_id", "start_date", "age_at_start", "kon",
    "kommun", "stadsdel", "utbildning", "forsorjning_tid", "aktivt_arbetssokande_fore",
    "arbetar_fore", "arbete_procent_fore", "arbete_typ_fore", "studerar_fore",
    "studie_procent_fore", "forsorjning_fore_bits", "document_id", "pdf_sha256")
# The FK 9449 part.
END_COLUMNS = (
    "end_date", "end_reason", "aktivt_arbetssokande_efter", "arbetar_efter",
    "arbete_procent_efter", "arbete_typ_efter", "studerar_efter", "studie_procent_efter",
    "forsorjning_efter_bits", "end_document_id", "end_pdf_sha256")
WITHDRAWN_ENDING = "6"  # Medgivande återtaget: no after-measurement (the check constraint)

TRIGGER_NAMES = {
    "sqlite": {"registration_consent_gate_insert", "registration_consent_gate_update",
               "registration_support_consent_gate", "consent_withdrawal_final"},
    "postgresql": {"registration_consent_gate", "registration_support_consent_gate",
                   "consent_withdrawal_final"},
}


def _changed(columns: tuple[str, ...], differs: str) -> str:
    return " OR ".join(f"NEW.{c} {differs} OLD.{c}" for c in columns)


def _withdrawn_ending(differs: str) -> str:
    """The update a withdrawal makes: an open registration ended as reason 6, nothing else."""
    return (f"OLD.end_date IS NULL AND NEW.end_reason = '{WITHDRAWN_ENDING}'"
            " AND NEW.forsorjning_efter_bits = 0"
            f" AND NOT ({_changed(START_COLUMNS, differs)})")


def _sqlite() -> tuple[str, ...]:
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


def _postgresql() -> tuple[str, ...]:
    differs = "IS DISTINCT FROM"
    # An update reads the consent FOR SHARE: a withdrawal committing meanwhile is waited
    # for and then seen (READ COMMITTED reads the row again), so a rättelse racing a
    # withdrawal cannot slip in. An insert needs no lock (FK 9448 updates its consent itself).
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


def gate_ddl(dialect: str) -> dict[str, tuple[str, ...]]:
    """The statements by the table they belong to (run when that table is created)."""
    if dialect == "sqlite":
        insert, update, support, final = _sqlite()
        return {"registration": (insert, update), "registration_support": (support,),
                "consent": (final,)}
    if dialect == "postgresql":
        function, trigger, support_function, support, final_function, final = _postgresql()
        return {"registration": (function, trigger),
                "registration_support": (support_function, support),
                "consent": (final_function, final)}
    return {}
