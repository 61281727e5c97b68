"""The verify case: the per-PDF time of ``verify --all`` over many archived consents."""

from __future__ import annotations

import time

from sqlalchemy import select

from formapp.archive_check import verify_all
from formapp.bench.timing import CaseResult
from formapp.documents.consent_pdf import render_consent_pdf
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.models import ArchivedDocument, Consent, ConsentKind, Insats
from formapp.tooling.sample_consent import sample_document


def fill_archive(insats: Insats, count: int) -> None:
    """``count`` distinct sealed consents in the archive, each with its record."""
    tools = evidence()
    pdf = render_consent_pdf(sample_document("sv"))
    for n in range(count):
        # The seal is filled in place and deterministic within a second: the reason makes
        # each copy distinct bytes, so a new digest.
        sealed = tools.sealer.seal(pdf, reason=f"Benchmark {n}")
        digest = tools.archive.store(sealed)
        db.session.add(ArchivedDocument(sha256=digest, kind="consent",
                                        forbund_id=insats.forbund_id, size=len(sealed)))
    db.session.commit()


def verify_case(insats: Insats, count: int) -> CaseResult:
    fill_archive(insats, count)
    start = time.perf_counter()
    findings = verify_all()
    total_ms = (time.perf_counter() - start) * 1000
    # The reports' synthetic participations share one stand-in PDF and prove no consent:
    # verify says so of each, as it must; the case is about the sealed consents filled here.
    synthetic = {f"consent {cid}" for cid in db.session.scalars(
        select(Consent.id).where(Consent.kind == ConsentKind.SYNTHETIC.value))}
    failed = [f for f in findings if not f.ok and f.subject not in synthetic]
    if failed:
        raise RuntimeError(f"verify found problems in the bench archive: {failed[:3]}")
    per_pdf = total_ms / max(len(findings), 1)
    return CaseResult("verify", [per_pdf], extra={"pdfs": len(findings),
                                                  "total_s": round(total_ms / 1000, 2)})
