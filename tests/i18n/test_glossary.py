"""The glossary check (issue 23): a domain term is rendered one way per language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from formapp.translation import catalogs, glossary
from formapp.translation.cli import i18n_command

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"


@pytest.fixture(scope="module")
def config() -> catalogs.I18nConfig:
    return catalogs.load_config(ROOT)


@pytest.fixture(scope="module")
def terms() -> tuple[glossary.Term, ...]:
    return glossary.load_terms(TRANSLATIONS)


def test_every_translated_locale_has_a_glossary_of_every_term(config, terms) -> None:
    registry = catalogs.registry_for(config)
    for locale in registry.translated_ids:
        renderings = glossary.load_glossary(TRANSLATIONS, locale, terms)
        assert set(renderings) == {t.id for t in terms}
        assert all(r.rendering and r.forms for r in renderings.values())


def test_the_real_catalogs_and_consent_texts_pass(config) -> None:
    report = catalogs.check_glossary(config, catalogs.registry_for(config))
    assert len(report) == 18
    assert {locale: problems for locale, problems in report.items() if problems} == {}


def _planted(tmp_path: Path, locale: str, right: str, wrong: str) -> Path:
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    po = copy / locale / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert right in text
    po.write_text(text.replace(right, wrong, 1), encoding="utf-8")
    return copy


def test_a_planted_wrong_term_fails_the_check(config, tmp_path) -> None:
    # "Bîme" is another word for insurance: a reader would not know it is the same agency.
    planted = _planted(tmp_path, "ku", "Saziya Sîgortaya Civakî", "Saziya Bîmeya Civakî")
    report = catalogs.check_glossary(config, catalogs.registry_for(config), planted)
    assert [p for p in report["ku"] if "'Försäkringskassan' is not rendered" in p]
    assert not any(report[locale] for locale in report if locale != "ku")

    result = CliRunner().invoke(i18n_command, ["check", "--translations", str(planted)])
    assert result.exit_code != 0
    assert "FAIL glossary  ku" in result.output and "Försäkringskassan" in result.output


def test_a_planted_wrong_term_in_a_consent_text_fails(terms) -> None:
    renderings = glossary.load_glossary(TRANSLATIONS, "so", terms)
    source = "Du kan när som helst återkalla ditt samtycke."
    right = glossary.Pair("fk", source, "Waxaad ogolaanshahaaga dib u celin kartaa waqti kasta.")
    wrong = glossary.Pair("fk", source, "Waxaad oggolaanshahaaga ka noqon kartaa waqti kasta.")
    assert glossary.check_pairs(terms, renderings, [right]) == []
    problems = glossary.check_pairs(terms, renderings, [wrong])
    assert len(problems) == 2 and "'samtycke'" in problems[0] and "'återkalla'" in problems[1]


@pytest.mark.parametrize(("locale", "term", "translation"), [
    ("fi", "samtycke", "Osallistuja on perunut suostumuksensa."),  # inflected stem
    ("ku", "personnummer", "Hejmara te ya kesane (personnummer)"),  # split by a possessive
    ("fa", "deltagare", "شرکتکننده"),  # written without the zero-width non-joiner
    ("tr", "arbetsformedlingen", "İŞ BULMA KURUMUNA"),  # Turkish dotted capital I
])
def test_forms_match_inflections(terms, locale, term, translation) -> None:
    assert glossary.load_glossary(TRANSLATIONS, locale, terms)[term].found_in(translation)


def test_placeholders_and_addresses_are_no_terms(terms) -> None:
    renderings = glossary.load_glossary(TRANSLATIONS, "en", terms)
    pair = glossary.Pair("x", "”%(value)s” finns inte i %(kommun)s, skriv till a@kommun.se",
                         "”%(value)s” is not in %(kommun)s, write to a@kommun.se")
    assert glossary.check_pairs(terms, renderings, [pair]) == []


def test_a_glossary_missing_a_term_is_an_error(tmp_path, terms) -> None:
    (tmp_path / "ku").mkdir()
    (tmp_path / "ku" / "glossary.toml").write_text('locale = "ku"\n[terms.insats]\n'
                                                   'rendering = "bername"\nforms = ["bername"]\n',
                                                   encoding="utf-8")
    with pytest.raises(glossary.GlossaryError, match="terms missing"):
        glossary.load_glossary(tmp_path, "ku", terms)
