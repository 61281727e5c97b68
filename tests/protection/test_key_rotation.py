"""``formapp rotate-key``: afterwards every value is under the new key, every record reads as
before, the old key can be removed, and an interrupted rotation finishes when run again."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from formapp.cli import cli
from formapp.clock import today
from formapp.extensions import db
from formapp.protection.cipher import decrypt_for_row, encrypt_for_row, key_id_of
from formapp.protection.current import forget_keyring, keyring
from formapp.protection.keyring import (
    DATA_VARIABLE,
    KEY_FILE,
    LOOKUP_VARIABLE,
    new_key_entry,
    read_key_file,
    write_key_file,
)
from formapp.protection.rotation import encrypted_columns, rotate
from formapp.records.consents import find_person
from formapp.records.models import Registration
from formapp.records.registrations import correct_registration
from formapp.records.subject_access import collect
from tests.web.registration_helpers import ANSWERS_9448, PNR_MAN, register_one, take_consent
from tests.world import build_world


def key_ids_in_use() -> set[str]:
    ids = set()
    for _table, column in encrypted_columns(db.metadata):
        for (value,) in db.session.execute(sa.select(sa.type_coerce(column, sa.Text()))
                                           .where(column.is_not(None))):
            ids.add(key_id_of(value))
    return ids


def snapshot() -> dict[str, object]:
    db.session.expire_all()
    registration = db.session.scalars(sa.select(Registration)).one()
    return {"pnr": registration.person.personnummer, "name": registration.name,
            "person": registration.person.name, "answers": registration.answers,
            "earlier": [r.previous_answers for r in registration.revisions],
            "consents": sorted(c.name for c in db.session.scalars(
                sa.select(registration.consent.__class__)))}


def test_rotation_keeps_every_record_readable_and_frees_the_old_keys(
        app: Flask, tmp_path: Path) -> None:
    world = build_world()
    registration = db.session.get(Registration, register_one(app, world))
    correct_registration(registration, {**ANSWERS_9448, "namn": "Ny Namnsson"},
                         by=world.users["deltagaransvarig"], today=today())
    db.session.commit()
    take_consent(app, world, PNR_MAN)  # a second person, consent only
    before = snapshot()
    old_data, old_lookup = keyring().data_key_id, keyring().lookup_key_id
    audit_before = len(collect(registration.person)["loggade_händelser"])

    result = app.test_cli_runner().invoke(cli, ["rotate-key", "--new-data-key",
                                                "--new-lookup-key", "--batch", "2"])
    assert result.exit_code == 0, result.output
    ring = keyring()
    assert ring.data_key_id != old_data and ring.lookup_key_id != old_lookup
    assert "person.personnummer: 2 re-encrypted" in result.output
    assert "registration_revision.previous_answers: 1 re-encrypted" in result.output
    assert "person.personnummer_hmac: 2 recomputed" in result.output
    assert f"remove them from FORMAPP_DATA_KEYS): {old_data}" in result.output
    assert key_ids_in_use() == {ring.data_key_id}

    # The old data key goes from the configuration; everything still reads and is found.
    path = Path(app.config["FORMAPP_DATA_DIR"]) / KEY_FILE
    values = read_key_file(path)
    write_key_file(path, {DATA_VARIABLE: values[DATA_VARIABLE].split(",")[0],
                          LOOKUP_VARIABLE: values[LOOKUP_VARIABLE]})
    forget_keyring()
    assert list(keyring().data_keys) == [ring.data_key_id]
    assert snapshot() == before
    person = find_person(world.forbund_a.id, "198001010100")
    assert person is not None and person.name == "Testperson Exempelsson"
    # Audit entries keep the lookup key they were written with: the older key finds them.
    assert len(collect(person)["loggade_händelser"]) >= audit_before > 0

    # Running it again has nothing left to do.
    again = app.test_cli_runner().invoke(cli, ["rotate-key"])
    assert again.exit_code == 0 and "person.name: 0 re-encrypted" in again.output


def test_an_interrupted_rotation_is_finished_by_running_it_again(app: Flask) -> None:
    world = build_world()
    register_one(app, world)
    take_consent(app, world, PNR_MAN)
    before = snapshot()
    path = Path(app.config["FORMAPP_DATA_DIR"]) / KEY_FILE
    values = read_key_file(path)
    write_key_file(path, {DATA_VARIABLE: f"{new_key_entry()},{values[DATA_VARIABLE]}",
                          LOOKUP_VARIABLE: values[LOOKUP_VARIABLE]})
    forget_keyring()
    ring = keyring()

    # Half done: one column re-encrypted, the rest still under the old key. The app reads both.
    # (The person's personnummer: a column every world here fills; others may be all NULL.)
    table, column = next((t, c) for t, c in encrypted_columns(db.metadata)
                         if (t.name, c.name) == ("person", "personnummer"))
    purpose = column.type.purpose
    for row_id, stored in db.session.execute(sa.select(table.c.id, sa.type_coerce(
            column, sa.Text())).where(column.is_not(None))).all():
        fresh = encrypt_for_row(ring, decrypt_for_row(ring, stored, purpose, row_id), purpose,
                                row_id)
        db.session.execute(sa.update(table).where(table.c.id == row_id).values(
            {column.name: sa.literal(fresh, sa.Text())}))
    db.session.commit()
    assert len(key_ids_in_use()) == 2
    assert snapshot() == before

    report = rotate(db.session, ring, db.metadata, batch=1)
    assert report.total > 0 and key_ids_in_use() == {ring.data_key_id}
    assert snapshot() == before
