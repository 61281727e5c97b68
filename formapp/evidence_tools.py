"""The app's seal, archive and PDF renderers, built from its configuration: the PDF stack's
entry point.

Only ``formapp.evidence.evidence()`` imports this module, on the first sealed document,
check or checkpoint of an app: loading it loads pyHanko and the seal, which a page that
needs none (the login page) must not pay for (issue 16).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask

from formapp.definitions.form_pdf import render_form_pdf
from formapp.documents.archive import Archive
from formapp.documents.archive_db import DatabaseArchive
from formapp.documents.archive_store import ArchiveStore, AtRest
from formapp.documents.consent_pdf import render_consent_pdf
from formapp.documents.long_term import ValidationData, load_validation_data
from formapp.documents.paper_scan import with_record
from formapp.documents.receipt_pdf import render_receipt_pdf
from formapp.documents.seal import Sealer, SealSettings
from formapp.documents.signed_json import OpenedJson, open_json, sign_json
from formapp.documents.signing_keys import SealMaterial, load_seal
from formapp.documents.verification import SealCheck, check_seal
from formapp.protection.current import keyring


class Renderers:
    """The PDFs a case makes before it seals and archives them (``cases.archiving``), reached
    as ``evidence().render``: a module that renders imports no ReportLab (issue 16)."""

    consent_pdf = staticmethod(render_consent_pdf)
    receipt_pdf = staticmethod(render_receipt_pdf)
    form_pdf = staticmethod(render_form_pdf)
    scan_with_record = staticmethod(with_record)  # a paper consent's scan, ready to seal


@dataclass
class Evidence:
    material: SealMaterial
    sealer: Sealer
    archive: ArchiveStore
    validation: ValidationData
    render: Renderers = field(default_factory=Renderers)

    def check(self, data: bytes, at: datetime | None = None) -> SealCheck:
        return check_seal(data, self.material, at=at, validation=self.validation)

    def sign_json(self, document: Mapping[str, Any]) -> bytes:
        """``document`` as canonical JSON sealed with the seal key (a CMS, DER)."""
        return sign_json(document, self.sealer)

    def open_json(self, data: bytes) -> OpenedJson:
        """What ``sign_json`` sealed, if its seal is intact and trusted."""
        return open_json(data, self.material)


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
    if config["FORMAPP_ARCHIVE_BACKEND"] == "s3":
        from formapp.documents.archive_s3 import S3Archive, S3Settings  # boto3: an extra

        return S3Archive(S3Settings(config), at_rest)
    return Archive(Path(config["FORMAPP_DATA_DIR"]) / "archive", at_rest)
