"""FK 9448 and FK 9449 as pages: every option list as rendered, word for word with seeds/002,
and every rule through the web with its message at the field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from formapp.clock import today
from formapp.extensions import db
from formapp.records.models import Consent, Registration
from formapp.webclient import Browser
from tests.definitions.test_form_definitions import (
    DURATIONS,
    EDUCATION,
    END_REASONS,
    SUPPORTS,
    WORK_TYPES,
)
from tests.web.registration_helpers import (
    ANSWERS_9448,
    ANSWERS_9449,
    field_errors,
    once_of,
    option_helps,
    option_labels,
    register_one,
    submit,
    take_consent,
)
from tests.web.test_consent_flow import officer
from tests.world import World, build_world


def registrations() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Registration))


@pytest.fixture
def ready(app: Flask) -> tuple[World, Consent, Browser, str]:
    world = build_world()
    consent = take_consent(app, world)
    return world, consent, officer(app, world), f"/samtycken/{consent.id}/inregistrering"


def test_9448_says_kommun_is_the_folkbokforingskommun(ready) -> None:
    _world, _consent, browser, url = ready
    html = browser.get(url).get_data(as_text=True)
    assert ('id="f-kommun-help1">Ange folkbokföringskommunen: den kommun där deltagaren är '
            'folkbokförd.</p>') in html


def test_9448_renders_every_option_list_of_the_paper_form(ready) -> None:
    _world, _consent, browser, url = ready
    html = browser.get(url).get_data(as_text=True)
    assert [label for _code, label in option_labels(html, "utbildning")] == EDUCATION
    assert [label for _code, label in option_labels(html, "forsorjning_tid")] == DURATIONS
    assert [label for _code, label in option_labels(html, "forsorjning_fore")] == SUPPORTS
    assert [label for _code, label in option_labels(html, "arbete_typ_fore")] == WORK_TYPES
    for question in ("Vilken är deltagarens högsta slutförda utbildning?",
                     "Hur länge har deltagaren haft offentlig försörjning?",
                     "Räkna antal år i obruten följd som deltagaren fått offentlig försörjning "
                     "innan insatsen börjar. Avbrott på upp till en månad ska inte räknas med.",
                     "Förvärvsarbetar deltagaren direkt före denna insats?",
                     "Med aktivt arbetssökande menas att deltagaren aktivt söker arbete och kan "
                     "ta ett anvisat arbete."):
        assert question in html
    assert "19121212-1212" in html and 'name="personnummer"' not in html  # shown, not asked
    assert html.count('type="checkbox" name="forsorjning_fore"') == 9


def test_9449_renders_every_end_reason_with_its_full_explanation(app: Flask) -> None:
    world = build_world()
    registration_id = register_one(app, world)
    browser = officer(app, world)
    html = browser.get(f"/registreringar/{registration_id}/utregistrering").get_data(
        as_text=True)
    assert option_labels(html, "avslutningsanledning") == [(c, label)
                                                            for c, label, _h in END_REASONS]
    # The paper's explanations, with formapp's own words where the paper names SUS (6, 8).
    assert option_helps(html, "avslutningsanledning") == [
        h.replace("i SUS.", "i formapp.").replace("från SUS.", "från formapp.")
        for _c, _l, h in END_REASONS]
    assert "SUS" not in html.split('id="q-avslutningsanledning"')[1].split("</fieldset>")[0]
    assert "Försäkringskassans Användarhandledning – Finsam, kapitel 12" in html
    assert [label for _c, label in option_labels(html, "forsorjning_efter")] == SUPPORTS
    assert "Förvärvsarbetar deltagaren direkt efter denna insats?" in html


def _later(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


# (what is wrong, answers changed, field, a piece of the message there)
RULES_9448 = [
    ("start in the future", {"startdatum": _later(1)}, "startdatum", "framtiden"),
    ("start before the insats", {"startdatum": "2023-12-31"}, "startdatum",
     "före insatsens start (2024-01-01)"),
    ("no such date", {"startdatum": "2025-02-30"}, "startdatum", "datum som finns"),
    ("no name", {"namn": "  "}, "namn", "måste besvaras"),
    ("name too long", {"namn": "x" * 201}, "namn", "Högst 200 tecken"),
    ("a NUL in the name", {"namn": "Te\x00st"}, "namn", "osynligt styrtecken (U+0000)"),
    ("a control character in the name", {"namn": "Te\x07st"}, "namn", "(U+0007)"),
    ("a right-to-left override in the name", {"namn": "Anna \u202eAndersson"}, "namn",
     "osynligt styrtecken (U+202E)"),
    ("CJK in the name", {"namn": "漢字"}, "namn", "Tecknet U+6F22 (漢) kan inte skrivas ut"),
    ("an emoji in the name", {"namn": "Anna 😀"}, "namn", "U+1F600 (😀) kan inte skrivas ut"),
    ("not a kommun", {"kommun": "9999"}, "kommun", "Sveriges kommuner"),
    ("Stockholm without stadsdel", {"kommun": "0180"}, "stadsdel", "måste besvaras"),
    ("stadsdel outside Stockholm/Göteborg", {"stadsdel": "Kista"}, "stadsdel",
     "ska inte besvaras"),
    ("stadsdel of another kommun", {"kommun": "1480", "stadsdel": "Norrmalm"}, "stadsdel",
     "inte en stadsdel i Göteborg"),
    ("unknown education", {"utbildning": "doktor"}, "utbildning", "Välj ett av alternativen"),
    ("no duration", {"forsorjning_tid": ""}, "forsorjning_tid", "måste besvaras"),
    ("none and some support", {"forsorjning_fore": ["ingen", "a_kassa"]}, "forsorjning_fore",
     "”Ingen offentlig försörjning” kan inte väljas tillsammans med annan försörjning (A-kassa)"),
    ("Ej tillämpligt with a public support", {"forsorjning_tid": "ej_tillampligt"},
     "forsorjning_tid", "”Ej tillämpligt” om hur länge"),
    ("Ej tillämpligt with a public support (both fields)", {"forsorjning_tid": "ej_tillampligt"},
     "forsorjning_fore", "”A-kassa, Försörjningsstöd” som offentlig försörjning"),
    ("no support chosen", {"forsorjning_fore": []}, "forsorjning_fore", "måste besvaras"),
    ("yes/no not answered", {"aktivt_arbetssokande_fore": ""}, "aktivt_arbetssokande_fore",
     "måste besvaras"),
    ("yes/no nonsense", {"arbetar_fore": "kanske"}, "arbetar_fore", "Svara ja eller nej"),
    ("working without percent", {"arbetar_fore": "ja", "arbete_typ_fore": "eget_foretag"},
     "arbete_procent_fore", "måste besvaras"),
    ("working 0 %", {"arbetar_fore": "ja", "arbete_procent_fore": "0",
                     "arbete_typ_fore": "eget_foretag"}, "arbete_procent_fore", "från 1 till 100"),
    ("working 101 %", {"arbetar_fore": "ja", "arbete_procent_fore": "101",
                       "arbete_typ_fore": "eget_foretag"}, "arbete_procent_fore",
     "från 1 till 100"),
    ("working without kind", {"arbetar_fore": "ja", "arbete_procent_fore": "50"},
     "arbete_typ_fore", "måste besvaras"),
    ("percent when not working", {"arbete_procent_fore": "50"}, "arbete_procent_fore",
     "ska inte besvaras när ”Förvärvsarbetar deltagaren direkt före denna insats?” är ”Nej”"),
    ("studying without percent", {"studie_procent_fore": ""}, "studie_procent_fore",
     "måste besvaras"),
    ("study percent when not studying", {"studerar_fore": "nej"}, "studie_procent_fore",
     "ska inte besvaras"),
]


def test_every_9448_rule_is_enforced_at_its_field_and_nothing_is_stored(ready) -> None:
    _world, consent, browser, url = ready
    wrong = []
    for what, change, field, message in RULES_9448:
        response = submit(browser, url, {**ANSWERS_9448, **change})
        errors = field_errors(response.get_data(as_text=True), field)
        if response.status_code != 422 or not any(message in e for e in errors):
            wrong.append(f"{what}: {response.status_code} {field} {errors}")
    assert not wrong, "\n".join(wrong)
    assert registrations() == 0
    db.session.refresh(consent)
    assert consent.status == "active"


def test_valid_edge_answers_are_accepted(ready) -> None:
    """Stockholm with a stadsdel of the start date, studiestöd with Ej tillämpligt (studiestöd is
    no public support), 100 % work: stored, and the columns the reports read are filled."""
    _world, _consent, browser, url = ready
    answers = {**ANSWERS_9448, "kommun": "0180", "stadsdel": "Kungsholmen",
               "forsorjning_tid": "ej_tillampligt", "forsorjning_fore": ["studiestod"],
               "arbetar_fore": "ja", "arbete_procent_fore": "100",
               "arbete_typ_fore": "inte_subventionerat", "studerar_fore": "nej"}
    answers.pop("studie_procent_fore")
    response = submit(browser, url, answers)
    assert response.status_code == 302, field_errors(response.get_data(as_text=True),
                                                     "stadsdel")
    db.session.expire_all()
    registration = db.session.scalar(select(Registration))
    assert (registration.kommun, registration.stadsdel) == ("0180", "Kungsholmen")
    assert registration.arbetar_fore is True and registration.arbete_procent_fore == 100
    assert registration.studerar_fore is False and registration.studie_procent_fore is None
    assert [(s.measurement, s.kind) for s in registration.supports] == [("fore", "studiestod")]
    assert registration.age_at_start == 112 and registration.person.kon == "man"
    assert registration.consent.status == "used"


def test_the_personnummer_comes_from_the_consent_never_from_the_post(ready) -> None:
    _world, consent, browser, url = ready
    response = submit(browser, url, {**ANSWERS_9448, "personnummer": "19800101-0100"})
    assert response.status_code == 302
    assert db.session.scalar(select(Registration)).person_id == consent.person_id


def test_start_after_the_insats_end_is_refused(ready) -> None:
    world, _consent, browser, url = ready
    world.insats_a1.end_date = date(2025, 1, 31)
    db.session.commit()
    response = submit(browser, url, {**ANSWERS_9448, "startdatum": "2025-02-01"})
    assert response.status_code == 422
    assert any("efter insatsens slut (2025-01-31)" in e
               for e in field_errors(response.get_data(as_text=True), "startdatum"))


# 9449: (what, answers changed, field, message piece)
RULES_9449 = [
    ("end before start", {"avslutningsdatum": "2025-02-02"}, "avslutningsdatum",
     "före startdatum (2025-02-03)"),
    ("end in the future", {"avslutningsdatum": _later(1)}, "avslutningsdatum", "framtiden"),
    ("no reason", {"avslutningsanledning": ""}, "avslutningsanledning", "måste besvaras"),
    ("reason 10", {"avslutningsanledning": "10"}, "avslutningsanledning",
     "Välj ett av alternativen"),
    ("reason 1 without work, study or job seeking",
     {"arbetar_efter": "nej", "arbete_procent_efter": "", "arbete_typ_efter": ""},
     "avslutningsanledning", "kräver att deltagaren efter insatsen förvärvsarbetar"),
    ("after-block for reason 7", {"avslutningsanledning": "7"}, "arbetar_efter",
     "ska inte besvaras när ”Avslutningsanledning” är ”Utskrivning - utan mätning”"),
    ("after-block for reason 6", {"avslutningsanledning": "6"}, "forsorjning_efter",
     "ska inte besvaras"),
    ("none and some support after", {"forsorjning_efter": ["ingen", "a_kassa"]},
     "forsorjning_efter", "kan inte väljas tillsammans"),
]


def test_every_9449_rule_is_enforced_at_its_field_and_nothing_changes(app: Flask) -> None:
    world = build_world()
    registration_id = register_one(app, world)
    browser = officer(app, world)
    url = f"/registreringar/{registration_id}/utregistrering"
    wrong = []
    for what, change, field, message in RULES_9449:
        response = submit(browser, url, {**ANSWERS_9449, **change})
        errors = field_errors(response.get_data(as_text=True), field)
        if response.status_code != 422 or not any(message in e for e in errors):
            wrong.append(f"{what}: {response.status_code} {field} {errors}")
    assert not wrong, "\n".join(wrong)
    db.session.expire_all()
    assert db.session.get(Registration, registration_id).end_date is None


def test_the_questions_follow_the_chosen_language_and_the_answers_stay(ready) -> None:
    _world, _consent, browser, url = ready
    page = browser.get(url)
    once = once_of(page.get_data(as_text=True))
    answers = {**ANSWERS_9448, "kommun": "", "once": once}
    switched = browser.post(url, {**answers, "qlang": "ar", "show_language": "1"})
    html = switched.get_data(as_text=True)
    assert switched.status_code == 200 and 'class="paper-form" lang="ar" dir="rtl"' in html
    assert "Vilken är deltagarens högsta slutförda utbildning?" not in html
    assert 'value="Testperson Exempelsson"' in html and 'value="2025-02-03"' in html
    assert 'value="gymnasium" checked' in html and 'value="a_kassa" checked' in html
    assert "Spara inregistreringen" in html  # the officer's own texts stay Swedish
    assert registrations() == 0
    refused = browser.post(url, {**answers, "qlang": "en"})
    assert refused.status_code == 422
    assert field_errors(refused.get_data(as_text=True), "kommun") == [
        "The question must be answered."]
