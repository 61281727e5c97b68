"""``formapp archive renew`` on a real consent, on each archive backend (``tests.archives``):
sealed with a timestamp from an HTTP TSA, renewed with a document timestamp, the record's
binding hash unchanged, the whole document's recorded and audited, ``formapp verify --all``
content before and after. The renewal is a write-once tail of the document in either
backend, encrypted at rest like it when encryption is on; it goes into backups and exports,
is re-wrapped and encrypted with the document, and goes with it at disposal."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from flask import Flask
from sqlalchemy import select

from formapp.archive_check import verify_all
from formapp.cases.renewal import renew
from formapp.cli import cli
from formapp.documents.archive import sha256_hex
from formapp.documents.envelope import is_envelope, parse
from formapp.documents.long_term import proof_parts
from formapp.documents.pdfa import pdfa3b_violations
from formapp.evidence import EXTENSION_KEY, evidence
from formapp.extensions import db
from formapp.protection.current import check_keys, forget_keyring
from formapp.records.models import ArchivedDocument, ArchiveTail, AuditEntry, Consent
from tests.archives import (  # noqa: F401 (each_archive: the archive_config fixture)
    NEXT_BACKEND,
    S3,
    each_archive,
    put_back_trigger,
    s3_client,
)
from tests.conftest import make_app, tables_of
from tests.documents.pki import Pki, serve_timestamps
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import build_world

LONG_AGO = datetime.now(UTC).date() - timedelta(days=11 * 366)


@pytest.fixture
def renewing_app(database_url: str, tmp_path: Path,
                 archive_config: dict[str, object]) -> Iterator[Flask]:
    pki = Pki(seal_valid=timedelta(days=1))  # only its root and TSA serve here
    with serve_timestamps(pki.timestamper("Test TSA", timedelta(days=10))) as url:
        data_dir = tmp_path / "data"
        app = make_app(database_url, data_dir, FORMAPP_TSA_URL=url, **archive_config)
        # The dev seal's CA and the TSA's root: FORMAPP_TRUST_ROOTS holds both in production.
        roots = tmp_path / "roots.pem"
        roots.write_bytes((data_dir / "keys" / "ca.pem").read_bytes()
                          + pki.root[1].public_bytes(serialization.Encoding.PEM))
        app.config["FORMAPP_TRUST_ROOTS"] = str(roots)
        with tables_of(app):
            yield app


def renewed_consent(app: Flask) -> tuple[Consent, bytes]:
    """A consent signed on the tablet and renewed once; its PDF as sealed."""
    world = build_world()
    db.session.commit()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "sv"))
    consent = db.session.scalar(select(Consent))
    sealed = evidence().archive.read(consent.pdf_sha256)
    (done,) = renew(proof_parts(sealed).expires + timedelta(days=1))
    assert done.until is not None, done.problem
    db.session.expire_all()
    return consent, sealed


def reconfigure(app: Flask, **settings: object) -> None:
    """As a restart with other settings does: the archive is built again from them."""
    app.config.update(settings)
    app.extensions.pop(EXTENSION_KEY, None)
    forget_keyring()


def _refused(statement: str, **params: object) -> str:
    with pytest.raises(sa.exc.DBAPIError) as caught, db.session.begin_nested():
        db.session.execute(sa.text(statement), params)
    return str(caught.value)


def test_renew_appends_a_document_timestamp_and_keeps_the_binding(
        renewing_app: Flask, archive_config: dict[str, object], tmp_path: Path) -> None:
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
    # The sealed first revision is stored as it was; the renewal is its tail number 1, kept
    # as the document is (an envelope of its own when the archive encrypts).
    assert archive.at_rest.unpack(archive.read_at_rest(record.sha256), record.sha256) == sealed
    (name,) = archive.tail_names(record.sha256)
    assert name == f"{record.sha256}.1.tail"
    encrypted = bool(archive_config.get("FORMAPP_ARCHIVE_ENCRYPTION"))
    stored_tail = archive.read_tail_at_rest(name)
    assert is_envelope(stored_tail) is encrypted
    assert archive.is_encrypted(record.sha256) is encrypted
    assert archive.at_rest.unpack_part(stored_tail) == renewed[len(sealed):]
    if encrypted:
        assert renewed[len(sealed):] not in stored_tail
    assert [t.document for t in proof_parts(renewed).timestamps] == [False, True]
    assert pdfa3b_violations(renewed) == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "archive.renewed"))
    assert entry.subject == f"document:{record.sha256}"
    # The download page and `formapp archive export` give the renewed plain PDF.
    hand_back(browser)
    assert browser.get(f"/samtycken/{consent.id}/pdf").get_data() == renewed
    runner = renewing_app.test_cli_runner()
    out = tmp_path / "export.pdf"
    exported = runner.invoke(cli, ["archive", "export", consent.id, "--out", str(out)])
    assert exported.exit_code == 0 and "renewed" in exported.output, exported.output
    assert out.read_bytes() == renewed

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
    if archive.backend == "local":
        tail = Path(archive.location(record.sha256)).with_name(name)
        tail.chmod(0o600)
        tail.unlink()
    elif archive.backend == "s3":  # the store refuses; a delete marker only hides it
        client, bucket = s3_client(), renewing_app.config["FORMAPP_ARCHIVE_S3_BUCKET"]
        key = f"archive/{name}"
        version = client.head_object(Bucket=bucket, Key=key)["VersionId"]
        with pytest.raises(ClientError) as refused:
            client.delete_object(Bucket=bucket, Key=key, VersionId=version)
        assert refused.value.response["Error"]["Code"] == "AccessDenied"
        client.delete_object(Bucket=bucket, Key=key)
    else:  # the database refuses; only someone who drops its triggers gets there
        where = {"d": record.sha256}
        assert "only after its archived_document" in _refused(
            "DELETE FROM archive_tail WHERE sha256 = :d", **where)
        assert "write-once" in _refused(
            "UPDATE archive_tail SET body = :b WHERE sha256 = :d", b=b"x", **where)
        assert "write-once" in _refused(
            "UPDATE archive_tail SET n = 2 WHERE sha256 = :d", **where)
        postgres = db.engine.dialect.name == "postgresql"
        dropped = "archive_tail_write_once" if postgres else "archive_tail_no_delete"
        db.session.execute(sa.text(f"DROP TRIGGER {dropped}"
                                   + (" ON archive_tail" if postgres else "")))
        db.session.execute(sa.text("DELETE FROM archive_tail WHERE sha256 = :d"), where)
        db.session.commit()
    try:
        problems = [f.message for f in verify_all(recover_older_than=0) if not f.ok]
        assert any("renewed document" in p for p in problems), problems
        if archive.backend == "database":
            assert any(dropped in p and "missing" in p for p in problems), problems
    finally:
        if archive.backend == "database":
            put_back_trigger("archive_tail", dropped)


def test_a_renewed_document_is_backed_up_restored_and_disposed_of_with_its_renewal(
        renewing_app: Flask, archive_config: dict[str, object], database_url: str,
        tmp_path: Path) -> None:
    """Backed up as the PDF and its tail files whatever the backend; restored into the other
    backend with encryption the other way round; disposed of with its tail."""
    consent, _ = renewed_consent(renewing_app)
    archive = evidence().archive
    renewed = archive.read(consent.pdf_sha256)
    check_keys()
    runner = renewing_app.test_cli_runner()
    out = tmp_path / "backup"
    result = runner.invoke(cli, ["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    encrypted = bool(archive_config.get("FORMAPP_ARCHIVE_ENCRYPTION"))
    (tail_file,) = (out / "archive").rglob("*.tail")
    assert tail_file.name == f"{consent.pdf_sha256}.1.tail"
    assert tail_file.parent == next((out / "archive").rglob(f"{consent.pdf_sha256}.pdf")).parent
    assert is_envelope(tail_file.read_bytes()) is encrypted
    assert tail_file.read_bytes() == archive.read_tail_at_rest(tail_file.name)

    if database_url.startswith("sqlite"):
        target_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        target_url = database_url
        for table in reversed(db.metadata.sorted_tables):
            if table.name in ("audit_entry", "archive_blob", "archive_tail"):
                db.session.execute(sa.text(f"TRUNCATE {table.name}"))  # triggers refuse DELETE
            else:
                db.session.execute(table.delete())
        db.session.commit()
    (tmp_path / "restored-data").mkdir()
    shutil.copy2(Path(renewing_app.config["FORMAPP_DATA_DIR"]) / "data_keys",
                 tmp_path / "restored-data" / "data_keys")
    other = {"FORMAPP_ARCHIVE_BACKEND": NEXT_BACKEND[archive.backend],
             "FORMAPP_ARCHIVE_ENCRYPTION": not encrypted}
    restored = make_app(target_url, tmp_path / "restored-data", **other)
    restored.config["FORMAPP_TRUST_ROOTS"] = renewing_app.config["FORMAPP_TRUST_ROOTS"]
    with restored.app_context():
        db.create_all()
        runner = restored.test_cli_runner()
        result = runner.invoke(cli, ["restore", str(out)])
        assert result.exit_code == 0, result.output
        archive = evidence().archive
        assert archive.backend == other["FORMAPP_ARCHIVE_BACKEND"]
        assert archive.read(consent.pdf_sha256) == renewed
        assert archive.tail_names(consent.pdf_sha256) == [tail_file.name]
        # An envelope comes back as it was; a plain tail is encrypted as the target encrypts.
        assert archive.is_encrypted(consent.pdf_sha256)
        verify = runner.invoke(cli, ["verify", "--all"])
        assert verify.exit_code == 0 and "renewed" in verify.output, verify.output

        # Eleven years on, unused: retention disposes of the document and its renewal.
        db.session.execute(sa.update(Consent).values(signed_on=LONG_AGO))
        db.session.commit()
        disposed = runner.invoke(cli, ["retention", "run"])
        assert disposed.exit_code == 0 and "Disposed of 1 consents" in disposed.output, \
            disposed.output
        db.session.expire_all()
        assert not archive.exists(consent.pdf_sha256)
        assert archive.tail_names(consent.pdf_sha256) == []
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ArchiveTail)) == 0
        assert not list((tmp_path / "restored-data").rglob("*.tail"))
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("archive_config", [{}, {"FORMAPP_ARCHIVE_BACKEND": "database"}, S3],
                         ids=["local", "database", "s3"])
def test_encrypting_the_archive_and_rotating_the_key_cover_the_renewals(
        renewing_app: Flask) -> None:
    """Renewed while the archive was plain: `formapp archive encrypt` encrypts the tail too,
    and `formapp rotate-key` re-wraps its key with the document's."""
    consent, _ = renewed_consent(renewing_app)
    digest = consent.pdf_sha256
    renewed = evidence().archive.read(digest)
    (name,) = evidence().archive.tail_names(digest)
    assert not is_envelope(evidence().archive.read_tail_at_rest(name))

    reconfigure(renewing_app, FORMAPP_ARCHIVE_ENCRYPTION=True)
    runner = renewing_app.test_cli_runner()
    encrypted = runner.invoke(cli, ["archive", "encrypt"])
    assert encrypted.exit_code == 0 and "1 encrypted" in encrypted.output, encrypted.output
    archive = evidence().archive
    db.session.expire_all()
    stored = archive.read_tail_at_rest(name)
    assert is_envelope(stored) and archive.is_encrypted(digest)
    assert archive.read(digest) == renewed
    again = runner.invoke(cli, ["archive", "encrypt"])
    assert "0 encrypted, 1 were already" in again.output, again.output

    old_key = parse(stored).key_id
    rotated = runner.invoke(cli, ["rotate-key", "--new-data-key"])
    assert rotated.exit_code == 0 and "archive: 1 document keys re-wrapped" in rotated.output, \
        rotated.output
    db.session.expire_all()
    stored_after = archive.read_tail_at_rest(name)
    assert parse(stored_after).key_id != old_key
    assert parse(stored_after).body == parse(stored).body  # re-wrapped, not re-encrypted
    assert archive.read(digest) == renewed
    verify = runner.invoke(cli, ["verify", "--all"])
    assert verify.exit_code == 0, verify.output


@pytest.mark.parametrize("archive_config", [{}, {"FORMAPP_ARCHIVE_ENCRYPTION": True}],
                         ids=["local", "local-encrypted"])
def test_a_crash_between_a_renewal_and_its_tail_is_finished_or_undone(
        renewing_app: Flask) -> None:
    """On disk a renewal waits in staging until its record commits: a crash after the commit
    leaves it there (maintenance promotes it), one before leaves a tail no record has (it goes)."""
    consent, sealed = renewed_consent(renewing_app)
    digest = consent.pdf_sha256
    archive = evidence().archive
    renewed = archive.read(digest)
    (name,) = archive.tail_names(digest)
    tail = Path(archive.location(digest)).with_name(name)
    staged = Path(archive.location(digest)).parents[2] / ".staging" / name
    tail.rename(staged)  # as if the process died after the commit, before the promotion
    assert archive.read(digest) == sealed
    findings = verify_all(recover_older_than=0)
    assert any(f.ok and "its renewal had committed" in f.message for f in findings), findings
    assert all(f.ok for f in findings), [f for f in findings if not f.ok]
    assert archive.read(digest) == renewed and not staged.exists()

    # A renewal whose record never committed: its staged tail is dropped.
    (staged.parent / f"{digest}.2.tail").write_bytes(archive.read_tail_at_rest(name))
    findings = verify_all(recover_older_than=0)
    assert any("dropped an unfinished renewal" in f.message for f in findings), findings
    assert archive.tail_names(digest) == [name] and archive.read(digest) == renewed
