"""The app's seal and archive: loaded once per process, used by every sealed document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from formapp.documents.archive import Archive
from formapp.documents.archive_db import DatabaseArchive
from formapp.documents.archive_store import DOOMED, ArchiveStore, AtRest
from formapp.documents.long_term import ValidationData, load_validation_data
from formapp.documents.seal import Sealer, SealSettings
from formapp.documents.signing_keys import SealMaterial, load_seal
from formapp.documents.verification import SealCheck, check_seal
from formapp.extensions import listen_once
from formapp.protection.current import keyring

EXTENSION_KEY = "formapp.evidence"
_PENDING = "formapp.pending_files"  # key in Session.info: files stored in this transaction
_PENDING_TAILS = "formapp.pending_tails"  # key in Session.info: renewals in this transaction


@dataclass
class Evidence:
    material: SealMaterial
    sealer: Sealer
    archive: ArchiveStore
    validation: ValidationData

    def check(self, data: bytes, at: datetime | None = None) -> SealCheck:
        return check_seal(data, self.material, at=at, validation=self.validation)


def build_evidence(app: Flask) -> Evidence:
    config = app.config
    data_dir: Path = config["FORMAPP_DATA_DIR"]
    material = load_seal(
        data_dir=data_dir, pkcs12_path=config.get("FORMAPP_SEAL_PKCS12"),
        pkcs12_password=config.get("FORMAPP_SEAL_PASSWORD"),
        trust_roots_path=config.get("FORMAPP_TRUST_ROOTS"),
        create_dev=config["FORMAPP_ENV"] != "production")
    validation = load_validation_data(config.get("FORMAPP_REVOCATION_DIR"))
    sealer = Sealer(material, SealSettings(tsa_url=config.get("FORMAPP_TSA_URL")),
                    timestamper=config.get("FORMAPP_TIMESTAMPER"), validation=validation)
    return Evidence(material, sealer, build_archive(config), validation)


def build_archive(config: Mapping[str, Any]) -> ArchiveStore:
    """The configured backend (``FORMAPP_ARCHIVE_BACKEND``), encrypting new documents when
    ``FORMAPP_ARCHIVE_ENCRYPTION`` is on; either reads plain and encrypted documents."""
    at_rest = AtRest(encrypt=config["FORMAPP_ARCHIVE_ENCRYPTION"], keyring=keyring)
    if config["FORMAPP_ARCHIVE_BACKEND"] == "database":
        return DatabaseArchive(at_rest)
    return Archive(Path(config["FORMAPP_DATA_DIR"]) / "archive", at_rest)


def evidence() -> Evidence:
    """This app's evidence tools, created on first use (a dev seal is generated once)."""
    extensions = current_app.extensions
    if EXTENSION_KEY not in extensions:
        # Flask types current_app as the app itself, not the proxy it is (stubs wrong).
        app = current_app._get_current_object()  # type: ignore[attr-defined]
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
