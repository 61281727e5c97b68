"""``formapp archive renew`` on a real consent: sealed with a timestamp from an HTTP TSA,
renewed with a document timestamp, the record's binding hash unchanged, the whole document's
recorded and audited, and ``formapp verify --all`` content before and after."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from flask import Flask
from sqlalchemy import select

from formapp.archive_check import verify_all
from formapp.documents.archive import sha256_hex
from formapp.documents.long_term import proof_parts
from formapp.documents.pdfa import pdfa3b_violations
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.models import ArchivedDocument, AuditEntry, Consent
from formapp.records.renewal import renew
from tests.conftest import make_app, tables_of
from tests.documents.pki import Pki, serve_timestamps
from tests.web.test_consent_flow import officer, read_url, sign, start
from tests.world import build_world


@pytest.fixture
def renewing_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    pki = Pki(seal_valid=timedelta(days=1))  # only its root and TSA serve here
    with serve_timestamps(pki.timestamper("Test TSA", timedelta(days=10))) as url:
        data_dir = tmp_path / "data"
        app = make_app(database_url, data_dir, FORMAPP_TSA_URL=url)
        # The dev seal's CA and the TSA's root: FORMAPP_TRUST_ROOTS holds both in production.
        roots = tmp_path / "roots.pem"
        roots.write_bytes((data_dir / "keys" / "ca.pem").read_bytes()
                          + pki.root[1].public_bytes(serialization.Encoding.PEM))
        app.config["FORMAPP_TRUST_ROOTS"] = str(roots)
        with tables_of(app):
            yield app


def test_renew_appends_a_document_timestamp_and_keeps_the_binding(renewing_app: Flask) -> None:
    world = build_world()
    db.session.commit()
    browser = officer(renewing_app, world)
    sign(browser, read_url(start(browser, world), "sv"))
    consent = db.session.scalar(select(Consent))
    archive = evidence().archive
    sealed = archive.read(consent.pdf_sha256)
    assert len(proof_parts(sealed).timestamps) == 1  # B-T, with its DSS
    assert all(f.ok for f in verify_all(recover_older_than=0)), verify_all()

    lapses = proof_parts(sealed).expires
    assert renew(lapses - timedelta(days=1)) == []  # not due yet
    (done,) = renew(lapses + timedelta(days=1))
    assert done.until is not None and done.sha256 == consent.pdf_sha256

    db.session.expire_all()
    record = db.session.get(ArchivedDocument, consent.pdf_sha256)
    renewed = archive.read(consent.pdf_sha256)
    assert renewed.startswith(sealed) and record.size == len(sealed)
    assert record.renewed_sha256 == sha256_hex(renewed) and record.renewed_size == len(renewed)
    assert archive.path_for(record.sha256).read_bytes() == sealed  # the sealed file as it was
    assert [t.document for t in proof_parts(renewed).timestamps] == [False, True]
    assert pdfa3b_violations(renewed) == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "archive.renewed"))
    assert entry.subject == f"document:{record.sha256}"

    findings = verify_all(recover_older_than=0)
    assert all(f.ok for f in findings), [f for f in findings if not f.ok]
    proof = next(f for f in findings if record.sha256 in f.message)
    assert "signature timestamp of" in proof.message and "renewed" in proof.message
    # The renewal's own timestamp lapses with its TSA's certificate (10 days here): the next
    # run renews it again before then, and verifying after that date without it fails.
    later = datetime.now(UTC) + timedelta(days=20)
    assert proof_parts(renewed).expires < later
    assert not all(f.ok for f in verify_all(recover_older_than=0, at=later))

    # A renewal taken away (or one the database does not know) is caught.
    tail = archive.tails(record.sha256)[0]
    tail.chmod(0o600)
    tail.unlink()
    problems = [f.message for f in verify_all(recover_older_than=0) if not f.ok]
    assert any("renewed document" in p for p in problems), problems
