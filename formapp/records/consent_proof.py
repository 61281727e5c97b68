"""A consent's row and its sealed PDF belong together.

The PDF's sealed ``record.json`` names the consent (``document_id``/``consent_id``), its
förbund (``forbund_id``) and the person by a keyed hash that is not the personnummer
(``person_key``: ``<lookup key id>:<HMAC>``, what ``person.personnummer_hmac`` holds). A row
pointed at another PDF, even a validly sealed one of another consent or förbund, disagrees with
it. PDFs sealed before those ids were added are compared by document id, insats and
personnummer.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
from io import BytesIO
from typing import TYPE_CHECKING, Any

import pikepdf

from formapp.documents.errors import DocumentError
from formapp.evidence import evidence
from formapp.protection.current import keyring
from formapp.protection.lookup import PERSONNUMMER
from formapp.records.models import Consent, Person

if TYPE_CHECKING:
    from formapp.documents.verification import SealCheck

RECORD_FILE = "record.json"


def person_key(digits: str) -> str:
    """What a sealed record names a person by: the lookup hash with its key id."""
    ring = keyring()
    return f"{ring.lookup_key_id}:{ring.lookup_hash(PERSONNUMMER, digits)}"


def sealed_record(data: bytes) -> dict[str, Any] | None:
    """The ``record.json`` a sealed PDF carries, or None when it has none."""
    try:
        with pikepdf.Pdf.open(BytesIO(data)) as pdf:
            attachment = pdf.attachments.get(RECORD_FILE)
            if attachment is None:
                return None
            record = json.loads(attachment.get_file().read_bytes())
    except (pikepdf.PdfError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def person_problem(record: dict[str, Any], person: Person) -> str:
    """Empty when the record names ``person``, else why not. Shared by every sealed record
    that names a person (consents, FK 9448/9449)."""
    stored = record.get("person_key")
    if isinstance(stored, str) and ":" in stored:
        key_id, _, digest = stored.partition(":")
        if key_id not in keyring().lookup_keys:
            return f"its person key is under lookup key {key_id!r}, which is not configured"
        expected = keyring().lookup_hash(PERSONNUMMER, person.personnummer, key_id)
        return "" if hmac.compare_digest(digest, expected) else "it names another person"
    digits = str(record.get("personnummer", "")).replace("-", "")
    return "" if digits == person.personnummer else "it names another person"


def binding_problems(consent: Consent, data: bytes) -> list[str]:
    """How the sealed PDF ``data`` disagrees with ``consent``'s row (empty: it is its PDF)."""
    record = sealed_record(data)
    if record is None:
        return ["the PDF carries no record.json: it is not this consent's document"]
    named = record.get("consent_id", record.get("document_id"))
    problems = []
    if named != consent.id:
        problems.append(f"the PDF is the document of consent {named}, not of consent "
                        f"{consent.id}")
    if "forbund_id" in record and record["forbund_id"] != consent.forbund_id:
        problems.append(f"the PDF belongs to förbund {record['forbund_id']}, the consent to "
                        f"förbund {consent.forbund_id}")
    insats = record.get("insats")
    if isinstance(insats, dict) and insats.get("id") != consent.insats_id:
        problems.append(f"the PDF is for insats {insats.get('id')}, the consent for insats "
                        f"{consent.insats_id}")
    if consent.scan_sha256 is not None and record.get("scan_sha256") != consent.scan_sha256:
        problems.append("the PDF is not the paper scan the consent names")
    person = person_problem(record, consent.person)
    if person:
        problems.append(f"the PDF does not belong to the consent's person: {person}")
    return problems


def consent_record(consent: Consent) -> dict[str, Any] | None:
    """The sealed ``record.json`` of the consent's archived PDF (None: no PDF, or none in
    it). What it says is evidence only where :func:`check_consent_pdf` finds it bound."""
    try:
        data = evidence().archive.read(consent.pdf_sha256)
    except DocumentError:
        return None
    return sealed_record(data)


def check_consent_pdf(consent: Consent) -> SealCheck | None:
    """The consent's archived PDF checked: seal intact and trusted, and bound to this row.
    None when the archive does not have it."""
    tools = evidence()
    try:
        data = tools.archive.read(consent.pdf_sha256)
    except DocumentError:
        return None
    check = tools.check(data)
    problems = binding_problems(consent, data)
    if problems:
        check = dataclasses.replace(check, ok=False, problems=(*check.problems, *problems))
    return check
