"""`formapp maintenance` (and `formapp verify --all`) clear what crashes and abandoned tablets
leave behind: half-written archive files, and consent drafts nobody signed."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from formapp.cases.consent import start_draft
from formapp.cli import cli
from formapp.clock import today
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.models import AuditEntry, Consent, ConsentDraft
from tests.archives import ARCHIVES
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import build_world


def _leave_incoming(folder: os.PathLike[str], name: str, data: bytes) -> None:
    """What a kill -9 between writing a file and linking it into place leaves (an hour ago)."""
    path = os.path.join(folder, name)
    with open(path, "wb") as handle:
        handle.write(data)
    hour_ago = time.time() - 3600
    os.utime(path, (hour_ago, hour_ago))


@pytest.mark.parametrize("archive_config", [ARCHIVES["local"], ARCHIVES["local-encrypted"]],
                         ids=["plain", "encrypted"])
def test_maintenance_finishes_or_removes_half_written_files(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "sv"))
    hand_back(browser)
    consent = db.session.scalar(select(Consent))
    archive = evidence().archive
    plain = archive.read(consent.pdf_sha256)
    committed = archive.read_at_rest(consent.pdf_sha256)  # an envelope when encrypted
    archive.path_for(consent.pdf_sha256).unlink()  # its record committed, the file never moved
    archive.staging.mkdir(parents=True, exist_ok=True)
    _leave_incoming(archive.staging, ".incoming-committed", committed)
    _leave_incoming(archive.staging, ".incoming-unrecorded", committed[:-10] + b"%%EOF other")
    _leave_incoming(archive.path_for(consent.pdf_sha256).parent, ".incoming-partial",
                    committed[:1000])

    result = app.test_cli_runner().invoke(cli, ["maintenance"])
    assert result.exit_code == 0, result.output
    assert "1 completed" in result.output and "2 removed" in result.output
    assert [p.name for p in archive.root.rglob(".incoming-*")] == []
    assert archive.read(consent.pdf_sha256) == plain
    assert archive.read_at_rest(consent.pdf_sha256) == committed
    assert app.test_cli_runner().invoke(cli, ["verify", "--all"]).exit_code == 0


@pytest.mark.parametrize("archive_config", [ARCHIVES["database-encrypted"]], ids=["database"])
def test_the_database_archive_leaves_nothing_to_finish(app: Flask) -> None:
    """Its documents are written in their record's transaction: no staging, no files."""
    world = build_world()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "sv"))
    hand_back(browser)
    result = app.test_cli_runner().invoke(cli, ["maintenance", "--min-age", "0"])
    assert result.exit_code == 0 and "0 finished" in result.output, result.output
    assert "0 completed, 0 removed" in result.output
    assert not (Path(app.config["FORMAPP_DATA_DIR"]) / "archive" / ".staging").exists()


def test_abandoned_drafts_are_purged_after_the_configured_time(app: Flask) -> None:
    app.config["FORMAPP_DRAFT_PURGE_HOURS"] = 24
    world = build_world()
    for pnr in ("191212121212", "198001010027"):  # two tablets' drafts, as the start page
        start_draft(world.insats_a1, world.users["deltagaransvarig"], personnummer=pnr,
                    place="Umeå", today=today())
    db.session.commit()
    old, fresh = db.session.scalars(select(ConsentDraft).order_by(ConsentDraft.id)).all()
    db.session.execute(update(ConsentDraft).where(ConsentDraft.id == old.id)
                       .values(created_at=datetime.now(UTC) - timedelta(hours=25)))
    db.session.commit()

    result = app.test_cli_runner().invoke(cli, ["verify", "--all"])
    assert result.exit_code == 0, result.output
    assert "1 abandoned consent draft" in result.output
    db.session.expire_all()
    assert db.session.scalars(select(ConsentDraft.id)).all() == [fresh.id]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "consent.drafts_purged")) == 1
    again = app.test_cli_runner().invoke(cli, ["maintenance"])
    assert again.exit_code == 0 and "0 abandoned consent drafts" in again.output
