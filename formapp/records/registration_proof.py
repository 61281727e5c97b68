"""A registration's rows and its sealed FK 9448/9449 PDFs belong together, as a consent and
its PDF do (``consent_proof``, whose record reading and person comparison this shares).

Each PDF's sealed ``record.json`` names its own document id, the consent the registration
rests on (``consent_document_id``: one registration per consent, so this names the
registration from its first PDF on), the registration's id once it has one
(``registration_id``), the förbund (``forbund_id``) and the person by keyed hash
(``person_key``). A row pointed at another record's PDF, even a validly sealed one, disagrees
with it. PDFs sealed before those ids were added are compared by what they do name (document,
consent, insats and personnummer). An Excel import's registrations rest on the import's sealed
receipt, which stands for the whole file: that it is an import receipt of the same insats is
what can be checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from formapp.evidence import evidence
from formapp.records.consent_proof import person_problem, sealed_record
from formapp.records.models import Registration, RegistrationRevision


class DocumentNotBound(RuntimeError):
    """A registration names a sealed PDF that is not its own: never served as its."""

    def __init__(self, document: RegistrationDocument, problems: list[str]) -> None:
        self.document, self.problems = document, problems
        super().__init__(f"registration {document.registration.id}: its {document.label} PDF "
                         f"{document.digest}: " + "; ".join(problems))


@dataclass(frozen=True)
class RegistrationDocument:
    """One sealed PDF a registration names: its FK 9448 or 9449, or an earlier one (rättelse)."""

    registration: Registration
    label: str  # "FK 9448", "FK 9449", "earlier FK 9448 (before a rättelse)"
    form: str  # "9448" or "9449"
    document_id: str | None
    digest: str


def start_document(registration: Registration) -> RegistrationDocument:
    return RegistrationDocument(registration, "FK 9448", "9448", registration.document_id,
                                registration.pdf_sha256)


def end_document(registration: Registration) -> RegistrationDocument | None:
    if not registration.end_pdf_sha256:
        return None
    return RegistrationDocument(registration, "FK 9449", "9449", registration.end_document_id,
                                registration.end_pdf_sha256)


def earlier_document(registration: Registration,
                     revision: RegistrationRevision) -> RegistrationDocument:
    return RegistrationDocument(
        registration, f"earlier FK {revision.form} (before a rättelse)", revision.form,
        revision.previous_document_id, revision.previous_pdf_sha256)


def documents_of(registration: Registration) -> list[RegistrationDocument]:
    end = end_document(registration)
    return [start_document(registration), *([end] if end else []),
            *(earlier_document(registration, r) for r in registration.revisions)]


def bound_pdf(document: RegistrationDocument) -> bytes:
    """The archived PDF, if it is this registration's own (else ``DocumentNotBound``)."""
    data = evidence().archive.read(document.digest)
    problems = binding_problems(document, data)
    if problems:
        raise DocumentNotBound(document, problems)
    return data


def _import_problems(record: dict[str, Any], registration: Registration) -> list[str]:
    insats = record.get("insats")
    named = insats.get("id") if isinstance(insats, dict) else None
    if named == registration.insats_id:
        return []
    return [f"the import receipt is for insats {named}, the registration in insats "
            f"{registration.insats_id}"]


def binding_problems(document: RegistrationDocument, data: bytes) -> list[str]:
    """How the sealed PDF ``data`` disagrees with the registration that names it."""
    registration = document.registration
    record = sealed_record(data)
    if record is None:
        return ["the PDF carries no record.json: it is not this registration's document"]
    if record.get("kind") == "import":
        return _import_problems(record, registration)
    problems = []
    if record.get("form") != f"FK {document.form}":
        problems.append(f"the PDF is a {record.get('form') or 'document of another kind'}, "
                        f"not an FK {document.form}")
    if record.get("document_id") != document.document_id:
        problems.append(f"the PDF is document {record.get('document_id')}, the registration "
                        f"names document {document.document_id}")
    if record.get("consent_document_id") != registration.consent_id:
        problems.append(f"the PDF belongs to the registration on consent "
                        f"{record.get('consent_document_id')}, this one rests on consent "
                        f"{registration.consent_id}")
    if "registration_id" in record and record["registration_id"] != registration.id:
        problems.append(f"the PDF is of registration {record['registration_id']}")
    if "forbund_id" in record and record["forbund_id"] != registration.forbund_id:
        problems.append(f"the PDF belongs to förbund {record['forbund_id']}, the registration "
                        f"to förbund {registration.forbund_id}")
    insats = record.get("insats")
    if isinstance(insats, dict) and insats.get("id") != registration.insats_id:
        problems.append(f"the PDF is for insats {insats.get('id')}, the registration in "
                        f"insats {registration.insats_id}")
    person = person_problem(record, registration.person)
    if person:
        problems.append(f"the PDF does not belong to the registration's person: {person}")
    return problems
