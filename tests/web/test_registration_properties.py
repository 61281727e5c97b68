"""Property tests: random answers to FK 9448 and FK 9449 through the real app.

Whatever is posted, the server answers with a redirect (stored) or the form with messages
(422) — never a server error — and what it stores passes the definition's own check and the
database's constraints. Answers are drawn per field type from the definitions, mostly valid
values so that stores happen, with junk mixed in.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from formapp.clock import today
from formapp.definitions import Field, FormDefinition, check
from formapp.extensions import db
from formapp.records import deregistrations, registrations
from formapp.records.models import Consent, Registration, RegistrationSupport
from formapp.webclient import Browser
from tests.web.registration_helpers import (
    ANSWERS_9448,
    ANSWERS_9449,
    register_one,
    take_consent,
)
from tests.web.test_consent_flow import officer
from tests.world import World, build_world

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
JUNK = st.one_of(st.none(), st.just(""), st.text(max_size=12),
                 st.integers(-5, 200).map(str), st.just("Te\x00st"))  # NUL: not for PostgreSQL


def _valid(spec: Field) -> st.SearchStrategy:
    codes = list(spec.options.codes) if spec.options else []
    if spec.type == "date":
        return st.dates(date(2023, 10, 1), today() + timedelta(days=20)).map(date.isoformat)
    if spec.type == "kommun":
        return st.sampled_from(["2480", "0180", "1480", "0114"])
    if spec.type == "stadsdel":
        return st.sampled_from(["", "Kungsholmen", "Lundby", "Kista", "Centrum", "Bromma"])
    if spec.type == "single-choice":
        return st.sampled_from(codes)
    if spec.type == "multi-choice":
        return st.lists(st.sampled_from(codes), min_size=0, max_size=3)
    if spec.type == "yes-no":
        return st.sampled_from(["ja", "nej"])
    if spec.type == "percent":
        return st.integers(-1, 101).map(str)
    return st.text(max_size=60) | st.just("Testperson Exempelsson")


def answers_for(definition: FormDefinition, base: dict[str, object]) -> st.SearchStrategy:
    """A valid answer set with up to four answers replaced by random ones (a plausible value
    of the field's type, or junk): some stores, many refusals, every rule reachable."""
    fields = {name: st.one_of(_valid(spec), _valid(spec), _valid(spec), JUNK)
              for name, spec in definition.fields.items()
              if spec.type not in ("fixed", "personnummer")}

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, object]:
        answers = dict(base)
        for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=4, unique=True)):
            answers[name] = draw(fields[name])
        return answers

    return build()


def _post(browser: Browser, url: str, answers: dict[str, object]):
    data = {name: value for name, value in answers.items() if value is not None}
    return browser.post(url, {**data, "once": uuid.uuid4().hex})


def _stored_is_valid(definition: FormDefinition, stored: dict, personnummer: str,
                     context: dict) -> None:
    result = check(definition, {**stored, "personnummer": personnummer}, today=today(),
                   context=context)
    assert result.ok, result.errors


@pytest.fixture
def env(app: Flask) -> tuple[World, Browser]:
    world = build_world()
    return world, officer(app, world)


def test_random_9448_answers_never_fail_and_never_store_an_invalid_record(
        app: Flask, env: tuple[World, Browser]) -> None:
    world, browser = env
    consent = take_consent(app, world)
    url = f"/samtycken/{consent.id}/inregistrering"
    definition = registrations.definition()

    @SETTINGS
    @given(answers=answers_for(definition, ANSWERS_9448))
    def run(answers: dict[str, object]) -> None:
        response = _post(browser, url, answers)
        assert response.status_code in (302, 422), response.status_code
        outcomes.append(response.status_code)
        db.session.expire_all()
        stored = db.session.scalar(select(Registration))
        if response.status_code == 422:
            assert stored is None
            assert db.session.get(Consent, consent.id).status == "active"
            return
        assert stored is not None
        _stored_is_valid(definition, stored.answers, stored.person.personnummer,
                         registrations.form_context(stored.insats))
        assert stored.arbetar_fore == (stored.answers["arbetar_fore"] == "ja")
        assert sorted(s.kind for s in stored.supports) == sorted(stored.answers[
            "forsorjning_fore"])
        # Back to a consent waiting for its registration, for the next example.
        db.session.execute(delete(RegistrationSupport))
        db.session.execute(delete(Registration))
        db.session.get(Consent, consent.id).status = "active"
        db.session.commit()

    outcomes: list[int] = []
    run()
    assert 302 in outcomes and 422 in outcomes  # both paths were exercised


def test_random_9449_answers_never_fail_and_never_store_an_invalid_record(
        app: Flask, env: tuple[World, Browser]) -> None:
    world, browser = env
    registration_id = register_one(app, world)
    url = f"/registreringar/{registration_id}/utregistrering"
    definition = deregistrations.definition()

    @SETTINGS
    @given(answers=answers_for(definition, ANSWERS_9449))
    def run(answers: dict[str, object]) -> None:
        response = _post(browser, url, answers)
        assert response.status_code in (302, 422), response.status_code
        outcomes.append(response.status_code)
        db.session.expire_all()
        registration = db.session.get(Registration, registration_id)
        if response.status_code == 422 or response.headers["Location"].endswith("/ta-bort"):
            assert registration.end_date is None and registration.end_answers is None
            return
        assert registration.end_date is not None
        _stored_is_valid(definition, registration.end_answers,
                         registration.person.personnummer,
                         {**deregistrations.form_context(registration)})
        measured = registration.end_reason not in ("6", "7")
        assert (registration.arbetar_efter is not None) == measured
        # Active again (and the consent used again after a reason 6), for the next example.
        for support in [s for s in registration.supports if s.measurement == "efter"]:
            registration.supports.remove(support)
        for name in ("end_date", "end_reason", "end_answers", "end_document_id",
                     "end_pdf_sha256", "ended_at", "ended_by_id", "aktivt_arbetssokande_efter",
                     "arbetar_efter", "arbete_procent_efter", "arbete_typ_efter",
                     "studerar_efter", "studie_procent_efter"):
            setattr(registration, name, None)
        registration.consent.status = "used"
        db.session.commit()

    outcomes: list[int] = []
    run()
    assert 302 in outcomes and 422 in outcomes  # both paths were exercised
