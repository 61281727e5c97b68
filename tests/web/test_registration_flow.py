"""FK 9448/9449 end to end: the consent gate, end reasons 6/7/8, rättelse history, double
submissions, anonymous and volume counts, Sök deltagare, and no partial record."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from formapp.clock import today
from formapp.documents.errors import DocumentError
from formapp.evidence import evidence
from formapp.evidence_tools import Renderers
from formapp.extensions import db
from formapp.records.deregistrations import erasure_plan
from formapp.records.models import (
    AnonymousCount,
    ArchivedDocument,
    Consent,
    Registration,
    RegistrationErasure,
    RegistrationRevision,
    RegistrationSupport,
    VolumeCount,
)
from formapp.webclient import Browser
from tests.archives import ARCHIVES
from tests.web.registration_helpers import (
    ANSWERS_9448,
    ANSWERS_9449,
    PNR_KVINNA,
    PNR_MAN,
    field_errors,
    once_of,
    register_one,
    submit,
    take_consent,
)
from tests.web.test_consent_flow import officer
from tests.world import PASSWORD, build_world


def count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _registration(registration_id: int) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration_id)


# --- the consent gate ----------------------------------------------------------------------------

def test_without_a_consent_the_officer_is_led_to_consent_or_anonymous(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    url = f"/insatser/{world.insats_a1.id}/inregistrering"
    browser.get(url)
    response = browser.post(url, {"personnummer": PNR_MAN})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "har inget aktivt, oanvänt samtycke" in html
    assert f"/insatser/{world.insats_a1.id}/samtycke" in html
    assert f"/insatser/{world.insats_a1.id}/anonyma" in html
    assert count(Registration) == 0
    bad = browser.post(url, {"personnummer": "19121212-1213"})
    assert bad.status_code == 422 and "personnummer" in bad.get_data(as_text=True).lower()


def test_the_gate_opens_the_form_with_a_consent_and_refuses_a_second_registration(
        app: Flask) -> None:
    world = build_world()
    consent = take_consent(app, world)
    browser = officer(app, world)
    gate = f"/insatser/{world.insats_a1.id}/inregistrering"
    assert consent.person.name in browser.get(gate).get_data(as_text=True)  # waiting list
    response = browser.post(gate, {"personnummer": PNR_MAN})
    assert response.headers["Location"] == f"/samtycken/{consent.id}/inregistrering"
    assert submit(browser, response.headers["Location"], ANSWERS_9448).status_code == 302
    # Registered: the gate says so, and the used consent no longer opens a form.
    again = browser.post(gate, {"personnummer": PNR_MAN}).get_data(as_text=True)
    assert "redan inregistrerad" in again
    reopened = browser.get(f"/samtycken/{consent.id}/inregistrering")
    assert reopened.status_code == 302 and "/registreringar/" in reopened.headers["Location"]
    # The receipt of an active consent links the form; of a used one, not.
    receipt = browser.get(f"/samtycken/{consent.id}").get_data(as_text=True)
    assert "Registrera deltagaren (FK 9448)" not in receipt


def test_a_consent_receipt_links_the_registration_form(app: Flask) -> None:
    world = build_world()
    consent = take_consent(app, world)
    receipt = officer(app, world).get(f"/samtycken/{consent.id}").get_data(as_text=True)
    assert f"/samtycken/{consent.id}/inregistrering" in receipt
    assert "Registrera deltagaren (FK 9448)" in receipt


def test_the_database_allows_one_active_registration_per_person_and_insats(
        app: Flask) -> None:
    world = build_world()
    first = _registration(register_one(app, world, PNR_MAN))
    second_consent = take_consent(app, world, PNR_MAN)
    copy = Registration(**{column.key: getattr(first, column.key)
                           for column in Registration.__table__.columns
                           if column.key not in ("id", "consent_id", "document_id")},
                        consent_id=second_consent.id, document_id="x" * 36)
    db.session.add(copy)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_withdrawn_or_foreign_consent_opens_no_form(app: Flask) -> None:
    world = build_world()
    consent = take_consent(app, world)
    browser = officer(app, world)
    browser.get(f"/samtycken/{consent.id}")
    browser.post(f"/samtycken/{consent.id}/aterkalla", {"reason": "Muntligt i dag.",
                                                        "bekraftat": "1"})
    response = browser.get(f"/samtycken/{consent.id}/inregistrering")
    assert response.status_code == 302
    other = Browser(app.test_client())
    other.login(world.email("samverkansadmin"), PASSWORD)
    assert other.get(f"/samtycken/{consent.id}/inregistrering").status_code == 403


# --- end reasons -----------------------------------------------------------------------------

def _end(app: Flask, answers: dict[str, object]) -> tuple[Browser, int]:
    world = build_world()
    registration_id = register_one(app, world)
    browser = officer(app, world)
    response = submit(browser, f"/registreringar/{registration_id}/utregistrering", answers)
    assert response.status_code == 302, field_errors(response.get_data(as_text=True),
                                                     "avslutningsanledning")
    return browser, registration_id


def test_an_ordinary_end_stores_the_after_block_and_a_sealed_pdf(app: Flask) -> None:
    browser, registration_id = _end(app, ANSWERS_9449)
    registration = _registration(registration_id)
    assert registration.end_reason == "1" and str(registration.end_date) == "2025-06-30"
    assert registration.arbetar_efter is True and registration.arbete_procent_efter == 75
    assert registration.arbete_typ_efter == "subventionerat"
    assert registration.aktivt_arbetssokande_efter is False
    assert ("efter", "ingen") in {(s.measurement, s.kind) for s in registration.supports}
    pdf = browser.get(f"/registreringar/{registration_id}/utregistrering.pdf")
    assert pdf.mimetype == "application/pdf" and evidence().check(pdf.data).ok
    assert registration.consent.status == "used"


def test_reason_7_ends_without_a_measurement(app: Flask) -> None:
    _browser, registration_id = _end(app, {"namn": "X", "avslutningsdatum": "2025-06-30",
                                           "avslutningsanledning": "7"})
    registration = _registration(registration_id)
    assert registration.end_reason == "7" and registration.arbetar_efter is None
    assert registration.studerar_efter is None and registration.aktivt_arbetssokande_efter is None
    assert not [s for s in registration.supports if s.measurement == "efter"]


def test_reason_6_withdraws_the_consent_and_keeps_its_history_and_proof(app: Flask) -> None:
    browser, registration_id = _end(app, {"namn": "X", "avslutningsdatum": "2025-06-30",
                                          "avslutningsanledning": "6"})
    registration = _registration(registration_id)
    consent = registration.consent
    assert registration.end_reason == "6" and registration.arbetar_efter is None
    assert consent.status == "withdrawn" and consent.withdrawal_pdf_sha256
    assert "avslutningsanledning 6" in consent.withdrawal_reason
    assert evidence().archive.exists(consent.pdf_sha256)  # the proof stays
    # No more personal data: a rättelse is refused and changes nothing.
    answers = registration.answers
    response = submit(browser, f"/registreringar/{registration_id}/rattelse",
                      {**ANSWERS_9448, "utbildning": "grundskola"})
    assert response.status_code == 422 and "Samtycket är återkallat" in response.get_data(
        as_text=True)
    assert _registration(registration_id).answers == answers
    page = browser.get(f"/registreringar/{registration_id}").get_data(as_text=True)
    assert "Rätta inregistreringen" not in page and "Rätta utregistreringen" not in page
    ended = submit(browser, f"/registreringar/{registration_id}/utregistrering/rattelse",
                   {"namn": "X", "avslutningsdatum": "2025-06-20", "avslutningsanledning": "6"})
    assert ended.status_code == 422 and "Samtycket är återkallat" in ended.get_data(
        as_text=True)
    assert str(_registration(registration_id).end_date) == "2025-06-30"


@pytest.mark.parametrize("archive_config", [ARCHIVES["local"], ARCHIVES["database-encrypted"],
                                            ARCHIVES["s3-encrypted"]],
                         ids=["local", "database", "s3"])
def test_reason_8_removes_the_registration_after_a_confirmation_that_lists_it(
        app: Flask) -> None:
    world = build_world()
    registration_id = register_one(app, world)
    browser = officer(app, world)
    submit(browser, f"/registreringar/{registration_id}/rattelse",
           {**ANSWERS_9448, "utbildning": "grundskola"})
    registration = _registration(registration_id)
    documents = [registration.pdf_sha256, registration.revisions[0].previous_pdf_sha256]
    consent_id, consent_pdf = registration.consent_id, registration.consent.pdf_sha256

    response = submit(browser, f"/registreringar/{registration_id}/utregistrering",
                      {"namn": "X", "avslutningsdatum": "2025-06-30",
                       "avslutningsanledning": "8"})
    assert response.status_code == 302
    confirm_url = response.headers["Location"]
    assert confirm_url == f"/registreringar/{registration_id}/ta-bort"
    assert _registration(registration_id) is not None  # nothing removed yet
    page = browser.get(confirm_url).get_data(as_text=True)
    for digest in documents:
        assert digest in page
    assert "Det här finns kvar" in page and "Samtycket (FK 9443)" in page
    assert "Gymnasium" not in page and "Grundskola" in page  # the answers that go

    refused = browser.post(confirm_url, {"once": once_of(page)})
    assert refused.status_code == 422 and _registration(registration_id) is not None
    done = browser.post(confirm_url, {"once": once_of(page), "confirm": "y"})
    assert done.status_code == 302
    assert _registration(registration_id) is None
    assert count(RegistrationRevision) == 0 and count(RegistrationSupport) == 0
    for digest in documents:
        assert db.session.get(ArchivedDocument, digest) is None
        assert not evidence().archive.exists(digest)
    consent = db.session.get(Consent, consent_id)
    assert consent is not None and evidence().archive.exists(consent_pdf)
    erasure = db.session.scalar(select(RegistrationErasure))
    assert erasure.consent_id == consent_id and erasure.documents_removed == 2
    # The same confirmation sent again: the first result, not an error.
    again = browser.post(confirm_url, {"once": once_of(page), "confirm": "y"})
    assert again.status_code == 302 and again.headers["Location"] == done.headers["Location"]


# --- rättelse -------------------------------------------------------------------------------

def test_a_rattelse_keeps_the_earlier_values_with_who_and_when(app: Flask) -> None:
    world = build_world()
    registration_id = register_one(app, world)
    browser = officer(app, world)
    before = _registration(registration_id)
    old_answers, old_pdf = dict(before.answers), before.pdf_sha256
    form = browser.get(f"/registreringar/{registration_id}/rattelse").get_data(as_text=True)
    assert 'value="gymnasium" checked' in form  # starts from the stored answers
    response = submit(browser, f"/registreringar/{registration_id}/rattelse",
                      {**ANSWERS_9448, "utbildning": "grundskola", "kommun": "1480",
                       "stadsdel": "Lundby"})
    assert response.status_code == 302
    registration = _registration(registration_id)
    assert registration.utbildning == "grundskola" and registration.stadsdel == "Lundby"
    assert registration.pdf_sha256 != old_pdf
    (revision,) = registration.revisions
    assert revision.previous_answers == old_answers and revision.previous_pdf_sha256 == old_pdf
    assert revision.changed_by_id == world.users["deltagaransvarig"].id
    assert revision.changed_at is not None
    page = browser.get(f"/registreringar/{registration_id}").get_data(as_text=True)
    assert "<del>Gymnasium</del> → <ins>Grundskola</ins>" in page
    old = browser.get(f"/registreringar/{registration_id}/historik/{revision.id}.pdf")
    assert old.mimetype == "application/pdf" and evidence().check(old.data).ok
    unchanged = submit(browser, f"/registreringar/{registration_id}/rattelse",
                       {**ANSWERS_9448, "utbildning": "grundskola", "kommun": "1480",
                        "stadsdel": "Lundby"})
    assert unchanged.status_code == 422 and "Inget är ändrat" in unchanged.get_data(as_text=True)


def test_a_rattelse_of_the_9449_keeps_the_earlier_ending_with_who_and_when(
        app: Flask) -> None:
    browser, registration_id = _end(app, ANSWERS_9449)
    before = _registration(registration_id)
    old_answers, old_pdf = dict(before.end_answers), before.end_pdf_sha256
    url = f"/registreringar/{registration_id}/utregistrering/rattelse"
    assert 'value="subventionerat" checked' in browser.get(url).get_data(as_text=True)
    # Reason 1 must still agree with the after-block: refused at the field, nothing changed.
    disagreeing = submit(browser, url, {**ANSWERS_9449, "arbetar_efter": "nej",
                                        "arbete_procent_efter": "", "arbete_typ_efter": ""})
    assert disagreeing.status_code == 422
    assert field_errors(disagreeing.get_data(as_text=True), "avslutningsanledning")
    assert _registration(registration_id).end_pdf_sha256 == old_pdf
    # Reason 7 has no after-measurement: the after-block and its support rows go.
    response = submit(browser, url, {"namn": "Testperson Exempelsson",
                                     "avslutningsdatum": "2025-06-20",
                                     "avslutningsanledning": "7"})
    assert response.status_code == 302
    registration = _registration(registration_id)
    assert registration.end_reason == "7" and str(registration.end_date) == "2025-06-20"
    assert registration.arbetar_efter is None and registration.ended_by_id is not None
    assert not [s for s in registration.supports if s.measurement == "efter"]
    assert registration.end_pdf_sha256 != old_pdf and registration.consent.status == "used"
    (revision,) = registration.revisions
    assert revision.form == "9449" and revision.previous_answers == old_answers
    assert revision.previous_pdf_sha256 == old_pdf
    page = browser.get(f"/registreringar/{registration_id}").get_data(as_text=True)
    assert "<del>2025-06-30</del> → <ins>2025-06-20</ins>" in page and "FK 9449" in page
    old = browser.get(f"/registreringar/{registration_id}/historik/{revision.id}.pdf")
    assert old.mimetype == "application/pdf" and evidence().check(old.data).ok
    # A 9448 rättelse afterwards is compared with the 9448 answers, not the 9449 ones.
    assert submit(browser, f"/registreringar/{registration_id}/rattelse",
                  {**ANSWERS_9448, "utbildning": "grundskola"}).status_code == 302
    page = browser.get(f"/registreringar/{registration_id}").get_data(as_text=True)
    assert "<del>Gymnasium</del> → <ins>Grundskola</ins>" in page
    assert page.count("<del>2025-06-30</del>") == 1
    # Reason 8 is a removal, never a rättelse; an unchanged form changes nothing.
    removal = submit(browser, url, {"namn": "X", "avslutningsdatum": "2025-06-20",
                                    "avslutningsanledning": "8"})
    assert removal.status_code == 422 and "Felregistrering" in removal.get_data(as_text=True)
    same = submit(browser, url, {"namn": "Testperson Exempelsson",
                                 "avslutningsdatum": "2025-06-20", "avslutningsanledning": "7"})
    assert same.status_code == 422 and "Inget är ändrat" in same.get_data(as_text=True)
    assert len(_registration(registration_id).revisions) == 2
    # The erasure of reason 8 would remove every PDF of it: two current, two in the history.
    assert len(erasure_plan(_registration(registration_id)).documents) == 4


def test_a_rattelse_to_reason_6_withdraws_the_consent(app: Flask) -> None:
    browser, registration_id = _end(app, ANSWERS_9449)
    response = submit(browser, f"/registreringar/{registration_id}/utregistrering/rattelse",
                      {"namn": "X", "avslutningsdatum": "2025-06-30",
                       "avslutningsanledning": "6"})
    assert response.status_code == 302
    registration = _registration(registration_id)
    assert registration.end_reason == "6" and registration.consent.status == "withdrawn"
    assert registration.arbetar_efter is None


def test_an_active_registration_has_no_9449_to_correct(app: Flask) -> None:
    world = build_world()
    registration_id = register_one(app, world)
    browser = officer(app, world)
    url = f"/registreringar/{registration_id}/utregistrering/rattelse"
    assert browser.get(url).status_code == 302
    response = browser.post(url, {**ANSWERS_9449, "once": "x"})
    assert response.status_code == 302 and _registration(registration_id).is_active


# --- double submission, no partial record --------------------------------------------------

def test_a_double_submission_stores_one_registration_and_one_ending(app: Flask) -> None:
    world = build_world()
    consent = take_consent(app, world)
    browser = officer(app, world)
    url = f"/samtycken/{consent.id}/inregistrering"
    once = once_of(browser.get(url).get_data(as_text=True))
    first = browser.post(url, {**ANSWERS_9448, "once": once})
    second = browser.post(url, {**ANSWERS_9448, "once": once})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Registration) == 1
    end_url = first.headers["Location"] + "/utregistrering"
    once = once_of(browser.get(end_url).get_data(as_text=True))
    ended = browser.post(end_url, {**ANSWERS_9449, "once": once})
    again = browser.post(end_url, {**ANSWERS_9449, "once": once})
    assert ended.status_code == again.status_code == 302
    assert count(ArchivedDocument) == 3  # consent, 9448, one 9449


def test_a_failing_pdf_leaves_no_partial_record(app: Flask, monkeypatch) -> None:
    world = build_world()
    consent = take_consent(app, world)
    browser = officer(app, world)
    documents = count(ArchivedDocument)

    def broken(*args: object, **kwargs: object) -> bytes:
        raise DocumentError("the font is missing")

    monkeypatch.setattr(Renderers, "form_pdf", staticmethod(broken))
    response = submit(browser, f"/samtycken/{consent.id}/inregistrering", ANSWERS_9448)
    page = response.get_data(as_text=True)
    # The officer's language, never the exception's English text (that goes to the log).
    assert response.status_code == 422 and "PDF:en kunde inte skapas" in page
    assert "the font is missing" not in page
    assert count(Registration) == 0 and count(ArchivedDocument) == documents
    assert db.session.get(Consent, consent.id).status == "active"


# --- counts -----------------------------------------------------------------------------------

def _count_page(browser: Browser, url: str, data: dict[str, str]):
    page = browser.get(url).get_data(as_text=True)
    return browser.post(url, {"once": once_of(page), **data})


def test_anonymous_counts_add_remove_never_below_zero_and_once_per_page(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    url = f"/insatser/{world.insats_a1.id}/anonyma"
    year = str(today().year)
    added = _count_page(browser, url, {"year": year, "kvinnor": "3", "action": "add:kvinnor"})
    assert added.status_code == 302
    _count_page(browser, url, {"year": year, "man": "2", "action": "add:man"})
    _count_page(browser, url, {"year": year, "man": "1", "action": "remove:man"})
    too_many = _count_page(browser, url, {"year": year, "kvinnor": "4",
                                          "action": "remove:kvinnor"})
    assert too_many.status_code == 422
    assert "fler än som är registrerade (3)" in too_many.get_data(as_text=True)
    page = browser.get(url).get_data(as_text=True)
    once = once_of(page)
    for _ in range(2):  # a double tap
        browser.post(url, {"once": once, "year": year, "man": "5", "action": "add:man"})
    db.session.expire_all()
    counts = {row.kon: row.count for row in db.session.scalars(select(AnonymousCount))}
    assert counts == {"kvinna": 3, "man": 6}
    html = browser.get(url).get_data(as_text=True)
    assert "Summa antal anonyma deltagare som startat under året: <strong>9</strong>" in html
    wrong_year = _count_page(browser, url, {"year": "2019", "man": "1", "action": "add:man"})
    assert wrong_year.status_code == 422
    zero = _count_page(browser, url, {"year": year, "man": "0", "action": "add:man"})
    assert zero.status_code == 422


def test_volume_counts_only_by_the_insatsansvarig_only_in_a_volyminsats(app: Flask) -> None:
    world = build_world()
    browser = Browser(app.test_client())
    browser.login(world.email("insatsansvarig"), PASSWORD)
    url = f"/insatser/{world.insats_volume.id}/volym"
    year = str(today().year)
    assert _count_page(browser, url, {"year": year, "amount": "12",
                                      "action": "add:amount"}).status_code == 302
    assert _count_page(browser, url, {"year": year, "amount": "2",
                                      "action": "remove:amount"}).status_code == 302
    assert _count_page(browser, url, {"year": year, "amount": "11",
                                      "action": "remove:amount"}).status_code == 422
    assert db.session.scalar(select(VolumeCount.count)) == 10
    assert browser.get(f"/insatser/{world.insats_a1.id}/volym").status_code == 403
    deltagare = officer(app, world)
    assert deltagare.get(url).status_code == 403
    # A volyminsats has no personal data and no anonymous counts by kön.
    assert deltagare.get(f"/insatser/{world.insats_volume.id}/anonyma").status_code == 403
    show = browser.get(f"/insatser/{world.insats_volume.id}").get_data(as_text=True)
    assert url in show


# --- Sök deltagare -------------------------------------------------------------------------------

def test_search_by_personnummer_or_name_year_and_status(app: Flask) -> None:
    world = build_world()
    ended_id = register_one(app, world, PNR_KVINNA)
    active_id = register_one(app, world, PNR_MAN)
    browser = officer(app, world)
    submit(browser, f"/registreringar/{ended_id}/utregistrering", ANSWERS_9449)
    base = f"/insatser/{world.insats_a1.id}/deltagare"

    def found(**criteria: str) -> set[int]:
        # The search is posted: a personnummer never goes in the URL.
        response = browser.post(base, criteria) if criteria else browser.get(base)
        html = response.get_data(as_text=True)
        return {rid for rid in (ended_id, active_id) if f'/registreringar/{rid}"' in html}

    assert found() == {ended_id, active_id}
    assert found(q="19121212") == {active_id}
    assert found(q="198001010100") == {ended_id}
    assert found(q="exempelsson") == {ended_id, active_id}
    assert found(status="aktiva") == {active_id}
    assert found(status="inaktiva") == {ended_id}
    assert found(inar="2025") == {ended_id, active_id}
    assert found(inar="2024") == set()
    assert found(utar="2025") == {ended_id}
    assert browser.get(base, query_string={"q": "19121212"}).status_code == 200
    assert found() == {ended_id, active_id}  # the URL's criteria are not searched
    html = browser.get(base).get_data(as_text=True)
    assert f"/registreringar/{active_id}/utregistrering" in html  # 9449 from the list
    assert f"/registreringar/{ended_id}/utregistrering" not in html
