"""Encrypted values are bound to their row (issue 17, point 5): the associated data of each
ciphertext names its table, column and row id, so a value copied or swapped into another row
or column does not decrypt there. `formapp verify --all` checks every encrypted value against
its row and names each one that fails; a page that reads one says so instead of showing
another person's data; values written before the binding are upgraded by migration 0019."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from formapp.cli import cli
from formapp.clock import today
from formapp.extensions import db
from formapp.protection.cipher import BOUND_PREFIX, DecryptionError, decrypt, encrypt
from formapp.protection.current import keyring
from formapp.protection.rotation import encrypted_columns
from formapp.records.models import Consent, Person, Registration
from formapp.records.registrations import correct_registration
from tests.conftest import make_app
from tests.web.registration_helpers import ANSWERS_9448, register_one
from tests.web.test_consent_binding import OTHER_PNR, _two_consents
from tests.world import build_world

PERSON = Person.__table__


def _raw(table: sa.Table, column: str, row_id: object) -> str:
    return db.session.execute(sa.select(sa.type_coerce(table.c[column], sa.Text()))
                              .where(table.c.id == row_id)).scalar_one()


def _write_raw(table: sa.Table, column: str, row_id: object, value: str) -> None:
    """As someone with write access to the database would: ciphertext as it is."""
    db.session.execute(sa.update(table).where(table.c.id == row_id)
                       .values({table.c[column]: sa.literal(value, sa.Text())}))


def _swap_personnummer(first: Person, second: Person) -> None:
    one, two = _raw(PERSON, "personnummer", first.id), _raw(PERSON, "personnummer", second.id)
    _write_raw(PERSON, "personnummer", first.id, two)
    _write_raw(PERSON, "personnummer", second.id, one)
    db.session.commit()
    db.session.expire_all()


def _every_raw_value() -> list[tuple[str, object, str]]:
    found = []
    for table, column in encrypted_columns(db.metadata):
        (key,) = table.primary_key.columns
        for row_id, value in db.session.execute(
                sa.select(key, sa.type_coerce(column, sa.Text())).where(column.is_not(None))):
            found.append((f"{table.name}.{column.name}", row_id, value))
    return found


def test_every_value_is_written_bound_to_its_row(app: Flask) -> None:
    world = build_world()
    registration = db.session.get(Registration, register_one(app, world))
    correct_registration(registration, {**ANSWERS_9448, "namn": "Ny Namnsson"},
                         by=world.users["deltagaransvarig"], today=today())
    db.session.commit()
    values = _every_raw_value()
    assert {purpose for purpose, _, _ in values} >= {
        "person.personnummer", "person.name", "consent.name", "registration.name",
        "registration.answers", "registration_revision.previous_answers"}
    assert all(value.startswith(BOUND_PREFIX) for _, _, value in values), values
    result = app.test_cli_runner().invoke(cli, ["verify", "--all"])
    assert result.exit_code == 0, result.output
    assert "encrypted values" in result.output


def test_swapped_personnummer_is_reported_by_verify_all(app: Flask) -> None:
    first, second, _ = _two_consents(app)
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["verify", "--all"]).exit_code == 0
    _swap_personnummer(first.person, second.person)

    result = runner.invoke(cli, ["verify", "--all"])
    assert result.exit_code == 1, result.output
    failed = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert any(f"person.personnummer row {first.person_id}" in line for line in failed), failed
    assert any(f"person.personnummer row {second.person_id}" in line for line in failed), failed
    assert OTHER_PNR.replace("-", "") not in result.output


def test_swapped_lookup_hashes_are_reported(app: Flask) -> None:
    """Not a ciphertext, but what finds a person: swapped, it would send one person's next
    consent to the other's row."""
    first, second, _ = _two_consents(app)
    one, two = first.person.personnummer_hmac, second.person.personnummer_hmac
    for person_id, value in ((first.person_id, "x" * 64), (second.person_id, one),
                             (first.person_id, two)):
        db.session.execute(sa.update(PERSON).where(PERSON.c.id == person_id)
                           .values(personnummer_hmac=value))
    db.session.commit()
    result = app.test_cli_runner().invoke(cli, ["verify", "--all"])
    assert result.exit_code == 1
    for person_id in (first.person_id, second.person_id):
        assert f"FAIL person.personnummer_hmac row {person_id}" in result.output


def test_a_value_moved_to_another_column_of_its_row_is_reported(app: Flask) -> None:
    first, _, _ = _two_consents(app)
    _write_raw(PERSON, "name", first.person_id, _raw(PERSON, "personnummer", first.person_id))
    db.session.commit()
    result = app.test_cli_runner().invoke(cli, ["verify", "--all"])
    assert result.exit_code == 1
    assert f"FAIL person.name row {first.person_id}" in result.output


def test_a_page_reading_a_swapped_value_says_so_and_shows_nobodys_data(app: Flask) -> None:
    first, second, browser = _two_consents(app)
    _swap_personnummer(first.person, second.person)

    response = browser.get(f"/samtycken/{first.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 409, page[:2000]
    assert "hör inte till" in page and "formapp verify --all" in page
    assert "19800101" not in page and "0027" not in page  # the other person's number
    # The rest of the app still works: the untouched consent of a third party, the start.
    assert browser.get("/").status_code == 200


def test_column_reads_go_through_the_binding_too(app: Flask) -> None:
    """Reports and the export read columns, not objects: those reads are checked too."""
    world = build_world()
    registration = db.session.get(Registration, register_one(app, world))
    registration_id, consent_id, name = registration.id, registration.consent_id, \
        registration.name
    db.session.commit()
    query = (sa.select(Registration.id, Registration.name, Person.personnummer)
             .join(Person, Registration.person_id == Person.id))
    assert db.session.connection().execute(query).all() == [
        (registration_id, name, registration.person.personnummer)]
    _write_raw(Registration.__table__, "name", registration_id,
               _raw(Consent.__table__, "name", consent_id))  # same name, another table
    db.session.commit()
    result = app.test_cli_runner().invoke(cli, ["verify", "--all"])
    assert f"FAIL registration.name row {registration_id}" in result.output
    with pytest.raises(DecryptionError, match=f"registration.name row {registration_id}"):
        db.session.connection().execute(query).all()
    db.session.rollback()


def test_rotation_keeps_everything_readable_and_bound(app: Flask) -> None:
    world = build_world()
    registration = db.session.get(Registration, register_one(app, world))
    name, answers, pnr = (registration.name, registration.answers,
                          registration.person.personnummer)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["rotate-key", "--new-data-key"])
    assert result.exit_code == 0, result.output
    key = keyring().data_key_id
    assert all(value.startswith(f"{BOUND_PREFIX}{key}:") for _, _, value in _every_raw_value())
    db.session.expire_all()
    registration = db.session.get(Registration, registration.id)
    assert (registration.name, registration.answers, registration.person.personnummer) == (
        name, answers, pnr)
    assert runner.invoke(cli, ["verify", "--all"]).exit_code == 0


def test_rotation_refuses_to_launder_a_moved_value(app: Flask) -> None:
    first, second, _ = _two_consents(app)
    _swap_personnummer(first.person, second.person)
    result = app.test_cli_runner().invoke(cli, ["rotate-key", "--new-data-key"])
    assert result.exit_code != 0
    assert f"person.personnummer row {first.person_id}" in result.output
    # Still caught afterwards: the rotation did not re-encrypt it for the wrong row.
    assert app.test_cli_runner().invoke(cli, ["verify", "--all"]).exit_code == 1


def test_values_without_binding_are_reported_and_upgraded_by_the_migration(
        database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path / "data")
    with app.app_context():
        db.drop_all()  # the PostgreSQL schema is shared with other tests: start empty
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        world = build_world()
        registration = db.session.get(Registration, register_one(app, world))
        correct_registration(registration, {**ANSWERS_9448, "namn": "Ny Namnsson"},
                             by=world.users["deltagaransvarig"], today=today())
        db.session.commit()
        before = {"pnr": registration.person.personnummer, "name": registration.name,
                  "answers": registration.answers,
                  "earlier": registration.revisions[0].previous_answers}
        registration_id = registration.id
        db.session.remove()

        downgrade(revision="0018")  # as the values were before the binding
        ring = keyring()
        with db.engine.connect() as conn:
            old = conn.execute(sa.text(f"SELECT personnummer FROM person WHERE id = "
                                       f"{registration.person_id}")).scalar_one()
        assert not old.startswith(BOUND_PREFIX)
        assert decrypt(ring, old, "person.personnummer") == before["pnr"]

        upgrade()
        assert all(value.startswith(BOUND_PREFIX) for _, _, value in _every_raw_value())
        registration = db.session.get(Registration, registration_id)
        assert {"pnr": registration.person.personnummer, "name": registration.name,
                "answers": registration.answers,
                "earlier": registration.revisions[0].previous_answers} == before
        runner = app.test_cli_runner()
        assert runner.invoke(cli, ["verify", "--all"]).exit_code == 0

        # A value without binding planted afterwards (e.g. from an old copy) is a finding.
        _write_raw(PERSON, "name", registration.person_id,
                   encrypt(ring, "Gammal Kopia", "person.name"))
        db.session.commit()
        result = runner.invoke(cli, ["verify", "--all"])
        assert result.exit_code == 1
        assert f"FAIL person.name row {registration.person_id}" in result.output
        assert "without row binding" in result.output
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()
