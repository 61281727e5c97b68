"""Issue 23: the mistranslations a back-translation found stay fixed, everywhere they were.

FK 9443's translations are immutable: a fix is a new version, and the newest version of a
locale is the one a participant reads. formapp's own text and the catalogs are fixed in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from formapp.definitions import consent_templates
from formapp.definitions.consent_texts import builtin_versions, latest_builtin, load_builtin
from formapp.documents.consent import FK_TEXT

ROOT = Path(__file__).resolve().parents[2]

# locale -> (wrong rendering, what it reads as)
KNOWN_ERRORS = {
    "ku": [("bi hev re biguherînin", "change them with each other (utbyta)"),
           ("komeleya hevkariyê", "cooperation association (hevkarî is samverkan)"),
           ("piştgiriya dewletê", "state support, not wage subsidy"),
           ("bi/bê piştgirî", "with/without support (subvention)")],
    "so": [("marka laga reebo", "except (förutom = in addition to)"),
           ("lagaa shaqeeyo", "ungrammatical"),
           ("ka noqon kartaa ogolaansh", "another verb for återkalla than the consent's")],
    "fa_AF": [("معاش فعالیت", "activity salary"), ("معاش مریضی", "sickness salary")],
    "ckb": [("چاکبوونەوە", "healing (rehabilitering)"), ("بە زۆر", "forcibly"),
            ("پاراستنی زانیاریی هەیە", "a stray ezafe"),
            ("بکشێنیتەوە", "another verb for återkalla than the consent's")],
    "fa": [("نسخه‌ای از ثبت اطلاعات", "a copy of the recording of information")],
    "ti": [("ንመስርሕ ሓላፍነት", "responsible for the process"),
           ("ማሕበር ምትሕብባር", "cooperation association (ምትሕብባር is samverkan)"),
           ("ቁጽሪ ኣረጋግጽ።", "the familiar singular, not the polite plural used throughout")],
}


def _consent_strings(text) -> list[str]:
    return [text.title, *(s.heading for s in text.sections),
            *(p for s in text.sections for p in s.paragraphs), text.declaration_text]


def _catalog_strings(locale: str) -> list[str]:
    path = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    out = []
    for message in catalog:
        if message.id:
            out += list(message.string) if isinstance(message.string, tuple) \
                else [message.string]
    return out


@pytest.mark.parametrize("locale", sorted(KNOWN_ERRORS))
def test_known_errors_gone_from_the_text_shown(locale: str) -> None:
    shown = latest_builtin(locale)
    assert shown is not None
    template = consent_templates.translations()[locale]
    texts = [*_consent_strings(shown), *_catalog_strings(locale),
             *(value for _, value in consent_templates._strings(template.data))]
    for wrong, reads_as in KNOWN_ERRORS[locale]:
        assert not [t for t in texts if wrong in t], f"{locale}: {wrong!r} reads {reads_as!r}"


@pytest.mark.parametrize("locale", ["ku", "so", "ckb", "fa", "ti"])
def test_fk_fix_is_a_new_version_and_the_old_one_stays(locale: str) -> None:
    versions = [v.id for v in builtin_versions() if v.locale == locale and v.text == FK_TEXT]
    assert versions == [f"9443-{locale}-2026-1", f"9443-{locale}-2026-2"]
    assert latest_builtin(locale).version == f"9443-{locale}-2026-2"
    # the signed-with version still loads against its published hash, and translates the
    # same Swedish text as the correction
    old, new = load_builtin(versions[0]), load_builtin(versions[1])
    assert old.source_version == new.source_version == "9443-sv-2026-1"
    assert old.sha256 != new.sha256
