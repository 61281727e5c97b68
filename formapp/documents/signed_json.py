"""A small JSON document sealed with the förbund's (installation's) seal key, as a plain CMS
SignedData with the JSON inside (``.p7m``): checkable without formapp, e.g.
``openssl cms -verify -inform DER -in FILE -CAfile ca.pem -purpose any``.

Used for the audit trail's checkpoints (``records.audit_checkpoints``). With a timestamper
(``FORMAPP_TSA_URL``) the signature carries an RFC 3161 timestamp, so a checkpoint can not be
back-dated even by someone who holds the seal key.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from asn1crypto import cms
from pyhanko.sign.validation.generic_cms import async_validate_cms_signature
from pyhanko.sign.validation.status import StandardCMSSignatureStatus
from pyhanko_certvalidator import ValidationContext

from formapp.documents.seal import Sealer
from formapp.documents.signing_keys import SealMaterial


def sign_json(document: Mapping[str, Any], sealer: Sealer) -> bytes:
    """``document`` as canonical JSON inside a CMS signed with the seal key (DER)."""
    payload = json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1).encode()
    return sealer.sign_data(payload)


@dataclass(frozen=True)
class OpenedJson:
    document: dict[str, Any] | None  # None when it can not be trusted
    problem: str = ""
    signer: str = ""


def open_json(data: bytes, material: SealMaterial) -> OpenedJson:
    """The JSON if its seal is intact and chains to the configured trust roots."""
    try:
        info = cms.ContentInfo.load(data)
        signed_data = info["content"]
        encapsulated = signed_data["encap_content_info"]
        payload = bytes(encapsulated["content"].native)
    except (ValueError, TypeError, KeyError) as exc:
        return OpenedJson(None, f"not a signed document: {exc}")
    context = ValidationContext(trust_roots=material.asn1_trust_roots(), allow_fetching=False,
                                revocation_mode="soft-fail")
    try:
        status = asyncio.run(async_validate_cms_signature(
            signed_data, status_cls=StandardCMSSignatureStatus, validation_context=context))
    except Exception as exc:  # pyHanko raises many kinds for broken input
        return OpenedJson(None, f"the seal could not be validated: {exc}")
    if not status.intact:
        return OpenedJson(None, "changed after it was sealed")
    if not status.trusted:
        return OpenedJson(None, "the seal does not chain to a trusted root")
    if not status.bottom_line:
        return OpenedJson(None, "the seal is not valid")
    try:
        document = json.loads(payload)
    except ValueError as exc:
        return OpenedJson(None, f"sealed, but not JSON: {exc}")
    if not isinstance(document, dict):
        return OpenedJson(None, "sealed, but not a JSON object")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    return OpenedJson(document, "", signer)
