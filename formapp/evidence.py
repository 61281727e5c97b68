"""The app's seal and archive: loaded once per process, used by every sealed document."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from formapp.documents.archive import Archive
from formapp.documents.seal import Sealer, SealSettings
from formapp.documents.signing_keys import SealMaterial, load_seal
from formapp.documents.verification import SealCheck, check_seal

EXTENSION_KEY = "formapp.evidence"


@dataclass
class Evidence:
    material: SealMaterial
    sealer: Sealer
    archive: Archive

    def seal_and_store(self, pdf: bytes, *, reason: str | None = None) -> tuple[str, bytes]:
        """Seal ``pdf``, store it write-once; returns (SHA-256, sealed bytes)."""
        sealed = self.sealer.seal(pdf, reason=reason)
        return self.archive.store(sealed), sealed

    def check(self, data: bytes) -> SealCheck:
        return check_seal(data, self.material)


def build_evidence(app: Flask) -> Evidence:
    config = app.config
    data_dir: Path = config["FORMAPP_DATA_DIR"]
    material = load_seal(
        data_dir=data_dir, pkcs12_path=config.get("FORMAPP_SEAL_PKCS12"),
        pkcs12_password=config.get("FORMAPP_SEAL_PASSWORD"),
        trust_roots_path=config.get("FORMAPP_TRUST_ROOTS"),
        create_dev=config["FORMAPP_ENV"] != "production")
    sealer = Sealer(material, SealSettings(tsa_url=config.get("FORMAPP_TSA_URL")),
                    timestamper=config.get("FORMAPP_TIMESTAMPER"))
    return Evidence(material, sealer, Archive(data_dir / "archive"))


def evidence() -> Evidence:
    """This app's evidence tools, created on first use (a dev seal is generated once)."""
    extensions = current_app.extensions
    if EXTENSION_KEY not in extensions:
        extensions[EXTENSION_KEY] = build_evidence(current_app._get_current_object())
    return extensions[EXTENSION_KEY]
