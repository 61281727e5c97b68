"""``formapp sample-pdf``: a consent PDF with clearly fake data, for translators and reviewers.

formapp's own text by default, filled in for a sample förbund; FK 9443's with ``text="fk-9443"``.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

from formapp.definitions import consent_templates as templates
from formapp.definitions.consent_texts import latest_builtin, parse_text
from formapp.documents.consent import (
    FK_TEXT,
    FORMAPP_TEXT,
    ConsentDocument,
    ConsentText,
    Signature,
    SignatureStroke,
)
from formapp.documents.errors import UnknownLocaleError
from formapp.documents.locales import is_rtl

SAMPLE_NAME = "Testperson Exempelsson"
SAMPLE_PERSONNUMMER = "19121212-1212"  # Skatteverket's well-known test number
SAMPLE_FORBUND = "Samordningsförbundet Exempel (testdata)"
SAMPLE_VALUES = {
    "forbund_namn": SAMPLE_FORBUND, "organisationsnummer": "222000-0000",
    "adress": "Box 123, 123 45 Exempelstad",
    "kontakt": "registrator@exempel.example, 010-123 45 67",
    "dataskyddsombud": "dataskyddsombud@exempel.example",
}
TEXTS = (FORMAPP_TEXT, FK_TEXT)


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


def formapp_texts(locale: str, retention_years: int) -> tuple[ConsentText, ConsentText | None]:
    """formapp's text filled in for the sample förbund: the Swedish one and, unless ``locale``
    is Swedish, its translation (each with the id and SHA-256 a publication would give)."""
    values = {**SAMPLE_VALUES, "lagringstid_ar": str(retention_years)}
    raw = templates.fill(templates.swedish_template(), values, issuer=SAMPLE_FORBUND)
    binding = parse_text(raw, version=f"{FORMAPP_TEXT}-sv-EXEMPEL")
    if locale == "sv":
        return binding, None
    template = templates.translations().get(locale)
    if template is None:
        raise UnknownLocaleError(
            f"formapp's consent text has no translation into {locale!r} yet (of "
            f"{templates.swedish_template().version}); --text {FK_TEXT} renders FK 9443's")
    raw = templates.fill(template, values, issuer=SAMPLE_FORBUND,
                         source=(binding.version, binding.sha256))
    read = parse_text(raw, version=f"{FORMAPP_TEXT}-{locale}-EXEMPEL")
    return binding, read


def sample_document(locale: str, name: str = SAMPLE_NAME,
                    personnummer: str = SAMPLE_PERSONNUMMER,
                    created: datetime | None = None, *, text: str = FK_TEXT,
                    retention_years: int = 10) -> ConsentDocument:
    """A complete fake consent for ``locale`` (sv: no translation) with ``text``."""
    is_rtl(locale)  # an unknown locale id fails here, with a clear message
    if text == FORMAPP_TEXT:
        binding, read = formapp_texts(locale, retention_years)
    else:
        binding = published_text("sv")
        read = None if locale == "sv" else published_text(locale)
    created = created or datetime(2025, 1, 15, 9, 30, tzinfo=UTC)
    document_id = f"EXEMPEL-{'9443' if text == FK_TEXT else 'SAMTYCKE'}-{locale}"
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
        "forbund": SAMPLE_FORBUND,
        "officer": "Handläggare Exempel",
        "signed_on": "2025-01-15",
        "place": "Exempelstad",
    }
    return ConsentDocument(
        document_id=document_id, binding_text=binding, read_text=read,
        personnummer=personnummer, name=name, place="Exempelstad", signed_on=date(2025, 1, 15),
        signature=sample_signature(), officer="Handläggare Exempel",
        insats="Exempelinsatsen (testdata)", forbund=SAMPLE_FORBUND,
        record=record, created=created, sample=True,
    )
