"""Understanding checked (issue 19) in a real browser, on a tablet held upright (820×1180,
touch): after reading, the participant answers the förbund's questions; a wrong answer shows
the section that answers it again, highlighted; the right answer goes on; after the last
question the participant signs, and the sealed record carries every answer.

Screenshots: test-output/screenshots/understanding-<locale>-*.png.
"""

from __future__ import annotations

import io
import json
import shutil
import threading

import pikepdf
import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from formapp.cases.consent_texts import publish_formapp_text
from formapp.definitions.understanding import questions_for
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.consent_texts import shown_texts
from formapp.records.models import Consent, Forbund
from tests.e2e.conftest import Site, shot
from tests.e2e.journey import hand_back, login, sign, start_consent
from tests.e2e.test_accessibility import serious
from tests.e2e.test_read_aloud import wait_until_played

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TARGET = 44  # px, WCAG 2.5.5


def use_questions(site: Site) -> None:
    """Förbund A uses formapp's text (filled with its details) with the questions on. In a
    thread of its own: the commit seals an audit checkpoint with asyncio, and Playwright's
    loop runs in this one."""
    failed: list[BaseException] = []

    def work() -> None:
        with site.app.app_context():
            try:
                _use_questions(site.world.forbund_a.id)
            except BaseException as exc:  # re-raised in the test's thread
                failed.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
    db.session.expire_all()


def _use_questions(forbund_id: int) -> None:
    forbund = db.session.get(Forbund, forbund_id)
    forbund.organisationsnummer = "222000-0001"
    forbund.postadress = "Box 1\n901 00 Umeå"
    forbund.kontakt_epost = "info@forbund-a.example"
    forbund.dataskyddsombud = "dso@forbund-a.example"
    publish_formapp_text(forbund, retention_years=10, by=None)
    forbund.understanding_questions = True
    db.session.commit()


def targets_too_small(page: Page) -> list[str]:
    small = []
    for element in page.locator(
            "main button:visible, main .answer-option:visible, main a:visible").all():
        box = element.bounding_box()
        if box and (box["width"] < TARGET or box["height"] < TARGET):
            small.append(f"{element.inner_text()[:30]!r} {box['width']:.0f}×{box['height']:.0f}")
    return small


def answer(page: Page, option: int) -> None:
    page.locator(".answer-option").nth(option).tap()
    page.locator("#answer-submit").tap()
    page.wait_for_load_state()


@pytest.mark.parametrize("locale", ["sv", "ar"])
def test_a_wrong_answer_shows_the_section_again_and_the_answers_are_sealed(
        site: Site, tablet: BrowserContext, locale: str) -> None:
    use_questions(site)
    texts = shown_texts(site.world.forbund_a, locale)
    questions = questions_for(texts.read)
    assert questions is not None and len(questions.questions) == 4
    page = tablet.new_page()
    base = site.url
    login(page, base, site.world.email("deltagaransvarig"))
    start_consent(page, base, site.world.insats_a1.id, "19850315-2384")
    page.click(f"a.language-choice[href$='/{locale}']")
    page.wait_for_load_state()
    # Reading first: no signature yet, the way on is the questions.
    expect(page.locator("#signature-canvas")).to_have_count(0)
    # Listened to a section before the questions: carried over them to the signature.
    listened = shutil.which("espeak-ng") is not None
    if listened:
        section = page.locator("article.consent-text").first.locator('[data-read-section="1"]')
        section.locator(".read-aloud-section").tap()
        wait_until_played(page, 0.5)
        section.locator(".read-aloud-section").tap()  # pause
        expect(page.locator("#read-aloud-evidence")).not_to_have_value("")
    page.locator("#to-questions").tap()
    page.wait_for_url("**/fragor")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if locale == "ar" else "ltr")
    first = questions.questions[0]
    expect(page.locator("#question-text")).to_have_text(first.question)
    expect(page.locator(".answer-option")).to_have_count(len(first.options))
    shot(page, f"understanding-{locale}-question")
    assert serious(page) == []
    assert targets_too_small(page) == []

    # Sending without a choice: told where the eyes are, nothing counted.
    page.locator("#answer-submit").tap()
    expect(page.locator("#choice-error")).to_be_visible()

    # The question read aloud: how long it played goes with the answer.
    if listened:
        listen = page.locator("[data-question-listen]")
        listen.tap()
        played = page.locator("[data-question-played]")
        for _ in range(300):  # polled: the page's CSP forbids evaluating a string
            if float(played.input_value() or 0) >= 0.5:
                break
            page.wait_for_timeout(200)
        listen.tap()  # pause
    # A wrong answer: the section that answers it, highlighted, in view; then the right one.
    wrong = next(i for i in range(len(first.options)) if i != first.answer)
    answer(page, wrong)
    section = page.locator("#answer-section")
    expect(section).to_be_visible()
    expect(section).to_be_in_viewport()
    paragraph = texts.read.sections[first.section - 1].paragraphs[0]
    expect(section).to_contain_text(paragraph)
    expect(page.locator("#question-text")).to_have_text(first.question)  # asked again
    expect(page.locator("#answer-pass")).to_be_visible()  # and never held back
    shot(page, f"understanding-{locale}-section-again")
    assert serious(page) == []
    assert targets_too_small(page) == []
    answer(page, first.answer)
    expect(page.locator(".answer-right")).to_be_visible()

    # The second question: wrong, then "Gå vidare" (allowed, and recorded).
    second = questions.questions[1]
    expect(page.locator("#question-text")).to_have_text(second.question)
    answer(page, next(i for i in range(len(second.options)) if i != second.answer))
    page.locator("#answer-pass").tap()
    page.wait_for_load_state()
    for question in questions.questions[2:]:
        expect(page.locator("#question-text")).to_have_text(question.question)
        answer(page, question.answer)

    # On to the signature, at the signing step.
    page.wait_for_url(f"**/deltagare/*/{locale}#sign-form")
    expect(page.locator("#signature-canvas")).to_be_visible()
    sign(page)
    page.goto(f"{base}/deltagare/tillbaka")
    hand_back(page)
    page.wait_for_url("**/samtycken/*")

    consent = db.session.scalar(select(Consent))
    pdf = evidence().archive.read(consent.pdf_sha256)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        record = json.loads(document.attachments["record.json"].get_file().read_bytes())
    understood = record["understanding"]
    assert understood["questions"] == f"formapp-samtycke/{locale}"
    assert understood["questions_sha256"] == questions.sha256
    got = [(a["id"], a["answers"], a["correct"], a["attempts"], a["passed"])
           for a in understood["answers"]]
    assert got[0] == (first.id, [wrong, first.answer], True, 2, False)
    assert got[1][0] == second.id and got[1][2:] == (False, 1, True)
    assert [g[2:] for g in got[2:]] == [(True, 1, False)] * 2
    assert understood["answers"][0]["question_sv"] == questions_for(
        texts.binding).questions[0].question
    assert record["read_with_interpreter"] is False
    if listened:
        assert [(h["source"], h["section"]) for h in record["read_aloud"]] == [("machine", 1)]
        heard = understood["answers"][0]["question_audio"]
        assert heard["source"] == "machine" and heard["played_seconds"] >= 0.5
        assert all("question_audio" not in a for a in understood["answers"][1:])
    # The officer's page says how the participant read, in plain words.
    expect(page.locator("#understanding-heading")).to_be_visible()
    expect(page.locator(".understanding-answers li")).to_have_count(len(questions.questions))
    shot(page, f"understanding-{locale}-receipt")
    assert serious(page) == []


def _fk_questions_on(site: Site) -> None:
    """Förbund A keeps FK 9443 (build_world's choice) and switches the questions on (in a
    thread of its own, as use_questions)."""
    def work() -> None:
        with site.app.app_context():
            forbund = db.session.get(Forbund, site.world.forbund_a.id)
            forbund.understanding_questions = True
            db.session.commit()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    db.session.expire_all()


@pytest.mark.parametrize("locale", ["ar", "ku"])
def test_the_fk_9443_questions_on_the_tablet(site: Site, tablet: BrowserContext,
                                             locale: str) -> None:
    """FK 9443's own questions, three options for "who is responsible": a wrong answer shows
    Försäkringskassan's section again; the targets are large enough and axe finds nothing."""
    _fk_questions_on(site)
    texts = shown_texts(site.world.forbund_a, locale)
    questions = questions_for(texts.read)
    assert questions is not None and questions.text_id == "fk-9443"
    page = tablet.new_page()
    login(page, site.url, site.world.email("deltagaransvarig"))
    start_consent(page, site.url, site.world.insats_a1.id, "19850315-2384")
    page.click(f"a.language-choice[href$='/{locale}']")
    page.wait_for_load_state()
    page.locator("#to-questions").tap()
    page.wait_for_url("**/fragor")
    for question in questions.questions:
        expect(page.locator("#question-text")).to_have_text(question.question)
        expect(page.locator(".answer-option")).to_have_count(len(question.options))
        if question.id == "responsible":
            shot(page, f"understanding-fk9443-{locale}-question")
            assert serious(page) == [] and targets_too_small(page) == []
            answer(page, (question.answer + 1) % len(question.options))
            section = page.locator("#answer-section")
            expect(section).to_be_visible()
            expect(section).to_contain_text(texts.read.sections[1].paragraphs[0][:40])
            shot(page, f"understanding-fk9443-{locale}-wrong")
            assert serious(page) == [] and targets_too_small(page) == []
        answer(page, question.answer)
    page.wait_for_url(f"**/deltagare/*/{locale}#sign-form")
    sign(page)
    page.goto(f"{site.url}/deltagare/tillbaka")
    hand_back(page)
    page.wait_for_url("**/samtycken/*")
    consent = db.session.scalar(select(Consent))
    pdf = evidence().archive.read(consent.pdf_sha256)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        record = json.loads(document.attachments["record.json"].get_file().read_bytes())
    assert record["understanding"]["questions"] == f"fk-9443/{locale}"
    assert record["understanding"]["questions_sha256"] == questions.sha256
    assert [a["correct"] for a in record["understanding"]["answers"]] == [True] * 4
