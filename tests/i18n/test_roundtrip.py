"""A translator's round trip (issue 23): export a language, edit as a translator does, import.

Everything runs on copies of the real translations/ and forms/ (the files a translator gets are
the real ones); the edits are text edits of the exported PO files, as in an editor."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from formapp.definitions import consent_templates
from formapp.definitions.consent_texts import latest_builtin, verify_builtin
from formapp.translation import catalogs, consent_po, consent_review, review, roundtrip
from formapp.translation.cli import i18n_command

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 4)


@pytest.fixture()
def config(tmp_path: Path) -> catalogs.I18nConfig:
    shutil.copytree(ROOT / "translations", tmp_path / "translations",
                    ignore=shutil.ignore_patterns("*.mo"))
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    base = catalogs.load_config(ROOT)
    yield dataclasses.replace(base, translations=tmp_path / "translations",
                              forms=tmp_path / "forms")
    consent_po.forget_cached()  # the copies' texts were cached under their paths


def _digest(*paths: Path) -> str:
    """One hash of every file under ``paths`` (to show nothing changed)."""
    digest = hashlib.sha256()
    for base in paths:
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(base)).encode() + path.read_bytes())
    return digest.hexdigest()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _entry(path: Path, msgid: str, context: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle).get(msgid, context=context)


def test_export_writes_what_a_translator_needs(config, tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = roundtrip.export(config, "ku", out)
    assert sorted(p.name for p in files) == sorted(
        ["messages.po", "consent-fk-9443.po", "consent-formapp-samtycke.po", "glossary.tbx",
         "README.txt"])
    # the catalog as it is: Swedish msgid, the translation, its review status comment
    with (config.translations / "ku" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        ours = read_po(handle)
    with (out / "messages.po").open("rb") as handle:
        theirs = read_po(handle)
    assert [(m.id, m.string, m.user_comments) for m in theirs] == \
        [(m.id, m.string, m.user_comments) for m in ours]
    # FK 9443's newest Kurdish version, place by place, Swedish beside Kurdish, status machine
    with (out / "consent-fk-9443.po").open("rb") as handle:
        fk = read_po(handle)
    assert (fk.project, fk.version, fk.locale_identifier) == ("formapp/fk-9443",
                                                              "9443-ku-2026-2", "ku")
    shown = latest_builtin("ku", config.forms)
    declaration = fk.get(latest_builtin("sv", config.forms).declaration_text,
                         context="declaration.text")
    assert declaration.string == shown.declaration_text
    assert declaration.user_comments == ["review: machine"]
    # formapp's text keeps its placeholders, flagged for Poedit's and Weblate's checks
    with (out / "consent-formapp-samtycke.po").open("rb") as handle:
        own = read_po(handle)
    first = own.get(consent_templates.swedish_template(config.forms).data["sections"][0]
                    ["paragraphs"][0], context="sections[0].paragraphs[0]")
    assert "{forbund_namn}" in first.string and "python-brace-format" in first.flags
    # the glossary: TBX with the Swedish term and the chosen Kurdish rendering
    terms = {e.get("id"): [t.text for t in e.iter("term")]
             for e in ET.parse(out / "glossary.tbx").getroot().iter("termEntry")}
    assert terms["samtycke"] == ["samtycke", "razîbûn"]
    assert "formapp i18n import" in (out / "README.txt").read_text(encoding="utf-8")


def test_unknown_locale_is_refused(config, tmp_path: Path) -> None:
    with pytest.raises(roundtrip.RoundTripError, match="not a translated locale"):
        roundtrip.export(config, "xx", tmp_path / "out")


def test_an_edited_string_comes_back_reviewed_by_the_reviewer(config, tmp_path: Path) -> None:
    out = tmp_path / "out"
    roundtrip.export(config, "so", out)
    _edit(out / "messages.po", 'msgstr "Saxiix"', 'msgstr "Saxiix hadda"')
    target = config.translations / "so" / "LC_MESSAGES" / "messages.po"
    before = target.read_text(encoding="utf-8").splitlines()

    [outcome] = roundtrip.import_files(config, [out / "messages.po"], reviewer="Amina  Yusuf",
                                       today=TODAY)

    assert [value for _, value in outcome.changes] == ["Saxiix hadda"]
    entry = _entry(target, "Skriv under")
    assert entry.string == "Saxiix hadda"
    assert review.status_of(entry) == "reviewed"
    assert entry.user_comments == ["review: reviewed by Amina Yusuf 2026-12-04"]
    # nothing else in the catalog moved: one comment line added, one msgstr changed
    after = target.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before) + 1
    assert [line for line in after if line not in before] == [
        "# review: reviewed by Amina Yusuf 2026-12-04", 'msgstr "Saxiix hadda"']
    # and the catalogs still pass the check's catalog part for so
    report = catalogs.check(config, catalogs.registry_for(config),
                            catalogs.extract_all(catalogs.load_config(ROOT)), config.translations)
    assert all(c.ok for c in report.catalogs if c.locale == "so")
    assert report.glossary["so"] == []


def test_what_changed_in_formapp_since_the_export_is_kept(config, tmp_path: Path) -> None:
    out = tmp_path / "out"
    roundtrip.export(config, "so", out)
    target = config.translations / "so" / "LC_MESSAGES" / "messages.po"
    # after the export, someone fixes "Klart" in formapp; the translator edits "Skriv under"
    _edit(target, 'msgid "Klart"\nmsgstr "Dhammaaday"', 'msgid "Klart"\nmsgstr "Waa dhammaatay"')
    _edit(out / "messages.po", 'msgstr "Saxiix"', 'msgstr "Saxiix hadda"')
    [outcome] = roundtrip.import_files(config, [out / "messages.po"], reviewer="Amina Yusuf",
                                       today=TODAY)
    assert [value for _, value in outcome.changes] == ["Saxiix hadda"]
    assert _entry(target, "Klart").string == "Waa dhammaatay"  # not reverted by the old file
    assert _entry(target, "Skriv under").string == "Saxiix hadda"

    # had the translator changed "Klart" too, that string would conflict: refused, named
    again = tmp_path / "again"
    shutil.copytree(out, again)
    _edit(again / "messages.po", 'msgid "Klart"\nmsgstr "Dhammaaday"',
          'msgid "Klart"\nmsgstr "Dhammeeyey"')
    with pytest.raises(roundtrip.ImportRefused) as refused:
        roundtrip.import_files(config, [again / "messages.po"], reviewer="A", today=TODAY)
    assert refused.value.outcomes[0].problems == [
        "messages.po: 'Klart': changed in formapp since the export (now 'Waa dhammaatay'): "
        "export again and redo this string"]


def test_unchanged_and_fuzzy_entries_change_nothing(config, tmp_path: Path) -> None:
    out = tmp_path / "out"
    roundtrip.export(config, "so", out)
    _edit(out / "messages.po", 'msgid "Skriv under"\nmsgstr "Saxiix"',
          '#, fuzzy\nmsgid "Skriv under"\nmsgstr "Saxiixo"')
    before = _digest(config.translations)
    [outcome] = roundtrip.import_files(config, [out / "messages.po"], reviewer="A. Yusuf",
                                       today=TODAY)
    assert outcome.changes == [] and len(outcome.skipped) == 1
    assert _digest(config.translations) == before


def test_a_broken_placeholder_refuses_the_whole_file(config, tmp_path: Path) -> None:
    out = tmp_path / "out"
    roundtrip.export(config, "so", out)
    _edit(out / "messages.po", 'msgstr "Saxiix"', 'msgstr "Saxiix hadda"')  # a good edit
    _edit(out / "messages.po", 'msgstr "Xarafka %(char)s laguma daabici karo PDF-ka.',
          'msgstr "Xarafka %(xaraf)s laguma daabici karo PDF-ka.')
    before = _digest(config.translations, config.forms)

    with pytest.raises(roundtrip.ImportRefused) as refused:
        roundtrip.import_files(config, [out / "messages.po"], reviewer="Amina Yusuf",
                               today=TODAY)

    [problem] = refused.value.outcomes[0].problems
    assert problem.startswith("messages.po: 'Tecknet %(char)s kan inte skrivas ut")
    assert "placeholders differ" in problem and "%(xaraf)s" in problem
    assert _digest(config.translations, config.forms) == before  # not even the good edit


def test_a_wrong_glossary_term_is_refused(config, tmp_path: Path) -> None:
    out = tmp_path / "out"
    roundtrip.export(config, "so", out)
    # "samtycke" is ogolaansho in Somali; the planted edit says "oggolaansho" instead
    _edit(out / "messages.po", 'msgstr "Ogolaanshihii waa la dib u celiyay"',
          'msgstr "Oggolaanshihii waa la dib u celiyay"')
    before = _digest(config.translations)
    result = CliRunner().invoke(i18n_command, [
        "import", str(out / "messages.po"), "--reviewer", "Amina Yusuf",
        "--translations", str(config.translations), "--forms", str(config.forms)])
    assert result.exit_code != 0
    assert "REFUSED messages.po: 'Samtycket återkallades': 'samtycke' is not rendered as " \
           "'ogolaansho'" in result.output
    assert "nothing was changed" in result.output
    assert _digest(config.translations) == before


def test_a_string_whose_source_changed_is_refused(config, tmp_path: Path) -> None:
    out = tmp_path / "out"
    roundtrip.export(config, "so", out)
    _edit(out / "messages.po", 'msgid "Skriv under"\nmsgstr "Saxiix"',
          'msgid "Skriv under här"\nmsgstr "Halkan saxiix"')
    with pytest.raises(roundtrip.ImportRefused) as refused:
        roundtrip.import_files(config, [out / "messages.po"], reviewer="A", today=TODAY)
    assert "'Skriv under här': not in formapp's catalog" in refused.value.outcomes[0].problems[0]


def test_a_consent_text_change_becomes_a_draft_then_a_new_version(config,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "out"
    roundtrip.export(config, "ku", out)
    published = _digest(config.forms / "9443" / "texts") + \
        hashlib.sha256((config.forms / "9443" / "published.toml").read_bytes()).hexdigest()
    old = "Cih û dîrok"
    _edit(out / "consent-fk-9443.po", f'msgctxt "labels.ort_och_datum"\n'
          f'msgid "Ort och datum"\nmsgstr "{old}"',
          'msgctxt "labels.ort_och_datum"\nmsgid "Ort och datum"\nmsgstr "Cih û tarîx"')

    [outcome] = roundtrip.import_files(config, [out / "consent-fk-9443.po"],
                                       reviewer="Rojda Aydin", today=TODAY)

    draft = config.forms / "9443" / "drafts" / "9443-ku-2026-3.toml"
    assert outcome.written[0] == draft and draft.exists()
    # nothing published changed: the participant still reads 9443-ku-2026-2
    assert _digest(config.forms / "9443" / "texts") + hashlib.sha256(
        (config.forms / "9443" / "published.toml").read_bytes()).hexdigest() == published
    assert latest_builtin("ku", config.forms).version == "9443-ku-2026-2"
    [entry] = consent_review.load(config.translations, "ku")
    assert (entry.text, entry.where, entry.by, entry.date) == (
        "fk-9443", "labels.ort_och_datum", "Rojda Aydin", "2026-12-04")

    assert consent_po.publish_draft(config.forms, draft, today=TODAY) == "9443-ku-2026-3"
    assert not draft.exists()
    assert (config.forms / "9443" / "texts" / "ku-2.toml").exists()  # the old one stays
    texts = {t.version: t for t in verify_builtin(config.forms)}  # every hash still holds
    assert texts["9443-ku-2026-3"].labels.ort_och_datum == "Cih û tarîx"
    assert texts["9443-ku-2026-2"].labels.ort_och_datum == old
    assert latest_builtin("ku", config.forms).version == "9443-ku-2026-3"
    assert texts["9443-ku-2026-3"].source_version == "9443-sv-2026-1"

    # exported again: the string is reviewed, the others still machine
    again = tmp_path / "again"
    roundtrip.export(config, "ku", again)
    assert _entry(again / "consent-fk-9443.po", "Ort och datum", "labels.ort_och_datum") \
        .user_comments == ["review: reviewed by Rojda Aydin 2026-12-04"]
    assert _entry(again / "consent-fk-9443.po", "Underskrift", "labels.underskrift") \
        .user_comments == ["review: machine"]
    # the first export is now stale: importing it again is refused
    with pytest.raises(roundtrip.ImportRefused, match="refused"):
        roundtrip.import_files(config, [out / "consent-fk-9443.po"], reviewer="R", today=TODAY)


def test_formapp_text_placeholder_and_glossary_are_checked(config, tmp_path: Path) -> None:
    out = tmp_path / "out"
    roundtrip.export(config, "ku", out)
    path = out / "consent-formapp-samtycke.po"
    _edit(path, "Berpirsiyarê parastina daneyan: {dataskyddsombud}.",
          "Berpirsiyarê parastina daneyan: {dataskyddsombudet}.")
    _edit(path, "Tu bi xwe biryar didî ka tu dixwazî razîbûna xwe bidî an na.",
          "Tu bi xwe biryar didî ka tu dixwazî erêkirina xwe bidî an na.")
    before = _digest(config.translations, config.forms)
    with pytest.raises(roundtrip.ImportRefused) as refused:
        roundtrip.import_files(config, [path], reviewer="Rojda Aydin", today=TODAY)
    problems = refused.value.outcomes[0].problems
    assert any("sections[1].paragraphs[2]" in p and "placeholders differ" in p
               for p in problems)
    assert any("sections[0].paragraphs[2]" in p and "'samtycke' is not rendered as 'razîbûn'"
               in p for p in problems)
    assert _digest(config.translations, config.forms) == before


def test_formapp_text_change_publishes_as_the_next_template_translation(config,
                                                                       tmp_path: Path) -> None:
    out = tmp_path / "out"
    roundtrip.export(config, "ku", out)
    path = out / "consent-formapp-samtycke.po"
    _edit(path, "Tu wê belaş werdigirî.", "Tu wê bêpere werdigirî.")
    [outcome] = roundtrip.import_files(config, [path], reviewer="Rojda Aydin", today=TODAY)
    draft = outcome.written[0]
    assert draft.name == "formapp-samtycke-ku-2026-2.toml"
    assert consent_templates.translations(config.forms)["ku"].version == \
        "formapp-samtycke-ku-2026-1"
    consent_po.publish_draft(config.forms, draft, today=TODAY)
    template = consent_templates.translations(config.forms)["ku"]
    assert template.version == "formapp-samtycke-ku-2026-2"
    assert "Tu wê bêpere werdigirî." in template.data["sections"][6]["paragraphs"][0]
    assert consent_templates.translation_problems(config.forms) == []


def test_officer_plurals_come_back_checked(config, tmp_path: Path) -> None:
    out = tmp_path / "out"
    roundtrip.export(config, "en", out)
    assert (out / "officer.po").exists()
    path = out / "officer.po"
    _edit(path, 'msgstr[1] "%(num)d sealed forms (PDF) in the archive:"',
          'msgstr[1] "%(num)d sealed forms (PDFs) in the archive:"')
    target = config.translations / "en" / "LC_MESSAGES" / "officer.po"
    roundtrip.import_files(config, [path], reviewer="Sam Reader", today=TODAY)
    entry = _entry(target, ("%(num)d förseglad blankett (PDF) i arkivet:",
                            "%(num)d förseglade blanketter (PDF) i arkivet:"))
    assert entry.string[1] == "%(num)d sealed forms (PDFs) in the archive:"
    assert review.status_of(entry) == "reviewed"

    # a plural form that adds a placeholder is refused
    again = tmp_path / "again"
    roundtrip.export(config, "en", again)
    _edit(again / "officer.po", 'msgstr[1] "%(num)d sealed forms (PDFs) in the archive:"',
          'msgstr[1] "%(num)d sealed forms (PDFs) in %(archive)s:"')
    with pytest.raises(roundtrip.ImportRefused) as refused:
        roundtrip.import_files(config, [again / "officer.po"], reviewer="S", today=TODAY)
    assert "placeholders differ" in refused.value.outcomes[0].problems[0]


def test_an_official_string_is_not_changed_by_an_import(config, tmp_path: Path) -> None:
    target = config.translations / "so" / "LC_MESSAGES" / "messages.po"
    _edit(target, 'msgid "Skriv under"\nmsgstr "Saxiix"',
          '# review: official\nmsgid "Skriv under"\nmsgstr "Saxiix"')
    out = tmp_path / "out"
    roundtrip.export(config, "so", out)
    assert _entry(out / "messages.po", "Skriv under").user_comments == ["review: official"]
    _edit(out / "messages.po", 'msgstr "Saxiix"', 'msgstr "Saxiix hadda"')
    with pytest.raises(roundtrip.ImportRefused) as refused:
        roundtrip.import_files(config, [out / "messages.po"], reviewer="A", today=TODAY)
    assert refused.value.outcomes[0].problems == [
        "messages.po: 'Skriv under': an official translation; an import does not change it"]


def test_the_commands_export_import_and_publish(config, tmp_path: Path) -> None:
    runner = CliRunner()
    paths = ["--translations", str(config.translations), "--forms", str(config.forms)]
    out = tmp_path / "out"
    result = runner.invoke(i18n_command, ["export", "--locale", "ti", "--out", str(out), *paths])
    assert result.exit_code == 0, result.output
    assert f"wrote {out / 'consent-fk-9443.po'}" in result.output
    _edit(out / "consent-fk-9443.po", 'msgstr "ፊርማ"', 'msgstr "ክታም"')
    result = runner.invoke(i18n_command, ["import", str(out / "consent-fk-9443.po"),
                                          "--reviewer", "Selam Tesfay", *paths])
    assert result.exit_code == 0, result.output
    assert "changed fk-9443 9443-ti-2026-2: labels.underskrift -> ክታም" in result.output
    draft = config.forms / "9443" / "drafts" / "9443-ti-2026-3.toml"
    assert draft.read_text(encoding="utf-8").startswith(
        "# Unofficial translation of FK 9443")  # the file's own opening line is kept
    result = runner.invoke(i18n_command, ["publish-text", str(draft),
                                          "--forms", str(config.forms)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "published 9443-ti-2026-3"
    assert latest_builtin("ti", config.forms).labels.underskrift == "ክታም"
