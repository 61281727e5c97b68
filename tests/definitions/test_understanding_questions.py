"""The understanding questions' files (issue 19): one per language of formapp's text, bound
to exactly that template by its SHA-256, the same questions everywhere, each term as the
language's glossary renders it."""

from __future__ import annotations

import shutil
from pathlib import Path

from formapp.definitions import consent_templates, understanding
from formapp.definitions.consent_texts import parse_text
from formapp.i18n import glossary
from formapp.readaloud.sections import reading_sections

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"
LOCALES = {"sv", "en", "ar", "fa", "fa_AF", "ckb", "ku", "so", "ti", "bs", "sq", "tr", "pl",
           "ru", "uk", "es", "fi", "fr", "th"}


def _bound() -> dict[str, dict[str, tuple[str, str, int]]]:
    templates = {"sv": consent_templates.swedish_template(FORMS),
                 **consent_templates.translations(FORMS)}
    return {"formapp-samtycke": {loc: (t.version, t.sha256, len(t.data["sections"]) + 1)
                                 for loc, t in templates.items()}}


def test_every_language_has_the_questions_bound_to_its_template() -> None:
    sets = {qs.locale: qs for qs in understanding.all_question_sets(FORMS)}
    assert set(sets) == LOCALES
    assert understanding.question_problems(FORMS, _bound()) == []
    swedish = sets["sv"]
    assert 3 <= len(swedish.questions) <= 5
    for qs in sets.values():
        assert [(q.id, q.section, q.answer) for q in qs.questions] == [
            (q.id, q.section, q.answer) for q in swedish.questions]


def test_the_questions_ask_about_the_text_a_forbund_published() -> None:
    """A filled-in text names its template: its questions are the template's."""
    template = consent_templates.translations(FORMS)["ar"]
    raw = consent_templates.fill(template, {p: "X" for p in consent_templates.PLACEHOLDERS},
                                 issuer="Förbund X", source=("v", "0" * 64))
    text = parse_text(raw, version="formapp-samtycke-ar-f1-1")
    assert (text.template_version, text.template_sha256) == (template.version, template.sha256)
    found = understanding.questions_for(text, FORMS)
    assert found is not None and found.locale == "ar"
    # Each question points at a section the reading page has.
    for question in found.questions:
        assert 1 <= question.section < len(reading_sections(text)) - 1
    # Another text (its own hash) has none.
    other = parse_text(raw.replace(template.sha256.encode(), b"1" * 64), version="other")
    assert understanding.questions_for(other, FORMS) is None


def test_a_file_unlike_the_swedish_one_or_bound_elsewhere_is_named(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    folder = forms / "9443" / "questions" / "formapp-samtycke"
    ar = folder / "ar.toml"
    ar.write_text(ar.read_text(encoding="utf-8").replace("answer = 1", "answer = 0"),
                  encoding="utf-8")
    en = folder / "en.toml"
    text = en.read_text(encoding="utf-8")
    start = text.index('sha256 = "') + len('sha256 = "')
    en.write_text(text[:start] + "0" * 64 + text[start + 64:], encoding="utf-8")
    problems = understanding.question_problems(forms, _bound())
    assert any("ar.toml" in p and "differ from sv.toml" in p for p in problems)
    assert any("en.toml" in p and "not the current text" in p for p in problems)
    usable = {qs.locale for qs in understanding.all_question_sets(forms)}
    assert "ar" not in usable and "sv" in usable


def test_the_glossary_check_reads_the_questions(tmp_path: Path) -> None:
    terms = glossary.load_terms(ROOT / "translations")
    renderings = glossary.load_glossary(ROOT / "translations", "ar", terms)
    pairs = list(glossary.question_pairs(FORMS, "ar"))
    assert len(pairs) == 4 + 8  # four questions, two options each
    assert glossary.check_pairs(terms, renderings, pairs) == []
    # "samtycke" rendered otherwise than the glossary's الموافقة fails.
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    ar = forms / "9443" / "questions" / "formapp-samtycke" / "ar.toml"
    ar.write_text(ar.read_text(encoding="utf-8").replace("سحب موافقتك", "سحب رضاك"),
                  encoding="utf-8")
    planted = list(glossary.question_pairs(forms, "ar"))
    problems = glossary.check_pairs(terms, renderings, planted)
    assert problems and "withdraw" in problems[0]
