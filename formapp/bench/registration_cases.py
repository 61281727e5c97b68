"""FK 9448 and FK 9449 submissions through the store (validated, sealed PDF, archived,
committed), against their floor: the same rows inserted with plain SQLAlchemy."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import date

from sqlalchemy import delete, insert, select, update

from formapp.bench.consent_cases import ConsentDriver, reset_tablet
from formapp.bench.environment import OFFICER, BenchEnv
from formapp.bench.page_cases import page_case
from formapp.bench.timing import CaseResult
from formapp.cases.deregistration import deregister
from formapp.cases.registration import register_participant
from formapp.clock import today
from formapp.extensions import db, table_of
from formapp.protection.columns import bind_row, for_row, is_encrypted
from formapp.records.models import Consent, Registration, RegistrationSupport, User

ANSWERS_9448: dict[str, object] = {
    "namn": "Bench Testperson", "kommun": "2480", "utbildning": "gymnasium",
    "forsorjning_tid": "upp_till_2", "forsorjning_fore": ["a_kassa", "forsorjningsstod"],
    "aktivt_arbetssokande_fore": "ja", "arbetar_fore": "nej", "studerar_fore": "ja",
    "studie_procent_fore": "50",
}
ANSWERS_9449: dict[str, object] = {
    "namn": "Bench Testperson", "avslutningsanledning": "1", "forsorjning_efter": ["ingen"],
    "aktivt_arbetssokande_efter": "nej", "arbetar_efter": "ja", "arbete_procent_efter": "75",
    "arbete_typ_efter": "subventionerat", "studerar_efter": "nej",
}


def fresh_consent(driver: ConsentDriver) -> Consent:
    driver.prepare()
    driver.sign()
    db.session.expire_all()
    return db.session.scalars(select(Consent).where(Consent.status == "active")
                              .order_by(Consent.signed_at.desc()).limit(1)).one()


def _plain_copy(template: Registration, consent: Consent) -> None:
    """The floor: the same registration and support rows, inserted plainly, committed."""
    table = table_of(Registration)
    row = {c.name: getattr(template, c.key) for c in table.columns if c.name != "id"}
    row.update(consent_id=consent.id, person_id=consent.person_id,
               # A fresh id of the column's 36 characters (PostgreSQL refuses a longer one).
               document_id=str(uuid.uuid4()), end_document_id=None)
    # As the ORM writes it: the encrypted values bound to the id the INSERT gives the row.
    new_id: int = db.session.execute(insert(table).values(**bind_row(table, {**row, "id": None}))
                                .returning(table.c.id)).scalar_one()
    db.session.execute(update(table).where(table.c.id == new_id).values(**{
        name: for_row(value, new_id) for name, value in row.items()
        if is_encrypted(table.c[name])}))
    db.session.execute(insert(RegistrationSupport), [
        {"registration_id": new_id, "measurement": s.measurement, "kind": s.kind}
        for s in template.supports])
    db.session.commit()


def registration_cases(env: BenchEnv, numbers: Iterator[str], runs: int) -> list[CaseResult]:
    driver = ConsentDriver(env, numbers, "sv")
    officer = db.session.scalars(select(User).where(User.email == OFFICER)).one()
    start = max(env.insats.start_date, date(today().year, 1, 2)).isoformat()
    answers = {**ANSWERS_9448, "startdatum": start}
    register_ms, register_floor, end_ms, end_floor = [], [], [], []
    for index in range(runs + 1):  # the first round warms the caches
        consent, floor_consent = fresh_consent(driver), fresh_consent(driver)
        began = time.perf_counter()
        registration = register_participant(consent, answers, officer=officer, today=today())
        db.session.commit()
        ours = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        _plain_copy(registration, floor_consent)
        floor = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        deregister(registration, {**ANSWERS_9449, "avslutningsdatum": today().isoformat()},
                   by=officer, today=today())
        db.session.commit()
        ended = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        db.session.execute(table_of(Registration).update()
                           .where(Registration.consent_id == floor_consent.id)
                           .values(end_date=today(), end_reason="7"))
        db.session.commit()
        end_floor_ms = (time.perf_counter() - began) * 1000
        # The floor's row names its template's PDFs: a timing stand-in, not a record that
        # `verify --all` should find bound to another registration's documents.
        floor_id = select(Registration.id).where(Registration.consent_id == floor_consent.id)
        db.session.execute(delete(RegistrationSupport).where(
            RegistrationSupport.registration_id.in_(floor_id.scalar_subquery())))
        db.session.execute(delete(Registration).where(
            Registration.consent_id == floor_consent.id))
        db.session.commit()
        if index:
            register_ms.append(ours)
            register_floor.append(floor)
            end_ms.append(ended)
            end_floor.append(end_floor_ms)
    return [CaseResult("register_9448", register_ms, register_floor),
            CaseResult("deregister_9449", end_ms, end_floor)]


def registration_pages(env: BenchEnv, numbers: Iterator[str], runs: int) -> list[CaseResult]:
    """The 9448 page of a fresh consent, and the 9449 page of a fresh registration."""
    driver = ConsentDriver(env, numbers, "sv")
    officer = db.session.scalars(select(User).where(User.email == OFFICER)).one()
    consent = fresh_consent(driver)
    reset_tablet(env.officer)
    results = [page_case("9448", env.officer, f"/samtycken/{consent.id}/inregistrering", runs)]
    start = max(env.insats.start_date, date(today().year, 1, 2)).isoformat()
    registration = register_participant(consent, {**ANSWERS_9448, "startdatum": start},
                                        officer=officer, today=today())
    db.session.commit()
    results.append(page_case("9449", env.officer,
                             f"/registreringar/{registration.id}/utregistrering", runs))
    return results
