"""The archive behind its storage interface (issue 22) and encrypted at rest (issue 17): each
backend serves, verifies and exports the plain sealed PDF; the database keeps its blobs
write-once itself; plain archives keep working and are encrypted on request; a data key
rotation re-wraps the archive so the old key can go."""

from __future__ import annotations

import base64
import hashlib
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from botocore.exceptions import ClientError
from flask import Flask

from formapp.archive_check import recover_staged
from formapp.cli import cli
from formapp.config import ConfigError, load_config
from formapp.documents.envelope import is_envelope, parse
from formapp.evidence import EXTENSION_KEY, evidence
from formapp.extensions import db
from formapp.protection.current import forget_keyring
from formapp.protection.keyring import (
    DATA_VARIABLE,
    KEY_FILE,
    read_key_file,
    write_key_file,
)
from formapp.records.models import ArchiveBlob, ArchivedDocument, AuditEntry, Consent
from formapp.webclient import Browser
from tests.archives import (  # noqa: F401 (each_archive: the archive_config fixture)
    ARCHIVES,
    S3,
    each_archive,
    new_bucket,
    put_back_trigger,
    s3_client,
    s3_settings,
)
from tests.conftest import make_app
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import build_world


def signed_consent(app: Flask) -> tuple[Consent, Browser]:
    """A consent signed on the tablet; the officer's browser, handed back."""
    world = build_world()
    browser = officer(app, world)
    sign(browser, read_url(start(browser, world), "sv"))
    hand_back(browser)
    return db.session.scalar(sa.select(Consent)), browser


def reconfigure(app: Flask, **settings: object) -> None:
    """As a restart with other settings does: the archive is built again from them."""
    app.config.update(settings)
    app.extensions.pop(EXTENSION_KEY, None)
    forget_keyring()


def local_files(app: Flask) -> list[Path]:
    return sorted((Path(app.config["FORMAPP_DATA_DIR"]) / "archive").glob("??/??/*.pdf"))


def blob_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ArchiveBlob))


def test_each_backend_serves_verifies_and_exports_the_plain_sealed_pdf(
        app: Flask, archive_config: dict[str, object], tmp_path: Path) -> None:
    consent, browser = signed_consent(app)
    digest = consent.pdf_sha256
    archive = evidence().archive
    stored = archive.read_at_rest(digest)
    encrypted = bool(archive_config.get("FORMAPP_ARCHIVE_ENCRYPTION"))
    assert is_envelope(stored) is encrypted and archive.is_encrypted(digest) is encrypted
    if encrypted:  # neither the PDF nor its name and personnummer lie about in clear
        assert not stored.startswith(b"%PDF") and b"Testperson" not in stored
        assert parse(stored).sha256 == digest
    if archive.backend == "database":
        assert local_files(app) == [] and blob_count() == 1
    elif archive.backend == "s3":  # one object, locked by the store for the retention period
        assert local_files(app) == [] and blob_count() == 0
        head = s3_client().head_object(Bucket=app.config["FORMAPP_ARCHIVE_S3_BUCKET"],
                                       Key=f"archive/{digest}.pdf")
        assert head["ObjectLockMode"] == "COMPLIANCE"
        years = app.config["FORMAPP_RETENTION_YEARS"]
        assert head["ObjectLockRetainUntilDate"].year - datetime.now(UTC).year == years
    else:
        assert len(local_files(app)) == 1 and blob_count() == 0

    served = browser.get(f"/samtycken/{consent.id}/pdf").get_data()
    assert served.startswith(b"%PDF") and hashlib.sha256(served).hexdigest() == digest

    runner = app.test_cli_runner()
    verify = runner.invoke(cli, ["verify", "--all"])
    assert verify.exit_code == 0, verify.output
    out = tmp_path / "export.pdf"
    export = runner.invoke(cli, ["archive", "export", consent.id, "--out", str(out)])
    assert export.exit_code == 0, export.output
    assert hashlib.sha256(out.read_bytes()).hexdigest() == digest
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert evidence().check(out.read_bytes()).ok
    assert runner.invoke(cli, ["verify", str(out)]).exit_code == 0
    if archive.backend == "local":  # a file as the archive keeps it, envelope or not
        as_stored = runner.invoke(cli, ["verify", archive.location(digest)])
        assert as_stored.exit_code == 0, as_stored.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "archive.exported")) == 1
    by_digest = runner.invoke(cli, ["archive", "export", digest, "--out", str(out)])
    assert by_digest.exit_code == 0 and out.read_bytes() == served
    unknown = runner.invoke(cli, ["archive", "export", "0" * 64, "--out", str(out)])
    assert unknown.exit_code != 0 and "no archived document" in unknown.output


PLAIN_BACKENDS = pytest.mark.parametrize(
    "archive_config", [{}, {"FORMAPP_ARCHIVE_BACKEND": "database"}, S3],
    ids=["local", "database", "s3"])
ENCRYPTED_BACKENDS = pytest.mark.parametrize(
    "archive_config", [ARCHIVES["local-encrypted"], ARCHIVES["database-encrypted"],
                       ARCHIVES["s3-encrypted"]], ids=["local", "database", "s3"])


@PLAIN_BACKENDS
def test_a_plain_archive_keeps_working_and_is_encrypted_on_request(app: Flask) -> None:
    consent, browser = signed_consent(app)
    digest = consent.pdf_sha256
    runner = app.test_cli_runner()
    refused = runner.invoke(cli, ["archive", "encrypt"])
    assert refused.exit_code != 0 and "FORMAPP_ARCHIVE_ENCRYPTION is off" in refused.output

    reconfigure(app, FORMAPP_ARCHIVE_ENCRYPTION=True)  # turned on later
    verify = runner.invoke(cli, ["verify", "--all"])
    assert verify.exit_code == 0, verify.output
    assert "1 document stored unencrypted" in verify.output
    served = browser.get(f"/samtycken/{consent.id}/pdf").get_data()
    assert hashlib.sha256(served).hexdigest() == digest  # read as it was

    encrypt = runner.invoke(cli, ["archive", "encrypt"])
    assert encrypt.exit_code == 0 and "1 encrypted, 0 were already" in encrypt.output
    db.session.expire_all()
    assert evidence().archive.is_encrypted(digest)
    again = runner.invoke(cli, ["archive", "encrypt"])
    assert again.exit_code == 0 and "0 encrypted, 1 were already" in again.output
    if evidence().archive.backend == "s3":  # a new version; the plain one stays, locked
        client, bucket = s3_client(), app.config["FORMAPP_ARCHIVE_S3_BUCKET"]
        versions = client.list_object_versions(Bucket=bucket, Prefix=f"archive/{digest}.pdf")
        assert {v["IsLatest"]: is_envelope(client.get_object(
            Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])["Body"].read())
            for v in versions["Versions"]} == {True: True, False: False}
    assert browser.get(f"/samtycken/{consent.id}/pdf").get_data() == served
    verify = runner.invoke(cli, ["verify", "--all"])
    assert verify.exit_code == 0 and "unencrypted" not in verify.output, verify.output


@PLAIN_BACKENDS
def test_a_new_document_after_encryption_is_on_is_encrypted_beside_plain_ones(
        app: Flask) -> None:
    first, browser = signed_consent(app)
    reconfigure(app, FORMAPP_ARCHIVE_ENCRYPTION=True)
    browser.post(f"/samtycken/{first.id}/aterkalla", {"reason": "Ringde och återkallade.",
                                                       "bekraftat": "1"})
    db.session.expire_all()
    digest = db.session.get(Consent, first.id).withdrawal_pdf_sha256  # the receipt's PDF
    archive = evidence().archive
    assert archive.is_encrypted(digest) and not archive.is_encrypted(first.pdf_sha256)
    verify = app.test_cli_runner().invoke(cli, ["verify", "--all"])
    assert verify.exit_code == 0 and "1 document stored unencrypted" in verify.output


@ENCRYPTED_BACKENDS
def test_a_changed_or_unopenable_encrypted_document_fails_verify(app: Flask) -> None:
    consent, _ = signed_consent(app)
    digest = consent.pdf_sha256
    archive = evidence().archive
    stored = bytearray(archive.read_at_rest(digest))
    stored[-50] ^= 1
    if archive.backend == "local":
        path = Path(archive.location(digest))
        path.chmod(0o600)
        path.write_bytes(bytes(stored))
        expected = "changed or cut short"
    elif archive.backend == "s3":
        # The lock keeps the written version; someone who may write to the bucket can still
        # put a newer version on top, which is what a read gets: verify finds it changed.
        s3_client().put_object(Bucket=app.config["FORMAPP_ARCHIVE_S3_BUCKET"],
                               Key=f"archive/{digest}.pdf", Body=bytes(stored))
        expected = "changed or cut short"
    else:  # the database refuses a changed body, not a changed header (a re-wrap's)
        fields = parse(bytes(stored)).fields
        fields["wrapped_key"] = base64.b64encode(bytes(48)).decode()
        db.session.execute(sa.update(ArchiveBlob).where(ArchiveBlob.sha256 == digest)
                           .values(envelope=json.dumps(fields)))
        db.session.commit()
        expected = "does not open with data key"
    verify = app.test_cli_runner().invoke(cli, ["verify", "--all"])
    assert verify.exit_code == 1 and expected in verify.output, verify.output


def _refused(statement: str, **params: object) -> str:
    with pytest.raises(sa.exc.DBAPIError) as caught, db.session.begin_nested():
        db.session.execute(sa.text(statement), params)
    return str(caught.value)


@pytest.mark.parametrize("archive_config", [{"FORMAPP_ARCHIVE_BACKEND": "database"}],
                         ids=["database"])
def test_the_database_keeps_archive_blobs_write_once(app: Flask) -> None:
    consent, _ = signed_consent(app)
    digest = consent.pdf_sha256
    where = {"d": digest}
    assert "write-once" in _refused("UPDATE archive_blob SET body = :b WHERE sha256 = :d",
                                    b=b"%PDF-other", **where)
    assert "write-once" in _refused("UPDATE archive_blob SET sha256 = :n WHERE sha256 = :d",
                                    n="0" * 64, **where)
    assert "only after its archived_document" in _refused(
        "DELETE FROM archive_blob WHERE sha256 = :d", **where)

    reconfigure(app, FORMAPP_ARCHIVE_ENCRYPTION=True)
    assert evidence().archive.encrypt_plain(digest)  # plain → envelope: allowed, once
    db.session.commit()
    assert "write-once" in _refused(
        "UPDATE archive_blob SET envelope = NULL WHERE sha256 = :d", **where)
    assert "write-once" in _refused(
        "UPDATE archive_blob SET body = :b WHERE sha256 = :d", b=b"x", **where)
    assert "write-once" in _refused(
        "UPDATE archive_blob SET envelope = :e, body = :b WHERE sha256 = :d",
        e='{"alg": "AES-256-GCM"}', b=b"x", **where)
    assert evidence().check(evidence().archive.read(digest)).ok

    # A blob no record names (never the app's doing) may go: the erasure path's rule.
    db.session.execute(sa.text("INSERT INTO archive_blob (sha256, body, stored_at) "
                               "VALUES (:d, :b, CURRENT_TIMESTAMP)"), {"d": "f" * 64, "b": b"x"})
    db.session.execute(sa.text("DELETE FROM archive_blob WHERE sha256 = :d"), {"d": "f" * 64})
    db.session.commit()
    assert blob_count() == 1

    # Someone who may drop the triggers is not stopped by them, but verify says they are gone.
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["verify", "--all"]).exit_code == 0
    drop = "DROP TRIGGER archive_blob_write_once" + (
        " ON archive_blob" if db.engine.dialect.name == "postgresql" else "")
    db.session.execute(sa.text(drop))
    db.session.commit()
    try:
        verify = runner.invoke(cli, ["verify", "--all"])
        assert verify.exit_code == 1 and "archive_blob_write_once" in verify.output, \
            verify.output
    finally:
        put_back_trigger("archive_blob", "archive_blob_write_once")


@ENCRYPTED_BACKENDS
def test_a_data_key_rotation_rewraps_the_archive_and_frees_the_old_key(app: Flask) -> None:
    consent, browser = signed_consent(app)
    digest = consent.pdf_sha256
    old_key = parse(evidence().archive.read_at_rest(digest)).key_id
    runner = app.test_cli_runner()
    rotated = runner.invoke(cli, ["rotate-key", "--new-data-key"])
    assert rotated.exit_code == 0 and "archive: 1 document keys re-wrapped" in rotated.output, \
        rotated.output
    db.session.expire_all()
    stored = evidence().archive.read_at_rest(digest)
    new_key = parse(stored).key_id
    assert new_key != old_key

    key_path = Path(app.config["FORMAPP_DATA_DIR"]) / KEY_FILE
    values = read_key_file(key_path)
    values[DATA_VARIABLE] = values[DATA_VARIABLE].split(",")[0]  # the old key removed
    write_key_file(key_path, values)
    reconfigure(app)
    assert browser.get(f"/samtycken/{consent.id}/pdf").get_data().startswith(b"%PDF")
    verify = runner.invoke(cli, ["verify", "--all"])
    assert verify.exit_code == 0, verify.output


def test_the_archive_settings_and_their_defaults(tmp_path: Path) -> None:
    base = {"FORMAPP_DATA_DIR": str(tmp_path), "FORMAPP_SECRET_KEY": "x" * 40}
    assert load_config(base)["FORMAPP_ARCHIVE_BACKEND"] == "local"
    assert load_config(base)["FORMAPP_ARCHIVE_ENCRYPTION"] is False  # development
    production = {**base, "FORMAPP_ENV": "production"}
    assert load_config(production)["FORMAPP_ARCHIVE_ENCRYPTION"] is True
    assert load_config({**production, "FORMAPP_ARCHIVE_ENCRYPTION": "off"})[
        "FORMAPP_ARCHIVE_ENCRYPTION"] is False
    assert load_config({**base, "FORMAPP_ARCHIVE_BACKEND": "database"})[
        "FORMAPP_ARCHIVE_BACKEND"] == "database"
    with pytest.raises(ConfigError, match="FORMAPP_ARCHIVE_BACKEND"):
        load_config({**base, "FORMAPP_ARCHIVE_BACKEND": "ftp"})
    with pytest.raises(ConfigError, match="FORMAPP_ARCHIVE_S3_BUCKET"):
        load_config({**base, "FORMAPP_ARCHIVE_BACKEND": "s3"})
    s3 = {**base, "FORMAPP_ARCHIVE_BACKEND": "s3", "FORMAPP_ARCHIVE_S3_BUCKET": "archive",
          "FORMAPP_ARCHIVE_S3_ENDPOINT_URL": "https://s3.example.se",
          "FORMAPP_ARCHIVE_S3_PREFIX": "forbund-a/", "FORMAPP_RETENTION_YEARS": "12"}
    config = load_config(s3)
    assert config["FORMAPP_ARCHIVE_S3_LOCK_MODE"] == "COMPLIANCE"
    assert config["FORMAPP_ARCHIVE_S3_LOCK_YEARS"] == 12  # as long as the retention period
    assert config["FORMAPP_ARCHIVE_S3_ACCESS_KEY_ID"] is None  # boto3's credential chain
    assert load_config({**s3, "FORMAPP_ARCHIVE_S3_LOCK_YEARS": "15"})[
        "FORMAPP_ARCHIVE_S3_LOCK_YEARS"] == 15
    with pytest.raises(ConfigError, match="FORMAPP_ARCHIVE_S3_LOCK_MODE"):
        load_config({**s3, "FORMAPP_ARCHIVE_S3_LOCK_MODE": "LEGAL_HOLD"})
    with pytest.raises(ConfigError, match="go together"):
        load_config({**s3, "FORMAPP_ARCHIVE_S3_ACCESS_KEY_ID": "AKIA"})
    with pytest.raises(ConfigError, match="FORMAPP_ARCHIVE_ENCRYPTION"):
        load_config({**base, "FORMAPP_ARCHIVE_ENCRYPTION": "maybe"})


def test_the_s3_backend_refuses_to_start_on_a_bucket_that_does_not_lock(
        database_url: str, tmp_path: Path) -> None:
    """Without Object Lock nothing in the store keeps a document write-once; a default
    retention rule would lock staged uploads a rollback must be able to discard."""
    with pytest.raises(ConfigError, match="does not have S3 Object Lock enabled"):
        make_app(database_url, tmp_path / "data",
                 **S3, **s3_settings(new_bucket(object_lock=False)))
    bucket = new_bucket()
    s3_client().put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
    with pytest.raises(ConfigError, match="default retention rule"):
        make_app(database_url, tmp_path / "data", **S3, **s3_settings(bucket))


def _body(body: object) -> bytes:
    """A request's body as botocore sends it (bytes, or a stream it rewinds)."""
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    position = body.tell()  # type: ignore[attr-defined]
    data = body.read()  # type: ignore[attr-defined]
    body.seek(position)  # type: ignore[attr-defined]
    return data


@pytest.mark.parametrize("archive_config", [ARCHIVES["s3-encrypted"]], ids=["s3"])
def test_the_object_store_keeps_a_locked_document_and_its_renewal(app: Flask) -> None:
    """What the store itself refuses (moto's S3, as AWS documents it): deleting a locked
    version, even with the governance bypass; a second object under a taken key. A delete
    without a version only hides the document behind a delete marker."""
    consent, _ = signed_consent(app)
    digest = consent.pdf_sha256
    archive = evidence().archive
    sent: list[tuple[bytes, dict[str, str]]] = []
    archive.s3.meta.events.register(  # what goes over the wire for each PUT
        "before-send.s3.PutObject",
        lambda request, **_: sent.append((_body(request.body), {
            name: value.decode() if isinstance(value, bytes) else value
            for name, value in request.headers.items()})))
    tail = archive.stage_tail(digest, b"\n% a renewal's bytes\n")
    archive.promote_tail(tail)
    # Staged unlocked, then written locked, create-only, with both integrity headers (moto
    # accepts a wrong Content-MD5 or checksum, so they are checked here, not refused there).
    (staged_body, staged), (body, final) = sent
    assert "x-amz-object-lock-mode" not in staged and staged_body == body
    assert final["x-amz-object-lock-mode"] == "COMPLIANCE" and final["If-None-Match"] == "*"
    assert final["Content-MD5"] == base64.b64encode(hashlib.md5(body).digest()).decode()
    assert final["x-amz-checksum-sha256"] == base64.b64encode(
        hashlib.sha256(body).digest()).decode()
    client, bucket = s3_client(), app.config["FORMAPP_ARCHIVE_S3_BUCKET"]
    for key in (f"archive/{digest}.pdf", f"archive/{tail}"):
        head = client.head_object(Bucket=bucket, Key=key)
        assert head["ObjectLockMode"] == "COMPLIANCE"
        for bypass in (False, True):
            with pytest.raises(ClientError) as refused:
                client.delete_object(Bucket=bucket, Key=key, VersionId=head["VersionId"],
                                     BypassGovernanceRetention=bypass)
            assert refused.value.response["Error"]["Code"] == "AccessDenied"
        with pytest.raises(ClientError) as taken:
            client.put_object(Bucket=bucket, Key=key, Body=b"%PDF-other", IfNoneMatch="*")
        assert taken.value.response["Error"]["Code"] == "PreconditionFailed"
    before = archive.read_at_rest(digest)
    archive.store_at_rest(before, digest)  # a second store: a no-op, not a new version
    versions = client.list_object_versions(Bucket=bucket, Prefix=f"archive/{digest}.pdf")
    assert len(versions["Versions"]) == 1

    archive.remove(digest)  # what erasure or retention does after the record's deletion
    assert not archive.exists(digest) and archive.tail_names(digest) == []
    assert list(archive.digests()) == []
    versions = client.list_object_versions(Bucket=bucket, Prefix="archive/")
    kept = {(v["Key"], v["VersionId"]) for v in versions["Versions"]}
    assert len(kept) == 2 and len(versions["DeleteMarkers"]) == 2  # locked until retention
    key, version = next(iter(sorted(kept)))
    assert client.get_object(Bucket=bucket, Key=key, VersionId=version)["Body"].read()


@pytest.mark.parametrize("archive_config", [ARCHIVES["s3-encrypted"]], ids=["s3"])
def test_what_a_crash_leaves_in_s3_staging_is_finished_or_dropped_by_any_node(
        app: Flask) -> None:
    """A renewal whose transaction committed, its node killed before the promotion: the
    tail waits (unlocked) in staging, and `formapp maintenance` (or `verify --all`) on any
    node promotes it. One whose transaction never committed is dropped, every version."""
    consent, _ = signed_consent(app)
    digest = consent.pdf_sha256
    archive = evidence().archive
    sealed, tail = archive.read(digest), b"\n% the renewal's appended bytes\n"
    name = archive.stage_tail(digest, tail)
    record = db.session.get(ArchivedDocument, digest)
    record.renewed_sha256 = hashlib.sha256(sealed + tail).hexdigest()
    record.renewed_size = len(sealed + tail)
    db.session.commit()
    assert archive.tail_names(digest) == [] and [n for n, _ in archive.staged_tails()] == [name]

    findings = recover_staged(min_age_seconds=0)  # what `formapp maintenance` does first
    assert [f.message for f in findings] == ["recovered: its renewal had committed"]
    assert archive.tail_names(digest) == [name] and archive.read(digest) == sealed + tail
    unfinished = archive.stage_tail(digest, b"\n% never committed\n")
    findings = recover_staged(min_age_seconds=0)
    assert [f.message for f in findings] == ["dropped an unfinished renewal"]
    assert archive.tail_names(digest) == [name] and list(archive.staged_tails()) == []
    client, bucket = s3_client(), app.config["FORMAPP_ARCHIVE_S3_BUCKET"]
    left = client.list_object_versions(Bucket=bucket, Prefix=f"archive/staging/{unfinished}")
    assert "Versions" not in left and "DeleteMarkers" not in left
