"""What a receipt (``receipt_pdf``) shows: plain values, built by callers that need not load
the PDF stack to say what a receipt will say (issue 16)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from formapp.documents.errors import DocumentError


@dataclass(frozen=True)
class ReceiptSection:
    """A heading, then its paragraphs, (label, value) rows and (question, answer) pairs. A
    question is printed over its answer at full width: long questions stay whole and read in
    order (also for a text extractor), where a table column would split them."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    answers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ReceiptPart:
    """A part of a receipt in one language (``locale`` sets its direction): a title, an
    introduction and its sections."""

    locale: str
    title: str
    paragraphs: tuple[str, ...] = ()
    sections: tuple[ReceiptSection, ...] = ()


@dataclass(frozen=True)
class ReceiptDocument:
    """What a receipt shows. ``facts`` are (label, value) rows of a table; values keep their
    own direction (an Arabic name reads right to left, a personnummer left to right)."""

    document_id: str
    title: str  # e.g. "Återkallat samtycke – FK 9443"
    paragraphs: tuple[str, ...]  # body text (Swedish, may contain any script)
    facts: tuple[tuple[str, str], ...]  # (label, value) rows shown as a table
    forbund: str
    record: Mapping[str, Any]  # embedded as record.json
    created: datetime | None = None
    locale: str = "sv"  # base direction / language of the body
    parts: tuple[ReceiptPart, ...] = ()  # after the facts, each in its own language

    def __post_init__(self) -> None:
        for name in ("document_id", "title", "forbund"):
            if not str(getattr(self, name)).strip():
                raise DocumentError(f"receipt: {name} is empty")
