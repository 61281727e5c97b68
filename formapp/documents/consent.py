"""What a signed FK 9443 consent document holds: frozen inputs of ``render_consent_pdf``.

The texts arrive already loaded and versioned (the consent text versioning is another module's
job); this module only says what the page needs to show and checks that it is complete.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from formapp.documents.errors import DocumentError

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
FK_TEXT = "fk-9443"  # Försäkringskassan's FK 9443 text from the SUS era, word for word
FORMAPP_TEXT = "formapp-samtycke"  # formapp's own text: the förbund as controller


@dataclass(frozen=True)
class TextSection:
    heading: str  # may be ""
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class ConsentLabels:
    """The four box labels of the paper form, in the text's language."""

    personnummer: str
    underskrift: str
    ort_och_datum: str
    namnfortydligande: str


@dataclass(frozen=True)
class ConsentText:
    """One version of the FK 9443 text in one language, as the participant or the law sees it."""

    locale: str  # CLDR id: sv, ar, fa_AF …
    status: str  # "binding" for sv; "unofficial"/"official" for translations
    version: str  # the version id of the text store
    sha256: str  # hex digest of the version's canonical content
    title: str
    sections: tuple[TextSection, ...]
    declaration_heading: str
    declaration_text: str
    labels: ConsentLabels
    language_name: str = ""  # the language's own name ("العربية"); shown beside the text
    text_id: str = "fk-9443"  # which text this is a version of: "fk-9443", "formapp-samtycke" …
    # A translation's source: the binding version (id, SHA-256) it translates; None for the
    # binding text itself. A translation is only ever shown beside exactly that version.
    source_version: str | None = None
    source_sha256: str | None = None
    issuer: str = ""  # who issued the text (the förbund for its own); "" for FK 9443
    # A filled-in text's template (id, SHA-256): what the understanding questions bind to.
    template_version: str | None = None
    template_sha256: str | None = None

    @property
    def is_fk(self) -> bool:
        """Försäkringskassan's FK 9443 text (the only one printed as FK's)."""
        return self.text_id == FK_TEXT

    def translates(self, binding: ConsentText) -> bool:
        """Whether this translation declares exactly ``binding`` as its source."""
        return (self.source_version, self.source_sha256) == (binding.version, binding.sha256)

    def __post_init__(self) -> None:
        if not _SHA256.match(self.sha256):
            raise DocumentError(f"text {self.locale}/{self.version}: sha256 must be 64 lowercase "
                                f"hex digits, got {self.sha256!r}")


@dataclass(frozen=True)
class SignatureStroke:
    """One pen-down-to-pen-up line: points (x, y) in the pad, 0..1, origin top left, y down."""

    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Signature:
    """The drawn signature as vector strokes; ``aspect`` is the pad's width / height."""

    strokes: tuple[SignatureStroke, ...]
    aspect: float = 3.0

    def __post_init__(self) -> None:
        if not self.strokes or not any(s.points for s in self.strokes):
            raise DocumentError("the signature is empty")
        if not (0.2 <= self.aspect <= 20) or math.isnan(self.aspect):
            raise DocumentError(f"signature pad aspect {self.aspect!r} is not plausible")
        for stroke in self.strokes:
            for x, y in stroke.points:
                if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
                    raise DocumentError(f"signature point {(x, y)!r} lies outside the pad")


@dataclass(frozen=True)
class ConsentDocument:
    """Everything on a signed FK 9443: both texts, the filled boxes, who and where."""

    document_id: str
    binding_text: ConsentText  # Swedish, the one that is signed
    read_text: ConsentText | None  # the translation the participant read; None if Swedish
    personnummer: str
    name: str  # Namnförtydligande
    place: str  # Ort
    signed_on: date  # Datum
    signature: Signature
    officer: str  # deltagaransvarig who took the consent
    insats: str
    forbund: str  # samordningsförbund
    record: Mapping[str, Any]  # embedded as record.json (PDF/A-3 associated file)
    created: datetime | None = None  # PDF creation time; default now
    sample: bool = False  # a fake document: banner and watermark say so
    extra: Mapping[str, str] = field(default_factory=dict)  # more "label: value" lines
    # More lines in a given language: (label, value, locale), e.g. the understanding answers
    # in the participant's language beside the Swedish ones.
    extra_lines: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.binding_text.status != "binding" or self.binding_text.locale != "sv":
            raise DocumentError("the binding text must be the Swedish text with status 'binding'")
        if self.read_text is not None and self.read_text.locale == "sv":
            raise DocumentError("read_text is for a translation; leave it None for Swedish")
        for name in ("document_id", "personnummer", "name", "place", "officer", "insats"):
            if not str(getattr(self, name)).strip():
                raise DocumentError(f"{name} is empty")
