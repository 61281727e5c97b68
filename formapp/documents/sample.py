"""``formapp sample-pdf``: a FK 9443 PDF with clearly fake data, for translators and reviewers."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

from formapp.definitions.consent_texts import latest_builtin
from formapp.documents.consent import ConsentDocument, ConsentText, Signature, SignatureStroke
from formapp.documents.errors import UnknownLocaleError
from formapp.documents.locales import is_rtl

SAMPLE_NAME = "Testperson Exempelsson"
SAMPLE_PERSONNUMMER = "19121212-1212"  # Skatteverket's well-known test number


def sample_signature() -> Signature:
    """A looping scribble that is obviously not a person's signature."""
    loop = tuple((0.08 + 0.84 * t / 60, 0.5 + 0.3 * math.sin(t / 3.2) * math.cos(t / 17))
                 for t in range(61))
    underline = ((0.1, 0.88), (0.9, 0.84))
    return Signature((SignatureStroke(loop), SignatureStroke(underline),
                      SignatureStroke(((0.93, 0.45),))), aspect=3.0)


def published_text(locale: str) -> ConsentText:
    """The newest published FK 9443 text in ``locale`` (checked against its SHA-256)."""
    text = latest_builtin(locale)
    if text is None:
        raise UnknownLocaleError(f"no published FK 9443 text for locale {locale!r}")
    return text


def sample_document(locale: str, name: str = SAMPLE_NAME,
                    personnummer: str = SAMPLE_PERSONNUMMER,
                    created: datetime | None = None) -> ConsentDocument:
    """A complete fake consent for ``locale`` (sv: no translation)."""
    is_rtl(locale)  # an unknown locale id fails here, with a clear message
    binding = published_text("sv")
    read = None if locale == "sv" else published_text(locale)
    created = created or datetime(2025, 1, 15, 9, 30, tzinfo=UTC)
    document_id = f"EXEMPEL-9443-{locale}"
    record = {
        "form": "9443",
        "sample": True,
        "document_id": document_id,
        "personnummer": personnummer,
        "name": name,
        "locale_read": locale,
        "binding_text": {"version": binding.version, "sha256": binding.sha256},
        "read_text": ({"version": read.version, "sha256": read.sha256} if read else None),
        "insats": "Exempelinsatsen (testdata)",
        "forbund": "Exempelförbundet (testdata)",
        "officer": "Handläggare Exempel",
        "signed_on": "2025-01-15",
        "place": "Exempelstad",
    }
    return ConsentDocument(
        document_id=document_id, binding_text=binding, read_text=read,
        personnummer=personnummer, name=name, place="Exempelstad", signed_on=date(2025, 1, 15),
        signature=sample_signature(), officer="Handläggare Exempel",
        insats="Exempelinsatsen (testdata)", forbund="Exempelförbundet (testdata)",
        record=record, created=created, sample=True,
    )
