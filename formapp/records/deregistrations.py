"""FK 9449 in the store: its definition and context, what an end reason does, and what end
reason 8 would remove. The writes (ending, its rättelse, the removal) are
``formapp.cases.deregistration``.

- 6 *Medgivande återtaget*: the consent is withdrawn; nothing more about the person is
  registered.
- 7 *Utskrivning - utan mätning*: no after-measurement (the definition does not ask it).
- 8 *Felregistrering*: not an ending but a removal, after the officer has confirmed
  :func:`erasure_plan`. The consent and its proof stay.

The effects are read from the definition's options (``effect``), not from the codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from formapp.definitions import FormDefinition, load_form
from formapp.extensions import db
from formapp.records.models import Registration, RegistrationErasure

FORM = "9449"
REASON_FIELD = "avslutningsanledning"
WITHDRAWN = "6"  # Medgivande återtaget: the only ending once the consent is withdrawn


def definition() -> FormDefinition:
    return load_form(FORM)


def form_context(registration: Registration) -> dict[str, object]:
    insats = registration.insats
    return {"samverkansorganisation": insats.forbund.name, "insats": insats.name,
            "startdatum": registration.start_date}


def effect_of(reason: object) -> str | None:
    """The definition's effect of an end reason code (None for an ordinary ending)."""
    options = definition().field(REASON_FIELD).options
    assert options is not None
    try:
        return options.get(str(reason)).effect
    except KeyError:
        return None


@dataclass(frozen=True)
class ErasurePlan:
    """Exactly what end reason 8 removes, and what stays."""

    registration: Registration
    documents: tuple[str, ...]  # SHA-256 of every sealed PDF of the registration
    revisions: int
    support_rows: int


def erasure_plan(registration: Registration) -> ErasurePlan:
    documents = [registration.pdf_sha256, registration.end_pdf_sha256,
                 *(revision.previous_pdf_sha256 for revision in registration.revisions)]
    return ErasurePlan(registration, tuple(d for d in documents if d),
                       len(registration.revisions), len(registration.supports))


def erasures_of(consent_id: str) -> list[RegistrationErasure]:
    return list(db.session.scalars(select(RegistrationErasure).where(
        RegistrationErasure.consent_id == consent_id)))
