"""The app's seal and archive (``evidence()``, built on first use) and the files a transaction
stages, kept or dropped with it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from formapp.documents.archive_store import DOOMED, ArchiveStore
from formapp.extensions import listen_once

if TYPE_CHECKING:
    from formapp.evidence_tools import Evidence

EXTENSION_KEY = "formapp.evidence"
_PENDING = "formapp.pending_files"  # key in Session.info: files stored in this transaction
_PENDING_TAILS = "formapp.pending_tails"  # key in Session.info: renewals in this transaction


def check_archive_at_start(config: Mapping[str, Any]) -> None:
    """Refuse to start on an S3 bucket without Object Lock (ConfigError): the other backends
    keep documents write-once themselves; an object store only when the bucket locks."""
    if config["FORMAPP_ARCHIVE_BACKEND"] == "s3":
        from formapp.documents.archive_s3 import S3Archive, S3Settings

        S3Archive(S3Settings(config)).check_bucket()


def evidence() -> Evidence:
    """This app's evidence tools, created on first use (a dev seal is generated once)."""
    extensions = current_app.extensions
    if EXTENSION_KEY not in extensions:
        # Flask types current_app as the app itself, not the proxy it is (stubs wrong).
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        # The one lazy boundary of the PDF stack (issue 16): pyHanko and the seal load with
        # the first sealed document, check or checkpoint, not with the app (a login page
        # needs none of them). Everything past it imports at module top.
        from formapp.evidence_tools import build_evidence
        extensions[EXTENSION_KEY] = build_evidence(app)
    return extensions[EXTENSION_KEY]


def track_new_file(session: Session, archive: ArchiveStore, digest: str) -> None:
    """A staged ``digest`` is promoted into ``archive`` when ``session`` commits and
    discarded if it rolls back: the file exists exactly when its record does."""
    session.info.setdefault(_PENDING, []).append((archive, digest))


def track_new_tail(session: Session, archive: ArchiveStore, name: str) -> None:
    """A staged renewal ``name`` joins its document when ``session`` commits, else goes."""
    session.info.setdefault(_PENDING_TAILS, []).append((archive, name))


def remove_after_commit(session: Session, archive: ArchiveStore, digest: str) -> None:
    """Remove ``digest`` (with its renewals) from ``archive`` once ``session`` commits
    (erasure; its record is deleted in ``session``): a rollback keeps the document, so its
    record and the document still exist together. On disk the files go after the commit; in
    the database the rows go in the same transaction."""
    archive.remove_on_commit(session, digest)


def init_app(_app: Flask) -> None:
    """Promote or discard the files staged in a transaction when it ends (every Session)."""
    listen_once(Session, "after_commit", _keep_files)
    listen_once(Session, "after_rollback", _drop_files)


def _keep_files(session: Session) -> None:
    for archive, digest in session.info.pop(_PENDING, []):
        archive.promote(digest)
    for archive, name in session.info.pop(_PENDING_TAILS, []):
        archive.promote_tail(name)
    for archive, digest in session.info.pop(DOOMED, []):
        archive.remove(digest)


def _drop_files(session: Session) -> None:
    for archive, digest in session.info.pop(_PENDING, []):
        archive.discard(digest)
    for archive, name in session.info.pop(_PENDING_TAILS, []):
        archive.discard_tail(name)
    session.info.pop(DOOMED, None)
