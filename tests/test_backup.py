"""A backup and a restore into a new database and data directory give back every record and
every PDF, and both verifications pass afterwards."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from formapp.cli import cli
from formapp.documents.envelope import is_envelope
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.protection.current import check_keys
from formapp.records.audit import log_event
from formapp.records.models import Registration
from tests.archives import (  # noqa: F401 (each_archive: the archive_config fixture)
    NEXT_BACKEND,
    each_archive,
)
from tests.conftest import make_app
from tests.web.registration_helpers import PNR_KVINNA, register_one
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import build_world


def _table_rows() -> dict[str, list[tuple]]:
    """Every row; the database archive's documents are compared as documents instead."""
    return {t.name: sorted(map(tuple, db.session.execute(sa.select(t)).all()), key=repr)
            for t in db.metadata.sorted_tables if t.name not in ("archive_blob", "archive_tail")}


def _documents() -> dict[str, bytes]:
    archive = evidence().archive
    return {digest: archive.read(digest) for digest in archive.digests()}


def test_backup_and_restore_round_trip(app: Flask, database_url: str, tmp_path: Path,
                                       archive_config: dict[str, object]) -> None:
    """Run over each archive backend, and restored into the other one: a backup is the
    same files whichever backend wrote it."""
    world = build_world()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "ar"))
    consent_url = hand_back(browser)
    browser.get(consent_url)
    browser.post(f"{consent_url}/aterkalla", {"reason": "Ringde och återkallade.",
                                              "bekraftat": "1"})
    # A registration its withdrawal ended (reason 6): rows the consent gate guards.
    registration = db.session.get(Registration, register_one(app, world, PNR_KVINNA))
    browser.post(f"/samtycken/{registration.consent_id}/aterkalla", {"reason": "Återkallat.",
                                                                      "bekraftat": "1"})
    log_event(actor=world.users["samverkansadmin"], action="test", subject="backup")
    db.session.commit()
    check_keys()  # what every start does: the keys' check values are in the database
    runner = app.test_cli_runner()
    out = tmp_path / "backup"
    result = runner.invoke(cli, ["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["backup", "--out", str(out)]).exit_code != 0  # never overwrite
    before = _table_rows()
    documents = _documents()
    pdfs = sorted(p.name for p in (out / "archive").rglob("*.pdf"))
    # Two consents, two withdrawal receipts, the FK 9448 and the FK 9449 of the ending.
    assert len(pdfs) == 6 and sorted(documents) == [name[:-4] for name in pdfs]
    encrypted = bool(archive_config.get("FORMAPP_ARCHIVE_ENCRYPTION"))
    # An encrypted archive stays encrypted in the backup (and the backup has no keys).
    assert all(is_envelope(p.read_bytes()) is encrypted for p in (out / "archive").rglob("*.pdf"))

    # A new data directory and an empty database (SQLite: a new file; PostgreSQL: emptied).
    if database_url.startswith("sqlite"):
        target_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        target_url = database_url
        for table in reversed(db.metadata.sorted_tables):
            # Their triggers refuse DELETE.
            if table.name in ("audit_entry", "archive_blob", "archive_tail"):
                db.session.execute(sa.text(f"TRUNCATE {table.name}"))
            else:
                db.session.execute(table.delete())
        db.session.commit()
    # The backup holds no data keys: without the old installation's, nothing is restored.
    keyless = make_app(target_url, tmp_path / "keyless-data")
    with keyless.app_context():
        db.create_all()
        result = keyless.test_cli_runner().invoke(cli, ["restore", str(out)])
        assert result.exit_code != 0 and "data_keys" in result.output, result.output
        assert db.session.execute(sa.select(sa.func.count()).select_from(
            db.metadata.tables["forbund"])).scalar() == 0
        db.session.remove()
        db.engine.dispose()
    assert not (out / "secrets" / "data_keys").exists()
    (tmp_path / "restored-data").mkdir()
    shutil.copy2(Path(app.config["FORMAPP_DATA_DIR"]) / "data_keys",
                 tmp_path / "restored-data" / "data_keys")  # kept apart, put back by hand
    # Into the other backend, with encryption the other way round: envelopes come back as
    # they were, plain documents are encrypted when the target encrypts.
    other_backend = {"FORMAPP_ARCHIVE_BACKEND": NEXT_BACKEND[str(archive_config.get(
        "FORMAPP_ARCHIVE_BACKEND", "local"))], "FORMAPP_ARCHIVE_ENCRYPTION": not encrypted}
    restored = make_app(target_url, tmp_path / "restored-data", **other_backend)
    with restored.app_context():
        db.create_all()
        runner = restored.test_cli_runner()
        result = runner.invoke(cli, ["restore", str(out)])
        assert result.exit_code == 0, result.output
        assert _table_rows() == before
        assert _documents() == documents
        archive = evidence().archive
        assert all(archive.is_encrypted(digest) for digest in documents)
        if archive.backend == "local":
            assert sorted(p.name for p in (tmp_path / "restored-data" / "archive")
                          .rglob("*.pdf")) == pdfs
        verify = runner.invoke(cli, ["verify", "--all"])
        assert verify.exit_code == 0, verify.output
        audit = runner.invoke(cli, ["audit", "verify"])
        assert audit.exit_code == 0, audit.output
        again = runner.invoke(cli, ["restore", str(out)])
        assert again.exit_code != 0 and "not empty" in again.output
        db.session.remove()
        db.engine.dispose()


def test_a_damaged_backup_is_refused(app: Flask, tmp_path: Path) -> None:
    build_world()
    out = tmp_path / "backup"
    app.test_cli_runner().invoke(cli, ["backup", "--out", str(out)])
    table = out / "db" / "forbund.jsonl"
    table.write_text(table.read_text().replace("Förbund A", "Förbund X"))
    result = app.test_cli_runner().invoke(cli, ["restore", str(out)])
    assert result.exit_code != 0 and "damaged" in result.output
