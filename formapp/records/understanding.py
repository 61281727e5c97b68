"""Understanding checked (issue 19): the questions a participant answers before signing, the
answers kept with the draft, and what the sealed record says of them.

No one is refused for a wrong answer: a wrong answer shows the section that answers the
question again and asks again; the participant may also go on. Every answer is evidence.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from formapp.definitions.understanding import Question, QuestionSet, questions_for
from formapp.documents.consent import ConsentText
from formapp.i18n import _lp
from formapp.readaloud import machine
from formapp.records.models import ConsentDraft, Forbund
from formapp.records.read_aloud import MAX_PLAYED_SECONDS


def questions_in_use(forbund: Forbund, text: ConsentText) -> QuestionSet | None:
    """The questions a participant reading ``text`` answers (None: the förbund has them off,
    or the text has none)."""
    return questions_for(text) if forbund.understanding_questions else None


def _state(draft: ConsentDraft, qs: QuestionSet) -> dict[str, Any]:
    """The draft's answers to these questions (another text or language: none yet)."""
    kept = draft.understanding or {}
    if kept.get("questions_sha256") != qs.sha256:
        return {"questions_sha256": qs.sha256, "answers": {}}
    return {"questions_sha256": qs.sha256, "answers": dict(kept.get("answers") or {})}


def next_question(draft: ConsentDraft, qs: QuestionSet) -> Question | None:
    """The first question not yet done (answered right, or passed after a wrong answer)."""
    answers = _state(draft, qs)["answers"]
    return next((q for q in qs.questions if not (answers.get(q.id) or {}).get("done")), None)


def answered_wrong(draft: ConsentDraft, qs: QuestionSet, question: Question) -> bool:
    """Whether the last answer to ``question`` was wrong (the section is shown again)."""
    given = (_state(draft, qs)["answers"].get(question.id) or {}).get("given") or []
    return bool(given) and given[-1] != question.answer


def all_done(draft: ConsentDraft, qs: QuestionSet | None) -> bool:
    return qs is None or next_question(draft, qs) is None


def played_seconds(reported: str) -> float:
    """The seconds the questions page says the question's audio played; 0 for anything
    that is not a plausible number of seconds (nothing is recorded then)."""
    try:
        seconds = float(reported)
    except (TypeError, ValueError):
        return 0.0
    return round(seconds, 1) if math.isfinite(seconds) and \
        0 < seconds <= MAX_PLAYED_SECONDS else 0.0


def _heard(entry: dict[str, Any], seconds: float) -> dict[str, Any]:
    if seconds <= 0:
        return entry
    total = float(entry.get("question_audio_seconds") or 0) + seconds
    return {**entry, "question_audio_seconds": round(min(total, MAX_PLAYED_SECONDS), 1)}


def answer(draft: ConsentDraft, qs: QuestionSet, question: Question, choice: int,
           *, heard: float = 0.0) -> bool:
    """Record one answer, and the seconds the question was heard before it; True when it
    is right (then the question is done)."""
    if not 0 <= choice < len(question.options):
        raise ValueError(choice)
    state = _state(draft, qs)
    entry = _heard(dict(state["answers"].get(question.id) or {"given": []}), heard)
    entry["given"] = [*entry["given"], choice]
    right = choice == question.answer
    entry["done"] = right
    state["answers"][question.id] = entry
    draft.understanding = {**(draft.understanding or {}), **state}
    return right


def pass_question(draft: ConsentDraft, qs: QuestionSet, question: Question,
                  *, heard: float = 0.0) -> None:
    """Go on after a wrong answer, without answering right: allowed, and recorded."""
    state = _state(draft, qs)
    entry = state["answers"].get(question.id)
    if not entry or not entry.get("given"):
        return  # only after an answer: a question is never skipped unanswered
    state["answers"][question.id] = {**_heard(entry, heard), "done": True, "passed": True}
    draft.understanding = {**(draft.understanding or {}), **state}


def keep_read_aloud(draft: ConsentDraft, claimed: str, locale: str) -> None:
    """What the reading page reported as played, kept for the signing page (checked there)."""
    draft.understanding = {**(draft.understanding or {}), "read_aloud": claimed[:20_000],
                           "read_aloud_locale": locale}


def kept_read_aloud(draft: ConsentDraft, locale: str) -> str:
    """The kept report, for the page in the same language only (another text: not heard)."""
    kept = draft.understanding or {}
    return str(kept.get("read_aloud") or "") if kept.get("read_aloud_locale") == locale else ""


def _question_audio(question: Question, locale: str, seconds: float,
                    cache: Path | None) -> dict[str, Any] | None:
    """What the record says of the question's audio played (as of a section's): the
    machine reading's file by SHA-256, when it was played and exists."""
    found = machine.cached_words(cache, question.spoken(), locale) \
        if cache is not None and seconds > 0 else None
    if found is None:
        return None
    return {"source": "machine", "engine": machine.ENGINE, "voice": found.voice,
            "audio_sha256": found.sha256, "audio_seconds": found.seconds,
            "played_seconds": seconds}


def evidence(draft: ConsentDraft, qs: QuestionSet | None,
             swedish: QuestionSet | None, cache: Path | None = None) -> dict[str, Any]:
    """The sealed record's ``understanding``: {} when no questions were asked; else which
    questions (file and SHA-256) and, per question, every answer given, whether the last was
    right, how many attempts it took and (``cache``: the machine readings) how long the
    question's audio played."""
    if qs is None:
        return {}
    answers = _state(draft, qs)["answers"]
    out = []
    for question in qs.questions:
        given = list((answers.get(question.id) or {}).get("given") or [])
        sv = swedish.get(question.id) if swedish is not None else None
        last = given[-1] if given else None
        out.append({
            "id": question.id,
            "section": question.section,
            "question": question.question,
            "question_sv": sv.question if sv else question.question,
            "answer": last,
            "answer_text": question.options[last] if last is not None else None,
            "answer_text_sv": (sv.options[last] if sv else question.options[last])
            if last is not None else None,
            "answers": given,
            "correct": last == question.answer,
            "correct_first_time": bool(given) and given[0] == question.answer,
            "attempts": len(given),
            "passed": bool((answers.get(question.id) or {}).get("passed")),
        })
        heard = _question_audio(question, qs.locale, float(
            (answers.get(question.id) or {}).get("question_audio_seconds") or 0), cache)
        if heard is not None:
            out[-1]["question_audio"] = heard
    return {"questions": qs.id, "locale": qs.locale, "text_version": qs.text_version,
            "questions_sha256": qs.sha256, "answers": out}


LABEL = "Förståelsefrågor"


def pdf_lines(understanding: dict[str, Any], locale: str) -> tuple[tuple[str, str, str], ...]:
    """The consent PDF's lines about the answers: in Swedish, and (for another language) in
    the participant's, with the wording they saw. (label, value, locale) each."""
    if not understanding:
        return ((LABEL, "användes inte", "sv"),)
    answers = understanding["answers"]
    right_first = sum(1 for a in answers if a["correct_first_time"])
    lines = [(LABEL, f"{right_first} av {len(answers)} rätt första gången; frågor "
                     f"{understanding['questions']} (SHA-256 {understanding['questions_sha256']})",
              "sv")]
    for number, entry in enumerate(answers, start=1):
        result = "rätt" if entry["correct"] else "fel"
        extra = ", gick vidare" if entry["passed"] else ""
        if entry.get("question_audio"):
            extra += f", frågan uppläst {entry['question_audio']['played_seconds']} s"
        lines.append((f"Fråga {number}", f"{entry['question_sv']} Svar: "
                      f"{entry['answer_text_sv'] or '–'} ({result}, {entry['attempts']} "
                      f"försök{extra}; avsnitt {entry['section']})", "sv"))
    if locale != "sv":
        for number, entry in enumerate(answers, start=1):
            result = _lp("Rätt svar.") if entry["correct"] else _lp("Fel svar.")
            attempts = _lp("Försök: %(attempts)s", attempts=entry["attempts"])
            lines.append((f"Fråga {number} ({locale})",
                          f"{entry['question']} {entry['answer_text'] or '–'} "
                          f"{result} {attempts}", locale))
    return tuple(lines)
