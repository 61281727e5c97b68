"""Understanding questions and "tolk läser" on the server (issue 19): the förbund's switch,
the way to the signature going by the questions, the answers and the interpreter sealed in
record.json and stated on the PDF (Swedish and the participant's language), and the longer
idle lock for a hand-over with an interpreter."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

import pikepdf
import pytest
from flask import Flask
from sqlalchemy import func, select

from formapp.definitions.understanding import questions_for
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.readaloud import machine
from formapp.records.audit import person_key
from formapp.records.audit_events import EVENT_LABELS
from formapp.records.consent_texts import shown_texts
from formapp.records.models import AuditEntry, Consent, Forbund
from tests.i18n.test_participant_pages import LOCALES, untranslated
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.web.test_formapp_text_pages import admin, use_formapp_text
from tests.world import World, build_world


def extract_text(pdf: bytes) -> str:
    """The PDF's text as a reader's copy-paste gets it (poppler's pdftotext)."""
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")


def record_of(consent: Consent) -> dict:
    pdf = evidence().archive.read(consent.pdf_sha256)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return json.loads(document.attachments["record.json"].get_file().read_bytes())


def audio_cache_of(app: Flask):
    return machine.cache_dir(app.config)


def switch_on(app: Flask, world: World) -> None:
    browser = use_formapp_text(app, world)
    url = f"/forbund/{world.forbund_a.id}/samtyckestexter"
    page = browser.get(url).get_data(as_text=True)
    assert 'id="understanding"' in page and "4 frågor (av)" in page
    response = browser.post(url, {"understanding-save": "1", "understanding-enabled": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Forbund, world.forbund_a.id).understanding_questions
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "forbund.understanding")) is not None
    assert "4 frågor" in browser.get(url).get_data(as_text=True)


def _answer(browser, url: str, choice: int | None, action: str = "answer"):
    browser.get(url)
    data = {"action": action}
    if choice is not None:
        data["choice"] = str(choice)
    return browser.post(url, data)


def test_questions_before_signing_sealed_with_the_answers(app: Flask) -> None:
    world = build_world()
    switch_on(app, world)
    browser = officer(app, world)
    url = read_url(start(browser, world), "ar")
    page = browser.get(url).get_data(as_text=True)
    assert 'id="to-questions"' in page and 'id="signature-canvas"' not in page
    # Signing straight away is not possible: the way goes by the questions (no refusal).
    response = sign(browser, url)
    assert response.status_code == 302 and response.headers["Location"].endswith("/ar/fragor")
    assert db.session.scalar(select(Consent)) is None

    browser.get(url)
    moved = browser.post(f"{url}/till-fragorna", {"read_aloud": ""})
    questions_url = moved.headers["Location"]
    texts = shown_texts(world.forbund_a, "ar")
    questions = questions_for(texts.read)
    first = questions.questions[0]
    page = browser.get(questions_url).get_data(as_text=True)
    assert first.question in page
    # The question read aloud (espeak-ng, Arabic voice), from the tablet's own page.
    if shutil.which("espeak-ng"):
        audio_url = re.search(r'data-play-src="([^"]+)"', page).group(1)
        assert audio_url == f"/upplasning/fraga/{texts.read.version}/{first.id}.wav"
        audio = browser.get(audio_url)
        assert audio.status_code == 200 and audio.mimetype == "audio/wav"
        assert audio.get_data()[:4] == b"RIFF"
    assert _answer(browser, questions_url, None).status_code == 422  # no choice: asked again
    wrong = 1 - first.answer
    response = _answer(browser, questions_url, wrong)
    assert response.headers["Location"].endswith("#answer-section")
    again = browser.get(questions_url).get_data(as_text=True)
    assert 'id="answer-section"' in again
    assert texts.read.sections[first.section - 1].paragraphs[0] in again
    # "Gå vidare" is only for after an answer: the first question is still to answer right.
    _answer(browser, questions_url, first.answer)
    for question in questions.questions[1:]:
        response = _answer(browser, questions_url, question.answer)
    assert response.headers["Location"].endswith("/ar#sign-form")

    assert sign(browser, url).headers["Location"] == "/deltagare/klart"
    hand_back(browser)
    consent = db.session.scalar(select(Consent))
    record = record_of(consent)
    understood = record["understanding"]
    assert understood["questions_sha256"] == questions.sha256
    assert [(a["id"], a["answers"], a["correct"], a["attempts"])
            for a in understood["answers"]] == [
        (first.id, [wrong, first.answer], True, 2),
        *[(q.id, [q.answer], True, 1) for q in questions.questions[1:]]]
    assert record["read_with_interpreter"] is False
    text = extract_text(evidence().archive.read(consent.pdf_sha256))
    swedish = questions_for(texts.binding)
    assert "Förståelsefrågor" in text and "3 av 4 rätt första gången" in text
    assert swedish.questions[0].question in text  # the Swedish wording
    assert "Tolk läste" in text

    # The officer's receipt page says the same in plain words (the Swedish wording).
    receipt = browser.get(f"/samtycken/{consent.id}").get_data(as_text=True)
    block = receipt[receipt.index('id="understanding-heading"'):]
    assert "3 av 4 rätt första gången" in block
    for number, (asked, sv) in enumerate(zip(questions.questions, swedish.questions,
                                             strict=True), start=1):
        assert f"Fråga {number}" in block and sv.question in block
        assert sv.options[asked.answer] in block
    assert "Rätt efter 2 försök" in block and "Rätt första gången" in block
    assert first.question not in block  # the Arabic wording is in the PDF, not here

    # The registerutdrag: every answer under its question, in Swedish and in Arabic.
    person_url = f"/personer/{consent.person_id}"
    extract = admin(app, world).post(f"{person_url}/registerutdrag",
                                     {"why": "Begärt per brev 2026-11-20"})
    assert extract.status_code == 200
    with pikepdf.open(io.BytesIO(extract.data)) as document:
        data = json.loads(document.attachments["record.json"].get_file().read_bytes())
    asked = data["samtycken"][0]["förståelsefrågor"]
    assert [a["answers"] for a in asked["answers"]] == [a["answers"]
                                                        for a in understood["answers"]]
    words = " ".join(extract_text(extract.data).split())
    assert "Frågor om texten" in words and "Fråga 1 av 4" in words
    assert " ".join(swedish.questions[1].question.split()) in words
    assert " ".join(questions.questions[1].question.split()) in words
    assert "Rätt svar. Försök: 2" in words and "Rätt svar. Försök: 1" in words


def test_tolk_laser_turned_on_and_off_is_audited(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), "sv")  # without an interpreter: nothing to log
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "consent.interpreter")) is None
    paused = hand_back(browser)
    browser.post(paused, {"resume": "Lämna tillbaka", "interpreter": "y"})
    paused = hand_back(browser)
    browser.post(paused, {"resume": "Lämna tillbaka", "interpreter": "y"})  # unchanged
    paused = hand_back(browser)
    browser.post(paused, {"resume": "Lämna tillbaka"})
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "consent.interpreter").order_by(AuditEntry.id)).all()
    assert [json.loads(e.details)["interpreter"] for e in entries] == [True, False]
    assert all(e.person_key == person_key("191212121212") for e in entries)
    assert all(e.actor_id == world.users["deltagaransvarig"].id for e in entries)
    # Chosen on the start form: logged as turned on.
    other = officer(app, world)
    other.post(f"/insatser/{world.insats_a1.id}/samtycke", {
        "skyddad_identitet": "nej", "personnummer": "19850315-2384", "place": "Umeå",
        "interpreter": "y"})
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "consent.interpreter",
        AuditEntry.person_key == person_key("198503152384"))) == 1
    # The Granskningslogg names it in words.
    assert "consent.interpreter" in EVENT_LABELS
    # The registerutdrag says so in words, as every other event about the person.
    assert sign(browser, url).headers["Location"] == "/deltagare/klart"
    hand_back(browser)
    consent = db.session.scalar(select(Consent).where(Consent.person_id.is_not(None)))
    extract = admin(app, world).post(f"/personer/{consent.person_id}/registerutdrag",
                                     {"why": "Begärt per brev 2026-11-20"})
    words = " ".join(extract_text(extract.data).split())
    assert words.count("Det antecknades om en tolk läste texten för dig") == 2


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng (Debian) reads aloud")
def test_how_long_each_question_was_played_is_sealed(app: Flask) -> None:
    """The questions page reports the seconds its question audio played with each answer
    (as the reading page reports the sections'); the record names the file by SHA-256."""
    world = build_world()
    switch_on(app, world)
    browser = officer(app, world)
    url = read_url(start(browser, world), "fa")
    browser.get(url)
    questions_url = browser.post(f"{url}/till-fragorna", {"read_aloud": ""}) \
        .headers["Location"]
    texts = shown_texts(world.forbund_a, "fa")
    questions = questions_for(texts.read)
    first, second, *rest = questions.questions
    page = browser.get(questions_url).get_data(as_text=True)
    audio_url = re.search(r'data-play-src="([^"]+)"', page).group(1)
    assert browser.get(audio_url).status_code == 200  # the tablet fetched it to play it
    assert 'name="question_audio"' in page
    browser.post(questions_url, {"action": "answer", "choice": str(1 - first.answer),
                                 "question_audio": "12.5"})
    browser.get(questions_url)
    browser.post(questions_url, {"action": "answer", "choice": str(first.answer),
                                 "question_audio": "3"})
    # Not listened to, and a report that is no number of seconds: nothing recorded.
    browser.get(questions_url)
    browser.post(questions_url, {"action": "answer", "choice": str(second.answer),
                                 "question_audio": "inf"})
    for question in rest:
        browser.get(questions_url)
        browser.post(questions_url, {"action": "answer", "choice": str(question.answer),
                                     "question_audio": "-4" if question is rest[0] else ""})
    assert sign(browser, url).headers["Location"] == "/deltagare/klart"
    hand_back(browser)
    consent = db.session.scalar(select(Consent))
    answers = record_of(consent)["understanding"]["answers"]
    heard = answers[0]["question_audio"]
    words = machine.generate_words(audio_cache_of(app), first.spoken(), "fa")
    assert heard == {"source": "machine", "engine": machine.ENGINE, "voice": words.voice,
                     "audio_sha256": words.sha256, "audio_seconds": words.seconds,
                     "played_seconds": 15.5}
    assert all("question_audio" not in a for a in answers[1:])
    text = " ".join(extract_text(evidence().archive.read(consent.pdf_sha256)).split())
    assert "frågan uppläst 15.5 s" in text
    page = browser.get(f"/samtycken/{consent.id}").get_data(as_text=True)
    assert "Frågan lästes upp för deltagaren i 15.5 sekunder." in page


def test_without_questions_the_record_says_so(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), "sv")
    assert 'id="to-questions"' not in browser.get(url).get_data(as_text=True)
    assert sign(browser, url).headers["Location"] == "/deltagare/klart"
    record = record_of(db.session.scalar(select(Consent)))
    assert record["understanding"] == {} and record["read_with_interpreter"] is False


def _idle_seconds(page: str) -> int:
    match = re.search(r'data-idle-seconds="(\d+)"', page)
    assert match, page[:300]
    return int(match.group(1))


def test_tolk_laser_lengthens_the_lock_and_is_sealed(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    # Off at the start: the ordinary lock.
    url = read_url(start(browser, world), "sv")
    page = browser.get(url).get_data(as_text=True)
    assert _idle_seconds(page) == app.config["FORMAPP_HANDOVER_IDLE_SECONDS"]
    assert 'id="interpreter-mark"' not in page
    # Turned on from the pause screen, for this hand-over.
    paused = hand_back(browser)
    assert "Tolk läser texten för deltagaren" in browser.get(paused).get_data(as_text=True)
    browser.post(paused, {"resume": "Lämna tillbaka", "interpreter": "y"})
    page = browser.get(url).get_data(as_text=True)
    assert _idle_seconds(page) == app.config["FORMAPP_INTERPRETER_IDLE_SECONDS"] == 900
    assert 'id="interpreter-mark"' in page
    assert sign(browser, url).headers["Location"] == "/deltagare/klart"
    hand_back(browser)
    consent = db.session.scalar(select(Consent))
    assert record_of(consent)["read_with_interpreter"] is True
    assert re.search(r"Tolk läste\s+ja", extract_text(evidence().archive.read(consent.pdf_sha256)))


def test_tolk_laser_chosen_before_the_hand_over(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    form_url = f"/insatser/{world.insats_a1.id}/samtycke"
    assert "Tolk läser texten för deltagaren" in browser.get(form_url).get_data(as_text=True)
    response = browser.post(form_url, {"skyddad_identitet": "nej",
                                       "personnummer": "19850315-2384", "place": "Umeå",
                                       "interpreter": "y"})
    url = read_url(response, "ar")
    assert _idle_seconds(browser.get(url).get_data(as_text=True)) == 900


def test_only_the_forbunds_publisher_switches_the_questions(app: Flask) -> None:
    world = build_world()
    url = f"/forbund/{world.forbund_a.id}/samtyckestexter"
    response = officer(app, world).post(url, {"understanding-save": "1",
                                              "understanding-enabled": "y"})
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert not db.session.get(Forbund, world.forbund_a.id).understanding_questions
    assert admin(app, world).get(url).status_code == 200


@pytest.mark.parametrize("locale", LOCALES)
def test_the_questions_page_speaks_every_language(app: Flask, locale: str) -> None:
    """Every locale: the questions and the page's own words in the participant's language,
    also after a wrong answer, when the section is shown again."""
    world = build_world()
    switch_on(app, world)
    browser = officer(app, world)
    url = read_url(start(browser, world), locale)
    browser.get(url)
    questions_url = browser.post(f"{url}/till-fragorna", {"read_aloud": ""}) \
        .headers["Location"]
    texts = shown_texts(world.forbund_a, locale)
    first = questions_for(texts.read).questions[0]
    asked = browser.get(questions_url).get_data(as_text=True)
    _answer(browser, questions_url, 1 - first.answer)
    again = browser.get(questions_url).get_data(as_text=True)
    assert first.question in asked and 'id="answer-section"' in again
    left = {name: sorted(untranslated(html, locale))
            for name, html in {"asked": asked, "again": again}.items()}
    assert not any(left.values()), left
