"""What formapp writes to disk is its own: files 0600 (or read-only 0400), folders 0700, and a
backup never carries the data keys."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from flask import Flask

from formapp.cli import cli
from formapp.extensions import db
from formapp.protection.current import keyring
from tests.archives import ARCHIVES
from tests.conftest import make_app
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import build_world


def _shared_with_others(root: Path) -> list[str]:
    """Every file or folder under ``root`` (itself included) that group or others may use."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(root.parent)} {oct(mode)}")
    return found


@pytest.mark.parametrize("archive_config", [ARCHIVES["local"], ARCHIVES["local-encrypted"]],
                         ids=["plain", "encrypted"])
def test_the_data_directory_and_a_backup_are_private(app: Flask, tmp_path: Path) -> None:
    world = build_world()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "sv"))
    hand_back(browser)
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["audit", "verify"]).exit_code == 0
    data_dir = Path(app.config["FORMAPP_DATA_DIR"])
    archive = data_dir / "archive"
    assert any(archive.glob("??/??/*.pdf")) and any(archive.glob("audit-checkpoints/*.p7m"))
    if app.config["FORMAPP_ARCHIVE_ENCRYPTION"]:  # no sealed PDF readable without the keys
        assert not any(p.read_bytes().startswith(b"%PDF") for p in archive.glob("??/??/*.pdf"))
    assert _shared_with_others(data_dir) == []

    out = tmp_path / "backup"
    result = runner.invoke(cli, ["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _shared_with_others(out) == []
    assert any(out.glob("audit-checkpoints/*.p7m"))  # the trail's checkpoints travel with it
    assert not (out / "secrets" / "data_keys").exists()
    ring = keyring()
    contents = [p.read_bytes() for p in out.rglob("*") if p.is_file()]
    if app.config["FORMAPP_ARCHIVE_ENCRYPTION"]:
        assert not any(p.read_bytes().startswith(b"%PDF") for p in out.rglob("*.pdf"))
    for key in (*ring.data_keys.values(), *ring.lookup_keys.values()):
        assert not any(base64.b64encode(key) in data or key in data for data in contents)


def test_a_new_sqlite_database_file_is_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    app = make_app(f"sqlite:///{data_dir / 'formapp.sqlite3'}", data_dir)
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    assert (data_dir / "formapp.sqlite3").stat().st_size > 0
    assert _shared_with_others(data_dir) == []
