"""The understanding questions' files (issue 19): one per language of formapp's text, bound
to exactly that template by its SHA-256, and one per language of Försäkringskassan's FK 9443
text, bound to its newest built-in version; the same questions everywhere, each term as the
language's glossary renders it."""

from __future__ import annotations

import shutil
from pathlib import Path

from formapp.definitions import consent_templates, consent_texts, understanding
from formapp.definitions.consent_texts import parse_text
from formapp.documents.consent import FK_TEXT, FORMAPP_TEXT
from formapp.readaloud.sections import reading_sections
from formapp.translation import glossary

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
    sets = {qs.locale: qs for qs in understanding.all_question_sets(FORMS)
            if qs.text_id == FORMAPP_TEXT}
    assert set(sets) == LOCALES
    assert understanding.question_problems(FORMS, understanding.current_bindings(FORMS)) == []
    assert understanding.current_bindings(FORMS)[FORMAPP_TEXT] == _bound()[FORMAPP_TEXT]
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
    problems = understanding.question_problems(forms, understanding.current_bindings(forms))
    assert any("ar.toml" in p and "differ from sv.toml" in p for p in problems)
    assert any("en.toml" in p and "not the current text" in p for p in problems)
    usable = {qs.locale for qs in understanding.all_question_sets(forms)
              if qs.text_id == FORMAPP_TEXT}
    assert "ar" not in usable and "sv" in usable


def test_the_glossary_check_reads_the_questions(tmp_path: Path) -> None:
    terms = glossary.load_terms(ROOT / "translations")
    renderings = glossary.load_glossary(ROOT / "translations", "ar", terms)
    pairs = [p for p in glossary.question_pairs(FORMS, "ar") if FORMAPP_TEXT in p.where]
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


# --- FK 9443 ---------------------------------------------------------------------------------

CORRECTED = {"ku", "so", "ckb", "fa", "ti"}  # published.toml lists a -2 version of these


def test_fk_9443_has_the_questions_in_every_language_bound_to_its_newest_version() -> None:
    bindings = understanding.current_bindings(FORMS)
    assert set(bindings[FK_TEXT]) == LOCALES
    assert understanding.question_problems(FORMS, bindings) == []
    sets = {qs.locale: qs for qs in understanding.all_question_sets(FORMS)
            if qs.text_id == FK_TEXT}
    assert set(sets) == LOCALES
    swedish = sets["sv"]
    assert 3 <= len(swedish.questions) <= 4
    for locale in LOCALES:
        text = consent_texts.latest_builtin(locale, FORMS)
        assert text is not None and text.is_fk
        assert text.version.endswith("-2" if locale in CORRECTED else "-1")
        found = understanding.questions_for(text, FORMS)
        assert found is sets[locale], locale
        assert (found.text_version, found.text_sha256) == (text.version, text.sha256)
        assert [(q.id, q.section, q.answer) for q in found.questions] == [
            (q.id, q.section, q.answer) for q in swedish.questions]
        # Only the text's own sections: never the title or the declaration.
        for question in found.questions:
            assert 1 <= question.section <= len(text.sections)
    # The superseded first version of a corrected language has none: a consent signed
    # with it was never asked, and a new file would be needed to ask about it.
    old = consent_texts.load_builtin("9443-ku-2026-1", FORMS)
    assert understanding.questions_for(old, FORMS) is None


def test_the_fk_questions_point_at_the_section_that_answers_them() -> None:
    """Each right answer is in the section the question names (Swedish, word for word)."""
    text = consent_texts.latest_builtin("sv", FORMS)
    assert text is not None
    found = understanding.questions_for(text, FORMS)
    assert found is not None
    section = {q.id: " ".join((text.sections[q.section - 1].heading,
                               *text.sections[q.section - 1].paragraphs))
               for q in found.questions}
    assert "Du kan när som helst återkalla ditt samtycke" in section["withdraw"]
    assert "ansvariga för insatsen" in section["who_sees"]
    assert "Försäkringskassan ansvarar" in section["responsible"]
    assert "registerutdrag" in section["register_extract"]
    right = {q.id: q.options[q.answer] for q in found.questions}
    assert right["responsible"] == "Försäkringskassan."


def test_an_fk_file_bound_to_the_superseded_version_is_named(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    old = consent_texts.load_builtin("9443-ku-2026-1", FORMS)
    ku = forms / "9443" / "questions" / FK_TEXT / "ku.toml"
    current = consent_texts.latest_builtin("ku", FORMS)
    assert current is not None
    ku.write_text(ku.read_text(encoding="utf-8").replace(current.version, old.version)
                  .replace(current.sha256, old.sha256), encoding="utf-8")
    problems = understanding.question_problems(forms, understanding.current_bindings(forms))
    assert problems == [f"questions/{FK_TEXT}/ku.toml: bound to {old.version} {old.sha256}, "
                        "which is not the current text in that language"]
    # A section the text does not have (3 is FK 9443's declaration) is named too.
    sv = forms / "9443" / "questions" / FK_TEXT / "sv.toml"
    sv.write_text(sv.read_text(encoding="utf-8").replace("section = 2", "section = 3"),
                  encoding="utf-8")
    problems = understanding.question_problems(forms, understanding.current_bindings(forms))
    assert f"questions/{FK_TEXT}/sv.toml: a section number is not one of the text's " \
           "sections" in problems
    assert any(f"{FK_TEXT}/so.toml" in p and "differ from sv.toml" in p for p in problems)


def test_the_glossary_check_reads_the_fk_questions(tmp_path: Path) -> None:
    terms = glossary.load_terms(ROOT / "translations")
    for locale in LOCALES - {"sv"}:
        renderings = glossary.load_glossary(ROOT / "translations", locale, terms)
        pairs = [p for p in glossary.question_pairs(FORMS, locale) if FK_TEXT in p.where]
        assert len(pairs) == 4 + 9, locale  # four questions, 2 + 2 + 3 + 2 options
        assert glossary.check_pairs(terms, renderings, pairs) == [], locale
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    fi = forms / "9443" / "questions" / FK_TEXT / "fi.toml"
    fi.write_text(fi.read_text(encoding="utf-8").replace("rekisteriotteen", "otteen"),
                  encoding="utf-8")
    renderings = glossary.load_glossary(ROOT / "translations", "fi", terms)
    planted = [p for p in glossary.question_pairs(forms, "fi") if FK_TEXT in p.where]
    problems = glossary.check_pairs(terms, renderings, planted)
    assert len(problems) == 1 and "register_extract" in problems[0]
