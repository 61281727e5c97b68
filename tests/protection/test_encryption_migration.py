"""Migration 0007 on a database with plaintext personal data: afterwards every value is
ciphertext that formapp reads back, persons are found by keyed hash, and a downgrade gives
the plaintext back."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from formapp.extensions import db
from formapp.records.consents import find_person
from formapp.records.models import ConsentDraft, Registration
from tests.conftest import make_app

NOW = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
ANSWERS = {"namn": "Klara Klartext", "startdatum": "2025-02-03", "kommun": "2480"}


def _plaintext_rows(conn: sa.Connection) -> None:
    """One of everything that holds a personnummer or a name, as 0006 stored it."""
    tables = sa.MetaData()
    tables.reflect(conn)

    def add(table: str, /, **row: object) -> None:
        conn.execute(tables.tables[table].insert().values(**row))

    add("forbund", id=1, name="F", organisationsnummer=None, kommun_text="", is_demo=False,
        created_at=NOW)
    add("insats", id=1, forbund_id=1, name="I", description="", start_date=date(2024, 1, 1),
        end_date=None, kind="individinriktad", inriktning="x", finansieringsform="x",
        is_volyminsats=False, prio_langtidssjukskrivna=False,
        prio_unga_aktivitetsersattning=False, prio_unga_funktionsnedsattning=False,
        created_at=NOW, updated_at=NOW)
    add("app_user", id=1, forbund_id=1, email="o@x.se", full_name="O", password_hash="x",
        is_active=True, is_system_admin=False, employed_by_forbund=False, session_version=1,
        last_login_at=None, created_at=NOW)
    add("archived_document", sha256="a" * 64, kind="consent", forbund_id=1, size=1,
        created_at=NOW)
    add("person", id=1, forbund_id=1, personnummer="191212121212", kon="man",
        birth_date=date(1912, 12, 12), name="Klara Klartext", created_at=NOW)
    add("consent", id="c1", forbund_id=1, insats_id=1, person_id=1, officer_id=1, locale="sv",
        binding_version="v", binding_sha256="b" * 64, read_version=None, read_sha256=None,
        name="Klara Klartext", place="Umeå", signed_on=date(2025, 2, 1), signed_at=NOW,
        pdf_sha256="a" * 64, status="used", used_at=NOW, withdrawn_at=None,
        withdrawn_by_id=None, withdrawal_reason=None, withdrawal_pdf_sha256=None)
    add("registration", id=1, forbund_id=1, insats_id=1, person_id=1, consent_id="c1",
        officer_id=1, name="Klara Klartext", start_date=date(2025, 2, 3), age_at_start=112,
        kommun="2480", stadsdel=None, utbildning="gymnasium", forsorjning_tid="upp_till_2",
        aktivt_arbetssokande_fore=True, arbetar_fore=False, arbete_procent_fore=None,
        arbete_typ_fore=None, studerar_fore=False, studie_procent_fore=None, answers=ANSWERS,
        document_id="d1", pdf_sha256="a" * 64, registered_at=NOW, updated_at=NOW,
        end_date=None, end_reason=None, aktivt_arbetssokande_efter=None, arbetar_efter=None,
        arbete_procent_efter=None, arbete_typ_efter=None, studerar_efter=None,
        studie_procent_efter=None, end_answers=None, end_document_id=None,
        end_pdf_sha256=None, ended_at=None, ended_by_id=None, version=1)
    add("registration_revision", id=1, registration_id=1, form="9448",
        previous_answers={**ANSWERS, "namn": "Klara Förr"}, previous_document_id="d0",
        previous_pdf_sha256="a" * 64, changed_at=NOW, changed_by_id=1)
    add("consent_draft", id=1, token="t" * 43, insats_id=1, officer_id=1,
        personnummer="198001010001", place="Umeå", locale=None, created_at=NOW)


def _raw(conn: sa.Connection, sql: str) -> list[str]:
    return [str(v) for row in conn.execute(sa.text(sql)) for v in row]


def test_existing_plaintext_is_encrypted_by_the_upgrade(database_url: str,
                                                        tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path / "data")
    with app.app_context():
        db.drop_all()  # the PostgreSQL schema is shared with other tests: start empty
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(revision="0006")
        with db.engine.begin() as conn:
            _plaintext_rows(conn)
        upgrade()
        with db.engine.connect() as conn:
            raw = " ".join(_raw(conn, "SELECT personnummer, name FROM person")
                           + _raw(conn, "SELECT name FROM consent")
                           + _raw(conn, "SELECT name, answers FROM registration")
                           + _raw(conn, "SELECT previous_answers FROM registration_revision")
                           + _raw(conn, "SELECT personnummer FROM consent_draft"))
        assert "Klara" not in raw and "191212121212" not in raw and "19800101" not in raw
        person = find_person(1, "191212121212")
        assert person is not None and person.name == "Klara Klartext"
        registration = db.session.get(Registration, 1)
        assert registration.answers == ANSWERS and registration.name == "Klara Klartext"
        assert registration.revisions[0].previous_answers["namn"] == "Klara Förr"
        assert db.session.get(ConsentDraft, 1).personnummer == "198001010001"
        db.session.remove()

        downgrade(revision="0006")
        with db.engine.connect() as conn:
            assert _raw(conn, "SELECT personnummer, name FROM person") == [
                "191212121212", "Klara Klartext"]
            answers = conn.execute(sa.text("SELECT answers FROM registration")).scalar_one()
            assert (json.loads(answers) if isinstance(answers, str) else answers) == ANSWERS
        downgrade(revision="base")
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()
