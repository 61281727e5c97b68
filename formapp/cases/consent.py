"""FK 9443 as cases: the officer starts a draft, the participant signs it (or it is
discarded), the officer records a withdrawal.

:func:`sign_consent` goes consent → PDF → seal → archive and adds the records;
:func:`withdraw_consent` seals the receipt and ends the consent. Each checks first, flushes and
never commits: the caller commits once. A file archived here is removed again if the
transaction rolls back (``evidence.track_new_file``), so a record and its PDF exist together or
not at all. None of them reads the request: what the participant did comes in as arguments.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from formapp.cases.archiving import archive_pdf
from formapp.definitions.printable import (
    document_problem_o,
    document_problem_p,
    unprintable_o,
    unprintable_p,
)
from formapp.documents.consent import ConsentDocument, Signature
from formapp.documents.errors import DocumentError
from formapp.documents.receipt import ReceiptDocument
from formapp.domain.personnummer import PersonnummerError, parse_personnummer
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.i18n import _lo, _lp
from formapp.localtime import local, local_text
from formapp.readaloud import evidence as read_aloud_evidence
from formapp.records.audit import log_event
from formapp.records.consent_proof import person_key as proof_person_key
from formapp.records.consent_texts import ShownTexts, forbund_texts, shown_texts
from formapp.records.consents import (
    active_consent,
    consent_from_draft,
    draft_token_digest,
    find_person,
)
from formapp.records.errors import RuleViolation
from formapp.records.models import (
    Consent,
    ConsentDraft,
    ConsentStatus,
    Insats,
    Person,
    User,
)
from formapp.records.understanding import pdf_lines as understanding_lines

MAX_NAME = 200
# What a signature and a withdrawal write, by name (the audit entry lists these, no values).
SIGNED_FIELDS = ("consent", "person.name")
WITHDRAWN_FIELDS = ("status", "withdrawn_at", "withdrawn_by", "withdrawal_reason",
                    "withdrawal_pdf_sha256")


def start_draft(insats: Insats, officer: User, *, personnummer: str, place: str,
                today: date) -> ConsentDraft:
    """Check what the officer entered and keep it until the participant has signed."""
    try:
        pnr = parse_personnummer(personnummer, today=today)
    except PersonnummerError as exc:
        raise RuleViolation("personnummer", exc.args[0]) from exc
    if not insats.runs_on(today):
        raise RuleViolation("personnummer", _lo("Insatsen pågår inte i dag; samtycke kan bara "
                                                "tas under insatsens period."))
    if forbund_texts(insats.forbund).binding() is None:
        raise RuleViolation("personnummer", _lo(
            "Förbundet har ingen publicerad samtyckestext ännu. Samverkansadministratören fyller "
            "i förbundets uppgifter som personuppgiftsansvarig på förbundssidan."))
    if active_consent(find_person(insats.forbund_id, pnr.digits), insats) is not None:
        raise RuleViolation("personnummer", _lo(
            "Personen har redan ett aktivt samtycke för den här insatsen. Använd det, eller "
            "återkalla det först."))
    place = " ".join(place.split())
    if not place:
        raise RuleViolation("place", _lo("Ange orten där samtycket lämnas."))
    if (unprintable := unprintable_o(place)) is not None:
        raise RuleViolation("place", unprintable)
    draft = ConsentDraft(token=secrets.token_urlsafe(32), insats=insats, officer=officer,
                         personnummer=pnr.digits, place=place[:100])
    db.session.add(draft)
    db.session.flush()
    return draft


def discard_draft(draft: ConsentDraft) -> None:
    """The officer takes the tablet back unsigned: the draft (and its personnummer) goes."""
    db.session.delete(draft)
    db.session.flush()


def _consent_record(consent_id: str, draft: ConsentDraft, binding_version: str,
                    read_version: str | None, locale: str, name: str, signed_at: datetime,
                    pnr: str) -> dict[str, object]:
    """What the PDF embeds as record.json: the consent as data, self-contained, with the ids
    that bind it to its row (``consent_proof``)."""
    return {
        "form": "FK 9443 (002.F.001)",
        "document_id": consent_id,
        "consent_id": consent_id,
        "forbund_id": draft.insats.forbund_id,
        "person_key": proof_person_key(pnr.replace("-", "")),
        "forbund": draft.insats.forbund.name,
        "insats": {"id": draft.insats.id, "name": draft.insats.name},
        "personnummer": pnr,
        "namnfortydligande": name,
        "ort": draft.place,
        "datum": signed_at.date().isoformat(),
        "signed_at": signed_at.isoformat(),
        "officer": {"id": draft.officer.id, "name": draft.officer.full_name},
        "read_locale": locale,
        "binding_text_version": binding_version,
        "read_text_version": read_version,
    }


def sign_consent(draft: ConsentDraft, *, locale: str, name: str, signature: Signature,
                 confirmed_read: bool, shown: str | None = None,
                 texts: ShownTexts | None = None, now: datetime | None = None,
                 read_aloud: Sequence[Mapping[str, Any]] = (),
                 understanding: Mapping[str, Any] | None = None) -> Consent:
    """The participant has read and signed: seal the PDF, archive it, record the consent.

    ``shown`` is what the signing page said it showed (``ShownTexts.versions``): a signature
    binds only to those texts, so if a new version was published meanwhile it is refused and
    the participant reads again. ``texts``: the current texts, when the caller has them.

    Idempotent per draft: if a consent was already committed from this draft (a second tap on
    "Skriv under"), that consent is returned and nothing is written. Two signatures of one
    draft in flight together both write; the database refuses the second (the consent's
    unique ``draft_token_sha256``, or the person or active consent the first just made), and
    the caller rolls back and takes ``consent_from_draft``.

    ``read_aloud``: what the participant listened to, already checked
    (``records.read_aloud.checked_evidence``); sealed in the record and stated on the PDF.
    ``understanding``: the answers to the understanding questions
    (``records.understanding.evidence``; {} when none were asked), sealed and stated likewise,
    as is whether an interpreter read (``draft.interpreter``).
    """
    signed = consent_from_draft(draft.token)
    if signed is not None:
        return signed
    now = now or datetime.now(UTC)
    forbund = draft.insats.forbund
    if not confirmed_read:
        raise RuleViolation("confirmed", _lp("Bekräfta att du har läst texten."))
    name = " ".join(name.split())
    if not name:
        raise RuleViolation("name", _lp("Skriv ditt namn."))
    if len(name) > MAX_NAME:
        raise RuleViolation("name", _lp("Namnet är för långt."))
    if (unprintable := unprintable_p(name)) is not None:
        raise RuleViolation("name", unprintable)
    texts = texts or shown_texts(forbund, locale)
    if texts is None:
        raise RuleViolation("locale", _lp("Språket finns inte. Välj ett annat språk."))
    if shown is not None and shown != texts.versions:
        raise RuleViolation("", _lp("Texten har ändrats medan du läste. Läs den nya texten och "
                                    "skriv under igen."))
    binding, read = texts.binding, texts.read
    pnr = parse_personnummer(draft.personnummer, today=now.date())
    person = find_person(forbund.id, pnr.digits)
    if active_consent(person, draft.insats) is not None:
        raise RuleViolation("name", _lp("Personen har redan ett aktivt samtycke för insatsen."))
    # Reads and the PDF first, writes last: on SQLite the first write takes the database's
    # write lock until the commit, and the other worker's writes wait for it (issue 10).
    consent_id = str(uuid.uuid4())
    read_text = read if locale != "sv" else None
    document = ConsentDocument(
        document_id=consent_id, binding_text=binding, read_text=read_text,
        personnummer=pnr.formatted, name=name, place=draft.place, signed_on=now.date(),
        signature=signature, officer=draft.officer.full_name, insats=draft.insats.name,
        forbund=forbund.name, created=now,
        record={**_consent_record(consent_id, draft, binding.version,
                                  read_text.version if read_text else None, locale, name, now,
                                  pnr.formatted),
                "read_aloud": [dict(entry) for entry in read_aloud],
                "understanding": dict(understanding or {}),
                "read_with_interpreter": bool(draft.interpreter)},
        extra={read_aloud_evidence.LABEL: read_aloud_evidence.describe(read_aloud),
               "Tolk läste": "ja" if draft.interpreter else "nej"},
        extra_lines=understanding_lines(dict(understanding or {}), locale))
    try:
        digest = archive_pdf(evidence().render.consent_pdf(document), kind="consent",
                             forbund_id=forbund.id)
    except DocumentError as exc:
        raise RuleViolation("", document_problem_p(exc)) from exc
    if person is None:
        person = Person(forbund_id=forbund.id, personnummer=pnr.digits, kon=pnr.kon,
                        birth_date=pnr.birth_date)
        db.session.add(person)
    person.name = name
    consent = Consent(
        id=consent_id, forbund_id=forbund.id, insats_id=draft.insats_id, person=person,
        officer_id=draft.officer_id, locale=locale, binding_version=binding.version,
        binding_sha256=binding.sha256,
        read_version=read_text.version if read_text else None,
        read_sha256=read_text.sha256 if read_text else None, name=name, place=draft.place,
        signed_on=now.date(), signed_at=now, pdf_sha256=digest,
        draft_token_sha256=draft_token_digest(draft.token))
    db.session.add(consent)
    db.session.delete(draft)
    db.session.flush()
    # The texts signed by their version ids (issue 17): what the person agreed to, by name.
    log_event(actor=draft.officer, action="consent.signed", subject=f"consent:{consent_id}",
              why="Samtycke FK 9443 lämnat på surfplattan", forbund_id=forbund.id,
              personnummer=pnr.digits, details={
                  "insats_id": draft.insats_id, "locale": locale, "pdf_sha256": digest,
                  "binding_version": binding.version,
                  "read_version": read_text.version if read_text else None,
                  "fields": SIGNED_FIELDS})
    return consent


def withdrawal_reason(consent: Consent, reason: str) -> str:
    """The officer's account of the withdrawal, checked (before anything is written)."""
    reason = " ".join(reason.split())
    if not reason:
        raise RuleViolation("reason", _lo("Ange hur och när personen återkallade samtycket."))
    if (unprintable := unprintable_o(reason)) is not None:
        raise RuleViolation("reason", unprintable)
    if consent.status == ConsentStatus.WITHDRAWN.value:
        raise RuleViolation("reason", _lo("Samtycket är redan återkallat."))
    return reason


def withdraw_consent(consent: Consent, *, by: User, reason: str,
                     now: datetime | None = None) -> Consent:
    """GDPR art. 7.3: the consent ends; its history and proof stay, with a sealed receipt.

    Only the consent: the withdrawal case (``withdrawal.withdraw``) also ends its open
    registration."""
    now = now or datetime.now(UTC)
    reason = withdrawal_reason(consent, reason)
    person = consent.person
    pnr = person.pnr.formatted
    receipt_id = str(uuid.uuid4())
    record = {
        "form": "Återkallat samtycke FK 9443",
        "document_id": receipt_id,
        "consent_document_id": consent.id,
        "consent_pdf_sha256": consent.pdf_sha256,
        "personnummer": pnr,
        "namn": consent.name,
        "insats": {"id": consent.insats_id, "name": consent.insats.name},
        "withdrawn_at": now.isoformat(),
        "withdrawn_by": {"id": by.id, "name": by.full_name},
        "reason": reason,
    }
    # The receipt is the förbund's document, in Swedish like the binding text.
    receipt = ReceiptDocument(
        document_id=receipt_id,
        title="Återkallat samtycke – FK 9443",
        paragraphs=(
            f"{consent.name} har återkallat sitt samtycke till registrering av personuppgifter "
            f"för insatsen {consent.insats.name}. Från och med {local(now).date().isoformat()} "
            "registreras inga fler personuppgifter om personen med stöd av samtycket.",
            "Samtycket och beviset för det sparas som historik, så att det går att visa vad "
            "som gällde och när.",
        ),
        facts=(("Namn", consent.name), ("Personnummer", pnr),
               ("Insats", consent.insats.name),
               ("Samtycke lämnat", consent.signed_on.isoformat()),
               ("Samtyckets dokument-id", consent.id),
               ("Samtyckets SHA-256", consent.pdf_sha256),
               ("Återkallat", local_text(now, zone=True)),
               ("Registrerat av", by.full_name), ("Hur och varför", reason)),
        forbund=consent.insats.forbund.name, record=record, created=now)
    try:
        digest = archive_pdf(evidence().render.receipt_pdf(receipt), kind="withdrawal",
                          forbund_id=consent.forbund_id,
                          reason="Återkallat samtycke (GDPR art. 7.3)")
    except DocumentError as exc:
        raise RuleViolation("reason", document_problem_o(exc)) from exc
    consent.status = ConsentStatus.WITHDRAWN.value
    consent.withdrawn_at = now
    consent.withdrawn_by_id = by.id
    consent.withdrawal_reason = reason
    consent.withdrawal_pdf_sha256 = digest
    db.session.flush()
    log_event(actor=by, action="consent.withdrawn", subject=f"consent:{consent.id}", why=reason,
              forbund_id=consent.forbund_id, personnummer=person.personnummer,
              details={"receipt_pdf_sha256": digest, "insats_id": consent.insats_id,
                       "fields": WITHDRAWN_FIELDS})
    return consent
