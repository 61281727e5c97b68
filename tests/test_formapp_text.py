"""formapp's own consent text (issue 18): plain Swedish, complete, true for formapp, and every
translation bound to the exact Swedish version it translates."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from formapp.definitions import consent_templates as templates
from formapp.definitions.consent_texts import builtin_versions, parse_text, sha256_hex
from formapp.documents.consent import FORMAPP_TEXT, ConsentText
from formapp.domain.readability import lix
from formapp.tooling.sample_consent import SAMPLE_VALUES, formapp_texts

FORMS = Path(__file__).resolve().parents[1] / "forms"
LIX_LIMIT = 40


def _paragraphs(text: ConsentText) -> list[str]:
    out = [text.title]
    for section in text.sections:
        out += ([section.heading] if section.heading else []) + list(section.paragraphs)
    return [*out, text.declaration_heading, text.declaration_text]


def test_lix_is_the_formula() -> None:
    # 6 words, 2 sentences, 2 long words ("läsbarhet", "svenskan"): 6/2 + 100*2/6 = 36.33
    measured = lix(["Läsbarhet mäts så. Det gäller svenskan."])
    assert (measured.words, measured.sentences, measured.long_words) == (6, 2, 2)
    assert measured.value == pytest.approx(6 / 2 + 100 * 2 / 6)


def test_the_published_swedish_text_is_plain_lix_at_most_40() -> None:
    binding, _ = formapp_texts("sv", retention_years=10)
    measured = lix(_paragraphs(binding))
    print(f"LIX formapp-samtycke (sv, filled): {measured.value:.1f} "
          f"({measured.words} words, {measured.sentences} sentences, "
          f"{measured.long_words} long words)")
    assert measured.value <= LIX_LIMIT
    # Short sentences: none longer than 20 words.
    for paragraph in _paragraphs(binding):
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            assert len(sentence.split()) <= 20, sentence


def test_fk_9443_is_harder_to_read_than_formapps() -> None:
    fk = parse_text((FORMS / "9443" / "texts" / "sv.toml").read_bytes(), version="fk")
    assert lix(_paragraphs(fk)).value > 45  # "svår": why formapp has its own text


def test_the_text_says_what_the_issue_asks_and_nothing_of_sus() -> None:
    binding, _ = formapp_texts("sv", retention_years=7)
    whole = " ".join(_paragraphs(binding))
    for value in SAMPLE_VALUES.values():
        assert value in whole  # the förbund as personuppgiftsansvarig, with its details
    for needed in ("personuppgiftsansvarig", "dataskyddsombud", "personnummer", "sjukpenning",
                   "följa upp och utvärdera", "statistik", "rättsliga grunden", "7 år",
                   "registerutdrag", "rättade", "ta bort", "ta tillbaka ditt samtycke",
                   "påverkar inte det stöd", "Integritetsskyddsmyndigheten",
                   "Så tar du tillbaka"):
        assert needed in whole, needed
    assert "SUS" not in whole and "ansvarar Försäkringskassan" not in whole
    assert "{" not in whole and "}" not in whole


def test_the_template_is_published_and_hash_locked() -> None:
    entry = next(v for v in builtin_versions() if v.text == FORMAPP_TEXT)
    assert entry.id == templates.swedish_template().version == "formapp-samtycke-sv-2026-1"
    assert sha256_hex(entry.file.read_bytes()) == entry.sha256


def test_every_translation_file_translates_the_current_template() -> None:
    assert templates.translation_problems() == []
    for locale, template in templates.translations().items():
        assert template.source_sha256 == templates.swedish_template().sha256
        _binding, read = formapp_texts(locale, retention_years=10)
        assert read is not None and read.locale == locale


def test_the_same_values_fill_the_same_bytes_and_other_values_other_bytes() -> None:
    template = templates.swedish_template()
    values = {**SAMPLE_VALUES, "lagringstid_ar": "10"}
    first = templates.fill(template, values, issuer="X")
    assert first == templates.fill(template, values, issuer="X")
    changed = templates.fill(template, {**values, "adress": "Annan väg 2"}, issuer="X")
    assert sha256_hex(changed) != sha256_hex(first)
    tricky = templates.fill(template, {**values, "forbund_namn": 'Förbund "Citat" \\ N'},
                            issuer="X")
    assert 'Förbund "Citat" \\ N' in parse_text(tricky, version="t").declaration_text


def test_a_translation_of_another_source_is_not_used(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    stale = forms / "9443" / "texts" / FORMAPP_TEXT / "en.toml"
    stale.write_text(stale.read_text(encoding="utf-8").replace(
        templates.swedish_template().sha256, "0" * 64), encoding="utf-8")
    assert "en" not in templates.translations(forms)
    problems = templates.translation_problems(forms)
    assert len(problems) == 1 and "[source]" in problems[0]


def test_a_translation_that_drops_a_placeholder_is_refused(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    broken = forms / "9443" / "texts" / FORMAPP_TEXT / "en.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace(
        "Organisation number: {organisationsnummer}.", "Organisation number: none."),
        encoding="utf-8")
    problems = templates.translation_problems(forms)
    assert any("placeholders" in p and "organisationsnummer" in p for p in problems)
    assert "en" not in templates.translations(forms)
