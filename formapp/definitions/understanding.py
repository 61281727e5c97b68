"""Understanding questions (issue 19): 3–5 short questions per consent text, per language.

One file per text and locale, ``forms/9443/questions/<text>/<locale>.toml``, bound to the exact
text version it asks about by that version's id and SHA-256 (``[text]``). A published text is
never edited to add questions: a file of questions sits beside it, and a new text version needs
a new file. For formapp's own text the binding is to the *template* (the filled-in text a
förbund publishes names its template in ``[template]``), so every förbund's filled version of
the same template has the same questions. For Försäkringskassan's FK 9443 text
(``questions/fk-9443/``) the binding is to the built-in version itself
(``forms/9443/texts/<locale>.toml``, or the corrected ``<locale>-2.toml`` where there is one):
there is no template, every förbund using FK 9443 shows exactly that version. A förbund's own
uploaded text has no questions.

```toml
locale = "sv"
[text]
version = "formapp-samtycke-sv-2026-1"
sha256 = "…"
[[questions]]
id = "withdraw"            # the same ids, order, sections and answers in every language
section = 7                # the data-read-section that answers it (0 title, 1..n sections)
question = "Kan du ta tillbaka ditt samtycke senare?"
options = ["Ja, när jag vill.", "Nej."]
answer = 0                 # index of the right option
```
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from formapp.definitions import consent_templates, consent_texts
from formapp.definitions.loader import default_forms_dir
from formapp.documents.consent import FK_TEXT, FORMAPP_TEXT, ConsentText
from formapp.readaloud.sections import reading_sections

QUESTIONS_DIR = Path("9443") / "questions"
MIN_QUESTIONS, MAX_QUESTIONS = 3, 5
MIN_OPTIONS, MAX_OPTIONS = 2, 4


class QuestionsError(ValueError):
    """A question file that is malformed or does not match its Swedish original."""


@dataclass(frozen=True)
class Question:
    id: str
    section: int  # the reading section (formapp.readaloud.sections) that answers it
    question: str
    options: tuple[str, ...]
    answer: int

    def spoken(self) -> str:
        """What the machine reading says: the question, then each option on its own line."""
        return "\n".join((self.question, *self.options))


@dataclass(frozen=True)
class QuestionSet:
    """The questions of one text version in one language."""

    text_id: str
    locale: str
    text_version: str  # the version (or template) it is bound to
    text_sha256: str
    sha256: str  # of the question file: sealed with the answers
    path: Path
    questions: tuple[Question, ...]

    @property
    def id(self) -> str:
        return f"{self.text_id}/{self.locale}"

    def get(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def binds(self, text: ConsentText) -> bool:
        """Whether these questions ask about exactly ``text`` (itself or its template)."""
        bound = (self.text_version, self.text_sha256)
        return text.locale == self.locale and bound in {
            (text.version, text.sha256), (text.template_version, text.template_sha256)}


def _parse(path: Path, text_id: str) -> QuestionSet:
    raw = path.read_bytes()
    name = f"{text_id}/{path.name}"
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        bound = data["text"]
        questions = tuple(
            Question(id=str(q["id"]), section=int(q["section"]), question=str(q["question"]),
                     options=tuple(str(o) for o in q["options"]), answer=int(q["answer"]))
            for q in data["questions"])
        result = QuestionSet(text_id=text_id, locale=str(data["locale"]),
                             text_version=str(bound["version"]),
                             text_sha256=str(bound["sha256"]),
                             sha256=hashlib.sha256(raw).hexdigest(), path=path,
                             questions=questions)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError,
            ValueError) as exc:
        raise QuestionsError(f"{name}: {exc!r}") from exc
    if result.locale != path.stem:
        raise QuestionsError(f"{name}: says locale = {result.locale!r}")
    if not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        raise QuestionsError(f"{name}: {len(questions)} questions, "
                             f"{MIN_QUESTIONS}–{MAX_QUESTIONS} wanted")
    for q in questions:
        if not MIN_OPTIONS <= len(q.options) <= MAX_OPTIONS or not 0 <= q.answer < len(q.options):
            raise QuestionsError(f"{name}: question {q.id!r} needs {MIN_OPTIONS}–{MAX_OPTIONS} "
                                 "options and an answer among them")
        if not q.question.strip() or not all(o.strip() for o in q.options):
            raise QuestionsError(f"{name}: question {q.id!r} has an empty text")
    if len({q.id for q in questions}) != len(questions):
        raise QuestionsError(f"{name}: question ids repeat")
    return result


def parse_file(path: Path, text_id: str) -> QuestionSet:
    """One question file, checked on its own (``QuestionsError``)."""
    return _parse(path, text_id)


def _shape(qs: QuestionSet) -> list[tuple[str, int, int, int]]:
    return [(q.id, q.section, len(q.options), q.answer) for q in qs.questions]


def question_files(forms_dir: Path | None = None) -> dict[tuple[str, str], Path]:
    """Every question file, by (text id, locale)."""
    base = (forms_dir or default_forms_dir()) / QUESTIONS_DIR
    return {(p.parent.name, p.stem): p for p in sorted(base.glob("*/*.toml"))}


def all_question_sets(forms_dir: Path | None = None) -> tuple[QuestionSet, ...]:
    """Every usable question file: well-formed and the same questions as the Swedish one
    (``question_problems`` names the rest)."""
    return _all(str((forms_dir or default_forms_dir()).resolve()))


@cache
def _all(forms_dir: str) -> tuple[QuestionSet, ...]:
    found = []
    parsed: dict[tuple[str, str], QuestionSet] = {}
    for key, path in question_files(Path(forms_dir)).items():
        try:
            parsed[key] = _parse(path, key[0])
        except QuestionsError:
            continue
    for (text_id, _locale), qs in parsed.items():
        swedish = parsed.get((text_id, "sv"))
        if swedish is not None and _shape(qs) == _shape(swedish):
            found.append(qs)
    return tuple(found)


def questions_for(text: ConsentText, forms_dir: Path | None = None) -> QuestionSet | None:
    """The questions about exactly ``text`` (None: it has none)."""
    return next((qs for qs in all_question_sets(forms_dir) if qs.binds(text)), None)


Binding = tuple[str, str, int]  # (version, SHA-256, number of reading sections)


def current_bindings(forms_dir: Path | None = None) -> dict[str, dict[str, Binding]]:
    """Per text id and locale, what a question file must be bound to now: formapp's text by its
    current template in that language, FK 9443 by its newest built-in version in that language
    (the corrected ``<locale>-2`` where published.toml lists one)."""
    templates = {"sv": consent_templates.swedish_template(forms_dir),
                 **consent_templates.translations(forms_dir)}
    formapp = {locale: (t.version, t.sha256, len(t.data["sections"]) + 1)
               for locale, t in templates.items()}
    fk = {}
    for locale in consent_texts.builtin_locales(forms_dir):
        text = consent_texts.latest_builtin(locale, forms_dir)
        if text is not None:  # the title and sections: the declaration is not asked about
            fk[locale] = (text.version, text.sha256, len(reading_sections(text)) - 1)
    return {FORMAPP_TEXT: formapp, FK_TEXT: fk}


def question_problems(forms_dir: Path | None = None,
                      texts: dict[str, dict[str, Binding]] | None = None
                      ) -> list[str]:
    """What is wrong with the question files: malformed, unlike the Swedish file, or bound to
    a text that is not there. ``texts``: per text id and locale, the (version, SHA-256,
    number of reading sections) each may bind to."""
    problems = []
    parsed: dict[tuple[str, str], QuestionSet] = {}
    for key, path in question_files(forms_dir).items():
        try:
            parsed[key] = _parse(path, key[0])
        except QuestionsError as exc:
            problems.append(str(exc))
    for (text_id, locale), qs in parsed.items():
        name = f"questions/{text_id}/{locale}.toml"
        swedish = parsed.get((text_id, "sv"))
        if swedish is None:
            problems.append(f"{name}: no Swedish questions for {text_id}")
        elif _shape(qs) != _shape(swedish):
            problems.append(f"{name}: ids, sections, options or answers differ from sv.toml")
        known = (texts or {}).get(text_id, {}).get(locale)
        if texts is not None and (known is None or known[:2] != (qs.text_version,
                                                                 qs.text_sha256)):
            problems.append(f"{name}: bound to {qs.text_version} {qs.text_sha256}, which is "
                            "not the current text in that language")
        elif known is not None and any(not 0 < q.section < known[2] for q in qs.questions):
            problems.append(f"{name}: a section number is not one of the text's sections")
    return problems
