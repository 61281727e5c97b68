"""A process killed while it seals and archives a consent leaves no orphan and loses nothing:
after recovery, a consent exists exactly when its PDF does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from formapp.archive_check import verify_all
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.models import ArchivedDocument, Consent
from tests.archives import each_archive  # noqa: F401 (archive_config: each archive)
from tests.web.test_consent_flow import officer, read_url, start
from tests.world import build_world

ROOT = Path(__file__).resolve().parents[1]

# The child signs the consent of a draft and commits; FAULT says where it dies (os._exit: no
# cleanup, no rollback, as a kill -9 or a power cut).
CHILD = textwrap.dedent("""
    import os, sys, json, math
    from pathlib import Path
    from formapp.cases.consent import sign_consent
    from formapp.documents.archive import Archive
    from formapp.documents.archive_db import DatabaseArchive
    from formapp.extensions import db
    from formapp.records.consents import draft_by_token
    from formapp.records.signatures import parse_signature
    from tests.conftest import make_app

    url, data_dir, secret, token, fault, settings = sys.argv[1:7]
    settings = json.loads(settings)
    if settings.get("FORMAPP_ARCHIVE_BACKEND") == "database":
        Archive = DatabaseArchive  # the same faults at the same steps of the other backends
    elif settings.get("FORMAPP_ARCHIVE_BACKEND") == "s3":
        from formapp.documents.archive_s3 import S3Archive as Archive
    def die(*_a, **_k):
        os._exit(9)
    real_stage, real_promote = Archive.stage, Archive.promote
    if fault == "before_stage":
        Archive.stage = die
    elif fault == "after_stage":
        def stage_then_die(self, data):
            real_stage(self, data); os._exit(9)
        Archive.stage = stage_then_die
    elif fault == "after_commit":
        Archive.promote = die
    elif fault == "before_link":  # the sealed PDF written in full, not yet in staging
        os.link = die
    app = make_app(url, Path(data_dir), SECRET_KEY=secret, **settings)
    with app.app_context():
        draft = draft_by_token(token)
        stroke = [[0.1 + 0.8 * i / 39, 0.5 + 0.3 * math.sin(i / 2)] for i in range(40)]
        signature = parse_signature(json.dumps({"aspect": 3, "strokes": [stroke]}))
        sign_consent(draft, locale="sv", name="Kraschad Testperson", signature=signature,
                     confirmed_read=True)
        db.session.commit()
    os._exit(0)
""")


def count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("fault, committed", [
    ("before_stage", False), ("before_link", False), ("after_stage", False),
    ("after_commit", True), ("none", True)])
def test_a_kill_during_sealing_and_archiving(app: Flask, database_url: str, fault: str,
                                             committed: bool,
                                             archive_config: dict[str, object]) -> None:
    """On each archive backend. The database's has no file to link: its document is written
    in the record's transaction, so a kill before the commit keeps neither."""
    if fault == "before_link" and archive_config.get("FORMAPP_ARCHIVE_BACKEND") in (
            "database", "s3"):
        pytest.skip("only the local backend links a file")
    world = build_world()
    browser = officer(app, world)
    token = read_url(start(browser, world), "sv").split("/")[-2]
    evidence()  # the seal key exists before the child starts
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, database_url, str(app.config["FORMAPP_DATA_DIR"]),
         app.config["SECRET_KEY"], token, fault, json.dumps(archive_config)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert child.returncode == (0 if fault == "none" else 9), child.stderr[-2000:]

    findings = verify_all(recover_older_than=0)  # what `formapp verify --all` does first
    assert all(f.ok for f in findings), [f for f in findings if not f.ok]
    assert count(Consent) == (1 if committed else 0)
    assert count(ArchivedDocument) == (1 if committed else 0)
    archive = evidence().archive
    assert list(archive.staged()) == []  # nothing left half-done
    data_dir = Path(app.config["FORMAPP_DATA_DIR"])
    assert [p.name for p in data_dir.rglob(".incoming-*")] == []
    files = list(archive.digests())
    if committed:
        consent = db.session.scalar(select(Consent))
        assert files == [consent.pdf_sha256]
        assert evidence().check(archive.read(consent.pdf_sha256)).ok
    else:
        assert files == []
