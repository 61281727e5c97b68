"""The app's seal and archive: loaded once per process, used by every sealed document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from formapp.documents.archive import Archive
from formapp.documents.long_term import ValidationData, load_validation_data
from formapp.documents.seal import Sealer, SealSettings
from formapp.documents.signing_keys import SealMaterial, load_seal
from formapp.documents.verification import SealCheck, check_seal

EXTENSION_KEY = "formapp.evidence"
_PENDING = "formapp.pending_files"  # key in Session.info: files stored in this transaction
_PENDING_TAILS = "formapp.pending_tails"  # key in Session.info: renewals in this transaction
_DOOMED = "formapp.doomed_files"  # key in Session.info: files to remove once this commits


@dataclass
class Evidence:
    material: SealMaterial
    sealer: Sealer
    archive: Archive
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
    return Evidence(material, sealer, Archive(data_dir / "archive"), validation)


def evidence() -> Evidence:
    """This app's evidence tools, created on first use (a dev seal is generated once)."""
    extensions = current_app.extensions
    if EXTENSION_KEY not in extensions:
        # Flask types current_app as the app itself, not the proxy it is (stubs wrong).
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        extensions[EXTENSION_KEY] = build_evidence(app)
    return extensions[EXTENSION_KEY]


def track_new_file(session: Session, archive: Archive, digest: str) -> None:
    """A staged ``digest`` is promoted into ``archive`` when ``session`` commits and
    discarded if it rolls back: the file exists exactly when its record does."""
    session.info.setdefault(_PENDING, []).append((archive, digest))


def track_new_tail(session: Session, archive: Archive, name: str) -> None:
    """A staged renewal ``name`` joins its document when ``session`` commits, else goes."""
    session.info.setdefault(_PENDING_TAILS, []).append((archive, name))


def remove_after_commit(session: Session, archive: Archive, digest: str) -> None:
    """Remove ``digest`` from ``archive`` once ``session`` commits (erasure): a rollback keeps
    the file, so its record and the file still exist together."""
    session.info.setdefault(_DOOMED, []).append((archive, digest))


@event.listens_for(Session, "after_commit")
def _keep_files(session: Session) -> None:
    for archive, digest in session.info.pop(_PENDING, []):
        archive.promote(digest)
    for archive, name in session.info.pop(_PENDING_TAILS, []):
        archive.promote_tail(name)
    for archive, digest in session.info.pop(_DOOMED, []):
        archive.remove(digest)


@event.listens_for(Session, "after_rollback")
def _drop_files(session: Session) -> None:
    for archive, digest in session.info.pop(_PENDING, []):
        archive.discard(digest)
    for archive, name in session.info.pop(_PENDING_TAILS, []):
        archive.discard_tail(name)
    session.info.pop(_DOOMED, None)
