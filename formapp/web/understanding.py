"""The understanding questions on the tablet (issue 19): after reading, before signing.

One question at a time. A wrong answer shows the section of the text that answers it,
highlighted and with its reading, and asks again; "Gå vidare" is always there after a wrong
answer, so no one is held back. The answers are kept with the draft and sealed at signing.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.wrappers import Response

from formapp.definitions.understanding import QuestionSet, questions_for
from formapp.documents.consent import ConsentText
from formapp.extensions import db
from formapp.i18n import _lp, participant_page, registry, set_participant_locale
from formapp.readaloud import machine
from formapp.records import understanding
from formapp.records.consent_texts import forbund_texts, text_version
from formapp.records.models import ConsentDraft
from formapp.web.consent import draft_in_hand
from formapp.web.read_aloud import audio_cache, read_aloud_for
from formapp.web.route_policy import participant_route
from formapp.webforms.consent import AnswerForm, ToQuestionsForm

bp = Blueprint("understanding", __name__)


def _in_hand(token: str, locale: str) -> tuple[ConsentDraft, ConsentText, QuestionSet]:
    draft = draft_in_hand(token)
    if locale not in registry():
        abort(404)
    texts = forbund_texts(draft.insats.forbund).shown(locale)
    if texts is None:
        abort(404)
    questions = understanding.questions_in_use(draft.insats.forbund, texts.read)
    if questions is None:
        abort(404)
    set_participant_locale(locale)
    return draft, texts.read, questions


@bp.route("/deltagare/<token>/<locale>/till-fragorna", methods=["POST"])
@participant_route
@participant_page
def begin(token: str, locale: str) -> Response:
    """From the reading page: keep what was played aloud (checked when signing), then on to
    the questions."""
    draft, _, _ = _in_hand(token, locale)
    form = ToQuestionsForm()
    if form.validate_on_submit():
        understanding.keep_read_aloud(draft, form.read_aloud.data or "", locale)
        db.session.commit()
    return redirect(url_for("understanding.questions", token=token, locale=locale))


@bp.route("/deltagare/<token>/<locale>/fragor", methods=["GET", "POST"])
@participant_route
@participant_page
def questions(token: str, locale: str) -> str | Response | tuple[str, int]:
    draft, text, qs = _in_hand(token, locale)
    question = understanding.next_question(draft, qs)
    if question is None:
        return _to_signing(token, locale)
    form = AnswerForm()
    form.choice.choices = [(str(i), option) for i, option in enumerate(question.options)]
    if request.method == "POST" and form.validate_on_submit():
        heard = understanding.played_seconds(form.question_audio.data or "") \
            if machine.voice_for(locale) else 0.0
        if request.form.get("action") == "pass":
            understanding.pass_question(draft, qs, question, heard=heard)
            db.session.commit()
            return _next(draft, qs, token, locale, right=False)
        if form.choice.data is not None and form.choice.data.isdigit():
            right = understanding.answer(draft, qs, question, int(form.choice.data),
                                         heard=heard)
            db.session.commit()
            if right:
                return _next(draft, qs, token, locale, right=True)
            return redirect(url_for("understanding.questions", token=token, locale=locale,
                                    _anchor="answer-section"))
        form.choice.errors = [_lp("Välj ett svar.")]
    wrong = understanding.answered_wrong(draft, qs, question)
    number = qs.questions.index(question) + 1
    status = 422 if form.choice.errors else 200
    return render_template(
        "consent/questions.html", draft=draft, text=text, question=question, form=form,
        number=number, count=len(qs.questions), wrong=wrong, locale=locale,
        just_right=request.args.get("svar") == "ratt" and not wrong,
        section=_section(text, question.section) if wrong else None,
        section_audio=_section_audio(draft, text, question.section) if wrong else None,
        question_audio=url_for("understanding.question_audio", version=text.version,
                               question_id=question.id)
        if machine.voice_for(locale) else None), status


def _next(draft: ConsentDraft, qs: QuestionSet, token: str, locale: str,
          *, right: bool) -> Response:
    if understanding.all_done(draft, qs):
        return _to_signing(token, locale)
    if right:
        return redirect(url_for("understanding.questions", token=token, locale=locale,
                                svar="ratt"))
    return redirect(url_for("understanding.questions", token=token, locale=locale))


def _to_signing(token: str, locale: str) -> Response:
    return redirect(url_for("consent.read", token=token, locale=locale, _anchor="sign-form"))


def _section(text: ConsentText, number: int) -> dict | None:
    """A reading section (1..n: the text's sections) as the page shows it again."""
    if not 1 <= number <= len(text.sections):
        return None
    section = text.sections[number - 1]
    return {"number": number, "heading": section.heading, "paragraphs": section.paragraphs}


def _section_audio(draft: ConsentDraft, text: ConsentText, number: int) -> str | None:
    """The reading of that one section, where there is one per section (machine readings;
    a human recording of the whole text has no section of its own)."""
    tracks = read_aloud_for(draft.insats.forbund, text)["tracks"]
    return next((t["url"] for t in tracks if t["section"] == number), None)


@bp.route("/upplasning/fraga/<version>/<question_id>.wav")
@participant_route
def question_audio(version: str, question_id: str) -> Response:
    """A question and its options read by espeak-ng in the text's language."""
    try:
        text = text_version(version)
    except KeyError:
        abort(404)
    qs = questions_for(text)
    question = qs.get(question_id) if qs is not None else None
    if question is None or machine.voice_for(text.locale) is None:
        abort(404)
    try:
        audio = machine.generate_words(audio_cache(), question.spoken(), text.locale)
    except machine.MachineReadingError as exc:
        current_app.logger.error("question audio %s/%s: %s", version, question_id, exc)
        abort(503)
    response = send_file(audio.path, mimetype="audio/wav", conditional=True, etag=audio.sha256,
                         max_age=365 * 24 * 3600)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
