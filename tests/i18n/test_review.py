"""Review status per catalog string (issue 23 point 3): kept as a translator comment, counted
by `formapp i18n check`, shown per language on the Samtyckestexter page."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner
from flask import Flask

from formapp.definitions.loader import default_forms_dir
from formapp.documents.consent import FK_TEXT
from formapp.translation import catalogs, consent_po, consent_review, review
from formapp.translation.cli import i18n_command
from formapp.webclient import Browser
from tests.conftest import make_app, tables_of
from tests.world import PASSWORD, build_world

ROOT = Path(__file__).resolve().parents[2]


def _catalog(*comments: list[str]) -> Catalog:
    catalog = Catalog(locale="so")
    for i, user_comments in enumerate(comments):
        catalog.add(f"Text {i}", f"Qoraal {i}", user_comments=user_comments)
    return catalog


def test_no_comment_is_machine_and_a_review_comment_counts() -> None:
    counts = review.count(_catalog([], ["review: reviewed by Amina Yusuf 2026-12-04"],
                                   ["review: official"], ["a note"]))
    assert counts.counts == {"machine": 2, "reviewed": 1, "official": 1}
    assert counts.problems == []
    assert counts.summary() == "2 machine, 1 reviewed, 1 official"


def test_an_unknown_status_is_a_problem() -> None:
    counts = review.count(_catalog(["review: checked"]))
    assert counts.problems and "review status must be one of" in counts.problems[0]


def test_the_status_survives_an_update(tmp_path: Path) -> None:
    config = catalogs.load_config(ROOT)
    registry = catalogs.registry_for(config)
    copy = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", copy, ignore=shutil.ignore_patterns("*.mo"))
    po = copy / "so" / "LC_MESSAGES" / "messages.po"
    catalog = read_po(po.open("rb"), locale="so")
    catalog.get("Skriv under").user_comments = ["review: reviewed by Amina Yusuf 2026-12-04"]
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=False)
    po.write_bytes(buffer.getvalue())

    catalogs.update(config, registry, catalogs.extract_all(config), copy)
    again = read_po(po.open("rb"), locale="so")
    assert review.status_of(again.get("Skriv under")) == "reviewed"

    result = CliRunner().invoke(i18n_command, ["check", "--translations", str(copy)])
    assert re.search(r"ok   review    so     \d+ machine, 1 reviewed, 0 official", result.output)


def test_check_reports_counts_per_locale() -> None:
    result = CliRunner().invoke(i18n_command, ["check"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if " review " in line]
    assert len(lines) == 18 and all(re.search(r"\d+ machine, \d+ reviewed, \d+ official", x)
                                    for x in lines)


def test_the_samtyckestexter_page_shows_the_counts(app: Flask) -> None:
    world = build_world()
    admin = Browser(app.test_client())
    admin.login(world.email("samverkansadmin"), PASSWORD)
    page = admin.get(f"/forbund/{world.forbund_a.id}/samtyckestexter").get_data(as_text=True)
    block = page[page.index('id="review-status"'):]
    assert "Granskning av översättningarna" in block
    machine = review.catalog_counts(ROOT / "translations" / "ku" / "LC_MESSAGES"
                                    / "messages.po").counts["machine"]
    assert re.search(rf'data-locale="ku">.*?<td>{machine}</td><td>0</td><td>0</td>', block)


def _string_count(locale: str) -> int:
    """How many strings the consent texts ``locale`` shows now have (the empty heading not)."""
    shown = (consent_po.current(default_forms_dir(), t, locale) for t in consent_po.TEXTS)
    return sum(1 for text in shown if text is not None for _, sv, _ in text.strings() if sv)


def _review_one_fk_string(translations: Path, locale: str) -> int:
    """Mark one string of ``locale``'s FK 9443 text reviewed; the count of its strings."""
    text = consent_po.current(default_forms_dir(), FK_TEXT, locale)
    assert text is not None
    strings = [(where, tr) for where, sv, tr in text.strings() if sv]
    where, value = strings[2]
    consent_review.record(translations, locale, FK_TEXT, {where: value},
                          by="Amina Yusuf", date="2026-12-04")
    return _string_count(locale)


def test_consent_text_counts_per_locale(tmp_path: Path) -> None:
    (tmp_path / "so").mkdir()
    total = _review_one_fk_string(tmp_path, "so")
    counts = consent_review.text_counts(default_forms_dir(), tmp_path, "so")
    assert counts.counts == {"machine": total - 1, "reviewed": 1}
    assert counts.problems == []
    # Nothing reviewed: every string machine; a reviewed wording that changed is machine again.
    assert consent_review.text_counts(default_forms_dir(), tmp_path, "ku").counts == {
        "machine": _string_count("ku")}
    (tmp_path / "so" / consent_review.FILE).write_text(
        (tmp_path / "so" / consent_review.FILE).read_text(encoding="utf-8")
        .replace('sha256 = "', 'sha256 = "0'), encoding="utf-8")
    assert consent_review.text_counts(default_forms_dir(), tmp_path, "so").counts == {
        "machine": total}
    (tmp_path / "so" / consent_review.FILE).write_text("[[string]\n", encoding="utf-8")
    broken = consent_review.text_counts(default_forms_dir(), tmp_path, "so")
    assert broken.problems and broken.counts == {"machine": total}


def test_the_samtyckestexter_page_shows_the_consent_texts_status(database_url: str,
                                                                  tmp_path: Path) -> None:
    copy = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", copy)
    total = _review_one_fk_string(copy, "so")
    app = make_app(database_url, tmp_path / "data", BABEL_TRANSLATION_DIRECTORIES=str(copy))
    with tables_of(app):
        world = build_world()
        admin = Browser(app.test_client())
        admin.login(world.email("samverkansadmin"), PASSWORD)
        page = admin.get(f"/forbund/{world.forbund_a.id}/samtyckestexter").get_data(
            as_text=True)
        block = page[page.index('id="review-status"'):]
        assert "Samtyckestexterna" in block
        row = re.search(r'<tr data-locale="so">(.*?)</tr>', block, re.S)
        assert row and f"{total} strängar: {total - 1} maskin, 1 granskad" in row.group(1)
        ku = re.search(r'<tr data-locale="ku">(.*?)</tr>', block, re.S)
        assert ku and re.search(r"(\d+) strängar: \1 maskin<", ku.group(1))
