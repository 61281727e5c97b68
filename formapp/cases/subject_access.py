"""The participant's right of access (GDPR art. 15): the registerutdrag, everything formapp
holds about a person (``records.subject_access.collect``) as JSON and as a sealed PDF in the
archive. Producing it is itself audited; flushes, the caller commits.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from formapp.cases.archiving import archive_pdf
from formapp.documents.receipt import ReceiptDocument
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.i18n import _lo, registry
from formapp.records.audit import log_event
from formapp.records.errors import RuleViolation
from formapp.records.models import Insats, Person, User
from formapp.records.readable_extract import SOURCE, readable_part
from formapp.records.subject_access import collect


@dataclass(frozen=True)
class Extract:
    data: dict[str, Any]
    json_bytes: bytes
    pdf_sha256: str


def _insats_name(insats_id: int) -> str:
    insats = db.session.get(Insats, insats_id)
    return insats.name if insats is not None else "–"


def registerutdrag(person: Person, *, by: User, why: str,
                   now: datetime | None = None) -> Extract:
    """Art. 15: the extract as JSON and a sealed PDF; flushes, never commits."""
    why = " ".join(why.split())
    if not why:
        raise RuleViolation("why", _lo("Ange vem som begärt registerutdraget och när."))
    now = now or datetime.now(UTC)
    data = collect(person)
    document_id = str(uuid.uuid4())
    data["registerutdrag"] = {"dokument_id": document_id, "skapat": now.isoformat(),
                              "av": by.full_name}
    json_bytes = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    # In plain Swedish, then in the language the person last consented in (the JSON keeps
    # the codes, for machines).
    erased = [(_insats_name(e["insats_id"]), e["borttagen"])
              for e in data["borttagna_felregistreringar"]]
    locales = [SOURCE]
    if data["samtycken"] and (last := data["samtycken"][-1]["läst_på"]) in registry() \
            and last != SOURCE:
        locales.append(last)
    receipt = ReceiptDocument(
        document_id=document_id, title="Registerutdrag (GDPR artikel 15)",
        paragraphs=(), facts=(), forbund=data["samverkansorganisation"], record=data,
        created=now,
        parts=tuple(readable_part(data, locale, erased=erased, created=now)
                    for locale in locales))
    digest = archive_pdf(evidence().render.receipt_pdf(receipt), kind="registerutdrag",
                         forbund_id=person.forbund_id,
                         reason="Registerutdrag enligt GDPR artikel 15")
    log_event(actor=by, action="gdpr.registerutdrag", subject=f"person:{person.id}", why=why,
              forbund_id=person.forbund_id, personnummer=person.personnummer,
              details={"pdf_sha256": digest})
    return Extract(data, json_bytes, digest)
