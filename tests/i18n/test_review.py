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

from formapp.i18n import catalogs, review
from formapp.i18n.cli import i18n_command
from formapp.webclient import Browser
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
