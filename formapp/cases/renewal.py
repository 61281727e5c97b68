"""``formapp archive renew``: a document timestamp (PAdES B-LTA) on every archived PDF whose
proof would otherwise lapse.

A proof lapses when the latest timestamp's certificates expire (or, with no timestamp, the
seal certificate). Renewing appends the validation data and a new document timestamp as an
incremental update: the sealed first revision, whose SHA-256 and size the record keeps as the
binding, is untouched; the record gains the whole document's hash and size, and the audit
trail says what was renewed and until when. Unlike the other cases it commits, once per
document: a run over the whole archive is long, and an interrupted one keeps what it finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from formapp.documents.archive import sha256_hex
from formapp.documents.errors import DocumentError
from formapp.documents.long_term import add_document_timestamp, proof_parts
from formapp.evidence import evidence, track_new_tail
from formapp.extensions import db
from formapp.records.audit import log_event
from formapp.records.models import ArchivedDocument


@dataclass(frozen=True)
class Renewal:
    sha256: str
    kind: str
    expired: datetime  # when its proof would have lapsed
    until: datetime | None  # when the renewed proof lapses; None when renewing failed
    problem: str = ""


def renew(before: datetime) -> list[Renewal]:
    """Renew every archived PDF whose proof lapses before ``before``, one commit each (an
    interrupted run keeps what it finished)."""
    tools = evidence()
    if tools.sealer.timestamper is None:
        raise DocumentError("no timestamp authority: set FORMAPP_TSA_URL")
    done = []
    digests = list(db.session.scalars(select(ArchivedDocument.sha256)
                                      .order_by(ArchivedDocument.sha256)))
    for digest in digests:
        record = db.session.get_one(ArchivedDocument, digest)
        data = tools.archive.read(digest)
        expires = proof_parts(data).expires
        if expires >= before:
            continue
        try:
            renewed = add_document_timestamp(data, tools.material, tools.validation,
                                             tools.sealer.timestamper)
        except DocumentError as exc:
            done.append(Renewal(digest, record.kind, expires, None, str(exc)))
            continue
        check = tools.check(renewed)
        if not check.ok or not renewed.startswith(data):
            done.append(Renewal(digest, record.kind, expires, None,
                                "; ".join(check.problems) or "the renewal changed the document"))
            continue
        until = proof_parts(renewed).expires
        name = tools.archive.stage_tail(digest, renewed[len(data):])
        track_new_tail(db.session(), tools.archive, name)
        record.renewed_sha256 = sha256_hex(renewed)
        record.renewed_size = len(renewed)
        record.renewed_at = datetime.now(UTC)
        log_event(actor=None, action="archive.renewed", subject=f"document:{digest}",
                  forbund_id=record.forbund_id,
                  details={"kind": record.kind, "was_valid_until": expires.isoformat(),
                           "valid_until": until.isoformat(), "sha256": record.renewed_sha256,
                           "size": len(renewed)})
        db.session.commit()
        done.append(Renewal(digest, record.kind, expires, until))
    return done
