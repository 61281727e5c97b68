"""Checks on the FK 9443 consent texts in forms/9443/texts/ (one TOML file per locale).

sv.toml is the binding Swedish text of the paper form; every other file is a translation with
the same structure. These tests only look at the files, not at the code that will load them.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from pathlib import Path

import pytest

TEXTS_DIR = Path(__file__).resolve().parent.parent / "forms" / "9443" / "texts"

# DESIGN.md §3: locale id -> (script, direction)
LOCALES: dict[str, tuple[str, str]] = {
    "sv": ("Latin", "ltr"),
    "en": ("Latin", "ltr"),
    "ar": ("Arabic", "rtl"),
    "fa": ("Arabic", "rtl"),
    "fa_AF": ("Arabic", "rtl"),
    "ckb": ("Arabic", "rtl"),
    "ku": ("Latin", "ltr"),
    "so": ("Latin", "ltr"),
    "ti": ("Ethiopic", "ltr"),
    "bs": ("Latin", "ltr"),
    "sq": ("Latin", "ltr"),
    "tr": ("Latin", "ltr"),
    "pl": ("Latin", "ltr"),
    "ru": ("Cyrillic", "ltr"),
    "uk": ("Cyrillic", "ltr"),
    "es": ("Latin", "ltr"),
    "fi": ("Latin", "ltr"),
    "th": ("Thai", "ltr"),
    "fr": ("Latin", "ltr"),
}

TOP_KEYS = {
    "locale",
    "language_name",
    "status",
    "title",
    "direction",
    "sections",
    "declaration",
    "labels",
}
SECTION_KEYS = {"heading", "paragraphs"}
DECLARATION_KEYS = {"heading", "text"}
LABEL_KEYS = {"personnummer", "underskrift", "ort_och_datum", "namnfortydligande"}

# Sentences of the paper form FK 9443 (002.F.001) that must stand in sv.toml word for word.
SWEDISH_SENTENCES = [
    "Rehabiliteringsinsatsen som du deltar i sker i samverkan mellan Försäkringskassan, "
    "Arbetsförmedlingen, kommunen och/eller landstinget.",
    "Databasen heter System för uppföljning av samverkan (SUS).",
    "Den administreras av Försäkringskassan och är en del av socialförsäkringsdatabasen.",
    "Bara de personer som är ansvariga för insatsen som du deltar i samt de personer på "
    "Försäkringskassan som arbetar med verksamhetsanalys och statistik kommer att ha tillgång "
    "till dina personuppgifter i systemet.",
    "Uppgifterna som samlas in omfattas av sekretess hos de berörda myndigheterna och även i SUS.",
    "Du kan när som helst återkalla ditt samtycke.",
    "Du har rätt att begära ett registerutdrag med den information som behandlas om dig.",
    "Du har även rätt att begära att personuppgifter rättas.",
    "Kontakta i så fall Försäkringskassan.",
    "Jag har tagit del av uppgifterna i dokumentet och samtycker till att de berörda "
    "myndigheterna får ha direkt tillgång till, behandla och utbyta uppgifter om mig i SUS.",
    "Samtycket avser de uppgifter som lämnats inom ramen för samverkan och gäller under den tid "
    "som behövs för att följa upp samverkansformerna.",
]

# Letters that only occur in some languages: each file must use at least one of its own,
# which catches a file saved under the wrong locale (Persian in ar.toml, Russian in uk.toml ...).
MARKERS: dict[str, str] = {
    "sv": "åäö",
    "ar": "ةى",
    "fa": "پچژگ",
    "fa_AF": "پچژگ",
    "ckb": "ێۆڕڵەڤ",
    "ku": "êîûşç",
    "bs": "čćšžđ",
    "sq": "ëç",
    "tr": "ığşİ",
    "pl": "ąęłśżźćń",
    "ru": "ыэъё",
    "uk": "іїєґ",
    "es": "ñáéíóú",
    "fi": "äö",
    "fr": "éèàçêù",
}
# ... and letters it must not use.
FORBIDDEN: dict[str, str] = {
    "ar": "پچژگکی",  # Persian letters; Arabic uses ك and ي
    "fa": "كيةۆێڕڵە",  # Arabic kaf/yeh, Sorani letters
    "fa_AF": "كيۆێڕڵە",
    "ru": "іїєґ",
    "uk": "ыэъё",
}

NON_WESTERN_DIGITS = re.compile(r"[\u0660-\u0669\u06F0-\u06F9\u1369-\u137C\u0E50-\u0E59]")


def _fk_files() -> dict[str, list[Path]]:
    """Every published FK 9443 file per locale, oldest first (forms/9443/published.toml): a
    correction is a new file (ku-2.toml), the signed-with one stays."""
    manifest = tomllib.loads((TEXTS_DIR.parent / "published.toml").read_text(encoding="utf-8"))
    files: dict[str, list[Path]] = {}
    for entry in manifest["version"]:
        if entry.get("text", "fk-9443") == "fk-9443":
            files.setdefault(entry["locale"], []).append(TEXTS_DIR.parent / entry["file"])
    return files


FK_FILES = _fk_files()


def load(locale: str) -> dict:
    """The newest published version of ``locale`` (what a participant reads)."""
    with FK_FILES[locale][-1].open("rb") as fh:
        return tomllib.load(fh)


def all_strings(doc: dict) -> list[str]:
    """Every text a reader sees: title, headings, paragraphs, declaration, labels."""
    out = [doc["title"]]
    for section in doc["sections"]:
        out.append(section["heading"])
        out.extend(section["paragraphs"])
    out.extend([doc["declaration"]["heading"], doc["declaration"]["text"]])
    out.extend(doc["labels"].values())
    return [s for s in out if s]


def script_of(ch: str) -> str | None:
    """The script of a letter by its Unicode name (good enough for the scripts we use)."""
    if not unicodedata.category(ch).startswith(("L", "M")):
        return None
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "ARABIC", "ETHIOPIC", "THAI", "CYRILLIC"):
        if name.startswith(script):
            return script.title()
    return "Other"


def script_share(text: str, script: str) -> float:
    scripts = [s for s in map(script_of, text) if s is not None]
    return scripts.count(script) / len(scripts) if scripts else 0.0


def test_all_locales_present_and_nothing_else():
    assert set(FK_FILES) == set(LOCALES)
    published = {p.name for files in FK_FILES.values() for p in files}
    assert {p.name for p in TEXTS_DIR.glob("*.toml")} == published
    assert {f"{locale}.toml" for locale in LOCALES} <= published


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_every_version_has_the_same_structure_and_locale(locale):
    first, *later = FK_FILES[locale]
    old = tomllib.loads(first.read_text(encoding="utf-8"))
    for path in later:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        assert doc["locale"] == locale and set(doc) == set(old)
        assert [len(s["paragraphs"]) for s in doc["sections"]] == \
            [len(s["paragraphs"]) for s in old["sections"]]


@pytest.fixture(scope="module")
def swedish() -> dict:
    return load("sv")


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_exact_keys_and_types(locale):
    doc = load(locale)
    assert set(doc) == TOP_KEYS
    assert doc["locale"] == locale
    for key in ("language_name", "status", "title", "direction"):
        assert isinstance(doc[key], str) and doc[key].strip(), key
    assert isinstance(doc["sections"], list) and doc["sections"]
    for section in doc["sections"]:
        assert set(section) == SECTION_KEYS
        assert isinstance(section["heading"], str)
        assert isinstance(section["paragraphs"], list) and section["paragraphs"]
        for paragraph in section["paragraphs"]:
            assert isinstance(paragraph, str) and paragraph.strip()
    assert set(doc["declaration"]) == DECLARATION_KEYS
    assert set(doc["labels"]) == LABEL_KEYS
    for value in [*doc["declaration"].values(), *doc["labels"].values()]:
        assert isinstance(value, str) and value.strip()
    for text in all_strings(doc):
        assert text == text.strip(), f"leading/trailing whitespace: {text[:40]!r}"
        assert "  " not in text and "\n" not in text, f"stray whitespace: {text[:40]!r}"


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_status(locale):
    assert load(locale)["status"] == ("binding" if locale == "sv" else "unofficial")


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_direction_matches_design(locale):
    assert load(locale)["direction"] == LOCALES[locale][1]


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_same_structure_as_swedish(locale, swedish):
    doc = load(locale)
    assert len(doc["sections"]) == len(swedish["sections"])
    for ours, theirs in zip(doc["sections"], swedish["sections"], strict=True):
        assert len(ours["paragraphs"]) == len(theirs["paragraphs"])
        assert bool(ours["heading"]) == bool(theirs["heading"])


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_written_in_expected_script(locale):
    script = LOCALES[locale][0]
    doc = load(locale)
    # Swedish authority names in parentheses and "SUS" are Latin, so a whole file only needs
    # a clear majority; each paragraph-sized text and each label must be mostly in the script.
    assert script_share(" ".join(all_strings(doc)), script) > 0.85
    for text in all_strings(doc):
        assert script_share(text, script) > 0.6, f"{locale}: {text[:60]!r}"
    assert script_share(doc["language_name"], script) == 1.0


@pytest.mark.parametrize("locale", sorted(MARKERS))
def test_language_specific_letters(locale):
    text = " ".join(all_strings(load(locale)))
    assert any(ch in text for ch in MARKERS[locale]), locale
    bad = sorted({ch for ch in text if ch in FORBIDDEN.get(locale, "")})
    assert not bad, f"{locale}: letters of another language {bad}"


def test_dari_is_not_a_copy_of_persian():
    assert all_strings(load("fa_AF")) != all_strings(load("fa"))


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_western_digits_and_sus_kept(locale, swedish):
    doc = load(locale)
    text = " ".join(all_strings(doc))
    assert not NON_WESTERN_DIGITS.search(text)
    assert "SUS" in doc["title"]
    assert "SUS" in doc["declaration"]["text"]
    assert " ".join(all_strings(doc)).count("SUS") == " ".join(all_strings(swedish)).count("SUS")


def sentence_counts(doc: dict) -> list[int]:
    """Sentences per paragraph and in the declaration (. or ። before a space or the end)."""
    texts = [p for s in doc["sections"] for p in s["paragraphs"]] + [doc["declaration"]["text"]]
    return [len(re.findall(r"[.።](?=\s|$)", text)) for text in texts]


# Thai does not end sentences with a mark, so it cannot be counted this way.
@pytest.mark.parametrize("locale", sorted(set(LOCALES) - {"sv", "th"}))
def test_our_translations_keep_every_sentence(locale, swedish):
    doc = load(locale)
    if doc["status"] != "unofficial":
        pytest.skip("an official translation may split sentences its own way")
    assert sentence_counts(doc) == sentence_counts(swedish)


@pytest.mark.parametrize("sentence", SWEDISH_SENTENCES)
def test_swedish_text_is_the_paper_form(swedish, sentence):
    assert sentence in " ".join(all_strings(swedish))


def test_swedish_headings_labels_and_title(swedish):
    assert swedish["title"] == "SUS System för uppföljning av samverkan"
    assert [s["heading"] for s in swedish["sections"]] == [
        "",
        "Försäkringskassan ansvarar för behandlingen",
    ]
    assert swedish["declaration"]["heading"] == "Samtycke"
    assert swedish["labels"] == {
        "personnummer": "Personnummer",
        "underskrift": "Underskrift",
        "ort_och_datum": "Ort och datum",
        "namnfortydligande": "Namnförtydligande",
    }
    assert "landstinget" in swedish["sections"][0]["paragraphs"][0]
