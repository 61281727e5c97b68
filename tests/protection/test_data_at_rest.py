"""Personnummer and names are ciphertext in the database, on both backends, and every way of
finding a person still works: by keyed hash, and by name or partial number within an insats."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from formapp.clock import today
from formapp.extensions import db
from formapp.protection.cipher import BOUND_PREFIX, DecryptionError, decrypt_for_row
from formapp.protection.columns import EncryptionMisuse
from formapp.protection.current import keyring
from formapp.records.consents import find_person
from formapp.records.models import Consent, Person, Registration
from formapp.records.participants import Search, search_participants
from formapp.records.registrations import correct_registration
from tests.web.registration_helpers import (
    ANSWERS_9448,
    PNR_KVINNA,
    PNR_MAN,
    register_one,
    take_consent,
)
from tests.web.test_consent_flow import officer, start
from tests.world import build_world

SECRETS = ("191212121212", "19121212-1212", "198001010100", "19800101-0100", "Exempelsson",
           "Rättad Persson")


def raw_database_text() -> str:
    """Every value of every table as the database holds it (no ORM, no type processing)."""
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.text(f'SELECT * FROM "{table.name}"')):
            parts.extend(str(value) for value in row)
    return "\n".join(parts)


def test_no_personnummer_or_name_is_stored_in_the_clear(app: Flask) -> None:
    world = build_world()
    registration_id = register_one(app, world, PNR_KVINNA)
    registration = db.session.get(Registration, registration_id)
    correct_registration(registration, {**ANSWERS_9448, "namn": "Rättad Persson"},
                         by=world.users["deltagaransvarig"], today=today())
    db.session.commit()
    take_consent(app, world, PNR_MAN)
    start(officer(app, world), world, "19121212-1212")  # a draft waits on the tablet
    db.session.commit()

    raw = raw_database_text()
    leaked = [s for s in SECRETS if s in raw]
    assert leaked == [], f"in the clear in the database: {leaked}"
    stored = db.session.execute(sa.text("SELECT personnummer, name FROM person")).all()
    assert all(v.startswith(f"{BOUND_PREFIX}{keyring().data_key_id}:")
               for row in stored for v in row)

    # … while the app reads them as ever.
    db.session.expire_all()
    registration = db.session.get(Registration, registration_id)
    assert registration.person.personnummer == "198001010100"
    assert registration.name == "Rättad Persson"
    assert registration.revisions[0].previous_answers["namn"] == "Testperson Exempelsson"
    assert registration.answers["namn"] == "Rättad Persson"


def test_a_person_is_found_by_keyed_hash_and_unique_per_forbund(app: Flask) -> None:
    world = build_world()
    consent = take_consent(app, world, PNR_MAN)
    person = consent.person
    assert find_person(world.forbund_a.id, "191212121212") == person
    assert find_person(world.forbund_b.id, "191212121212") is None
    assert find_person(world.forbund_a.id, "198001010100") is None
    assert len(person.personnummer_hmac) == 64 and "191212" not in person.personnummer_hmac
    twin = Person(forbund_id=world.forbund_a.id, personnummer="191212121212", kon="man",
                  birth_date=person.birth_date)
    db.session.add(twin)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()  # the database refuses a second person with the same number
    db.session.rollback()


def test_sql_can_not_compare_an_encrypted_column(app: Flask) -> None:
    with pytest.raises(EncryptionMisuse, match="encrypted"):
        sa.select(Person).where(Person.personnummer == "191212121212")
    with pytest.raises(EncryptionMisuse):
        sa.select(Consent).where(Consent.name.like("%Test%"))


def test_core_reads_encrypted_columns_again_from_the_statement_cache(app: Flask) -> None:
    # A cached statement's columns are matched to the new one's with ==: column against
    # column must stay allowed, or the second Core read of an encrypted column fails.
    world = build_world()
    register_one(app, world, PNR_KVINNA)
    for _ in range(3):
        query = (sa.select(Registration.id, Registration.name, Person.personnummer)
                 .join(Person, Registration.person_id == Person.id))
        result = db.session.connection().execute(query, execution_options={"yield_per": 10})
        rows = [row for batch in result.partitions() for row in batch]
        assert [(row.name, row.personnummer) for row in rows] == [
            ("Testperson Exempelsson", "198001010100")]
    with pytest.raises(EncryptionMisuse):
        sa.select(Person).where(Person.name == sa.bindparam("name"))


def test_a_ciphertext_moved_to_another_column_does_not_open(app: Flask) -> None:
    world = build_world()
    consent = take_consent(app, world, PNR_MAN)
    stored_name = db.session.execute(sa.text("SELECT name FROM consent WHERE id = :id"),
                                     {"id": consent.id}).scalar_one()
    ring = keyring()
    assert decrypt_for_row(ring, stored_name, "consent.name", consent.id) == \
        "Testperson Exempelsson"
    with pytest.raises(DecryptionError):
        decrypt_for_row(ring, stored_name, "person.name", consent.id)
    with pytest.raises(DecryptionError):  # nor in another row (tests/protection/test_row_binding)
        decrypt_for_row(ring, stored_name, "consent.name", "another-consent")


def test_participant_search_by_number_part_and_name_with_sorting(app: Flask) -> None:
    world = build_world()
    first = register_one(app, world, PNR_KVINNA)
    second = register_one(app, world, PNR_MAN)
    renamed = db.session.get(Registration, second)
    renamed.name = renamed.person.name = "Ada Andersson"
    db.session.commit()

    def found(**criteria: object) -> list[int]:
        return [r.id for r in search_participants(world.insats_a1, Search(**criteria))]

    assert found(query="19121212-1212") == [second]  # whole number: by keyed hash
    assert found(query="191212121212") == [second]
    assert found(query="1980") == [first]  # part of a number: decrypted within the insats
    assert found(query="andersson") == [second]  # name, any case
    assert found(query="exempel") == [first]
    assert found(query="nobody") == []
    assert found(sort="namn") == [second, first]
    assert found(sort="namn", descending=True) == [first, second]
    assert found(sort="personnummer") == [second, first]
