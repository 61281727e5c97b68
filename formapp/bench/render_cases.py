"""Render cases: one FK 9443 consent PDF/A-3b (unsealed) per locale, in a warm process, so a
script whose layout or fonts cost more stands out (Arabic shaping, Thai line breaking)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import partial

import pikepdf

from formapp.bench.timing import CaseResult, time_ms
from formapp.documents.consent_pdf import render_consent_pdf
from formapp.tooling.sample_consent import sample_document


def render_cases(locales: Iterable[str], runs: int) -> list[CaseResult]:
    results = []
    for locale in locales:
        doc = sample_document(locale)
        with pikepdf.open(io.BytesIO(render_consent_pdf(doc))) as pdf:
            pages = len(pdf.pages)
        samples = time_ms(partial(render_consent_pdf, doc), runs)
        result = CaseResult(f"render_{locale}", samples, extra={"pages": pages})
        result.extra["per_page_ms"] = round(result.median_ms / pages, 2)
        results.append(result)
    return results
