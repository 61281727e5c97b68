"""Creating and changing a förbund (samverkansorganisation) and its insatser: the checks
(a unique name, a valid organisationsnummer, the details printed in formapp's consent text,
an insats's period and SUS's vocabulary), the row and, for a förbund, the audit entry. The
cases flush, the caller commits; the rows are read through ``formapp.records.models``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from formapp.definitions.printable import unprintable_o
from formapp.domain import insatser as vocab
from formapp.domain.organisationsnummer import normalise_organisationsnummer
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.records.audit import log_event
from formapp.records.errors import RuleViolation
from formapp.records.models import Forbund, Insats, User

# Finsamlagen (2003:1210) took effect 2004-01-01: no insats is older.
EARLIEST_START = date(2004, 1, 1)
MAX_PERIOD_YEARS = 10


@dataclass(frozen=True)
class ForbundInput:
    name: str
    organisationsnummer: str = ""
    kommun_text: str = ""
    # As personuppgiftsansvarig (formapp's consent text names them); None: leave as is.
    postadress: str | None = None
    kontakt_epost: str | None = None
    kontakt_telefon: str | None = None
    dataskyddsombud: str | None = None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ()-]+$")
MAX_ADDRESS_LINES = 4


def _email(field: str, raw: str, message: object) -> str:
    value = raw.strip()
    if value and (len(value) > 254 or not _EMAIL.match(value)):
        raise RuleViolation(field, message)
    return value


def _controller_details(data: ForbundInput, forbund: Forbund) -> None:
    """Check and set the förbund's details as personuppgiftsansvarig."""
    if data.postadress is not None:
        lines = [" ".join(line.split()) for line in data.postadress.splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_ADDRESS_LINES or sum(map(len, lines)) > 300:
            raise RuleViolation("postadress", _lo(
                "Postadressen får ha högst %(lines)d rader och 300 tecken.",
                lines=MAX_ADDRESS_LINES))
        forbund.postadress = "\n".join(lines)
    if data.kontakt_epost is not None:
        forbund.kontakt_epost = _email("kontakt_epost", data.kontakt_epost, _lo(
            "Ange en e-postadress, till exempel registrator@forbund.se."))
    if data.kontakt_telefon is not None:
        phone = " ".join(data.kontakt_telefon.split())
        digits = sum(ch.isdigit() for ch in phone)
        if phone and (not _PHONE.match(phone) or not 6 <= digits <= 15):
            raise RuleViolation("kontakt_telefon", _lo(
                "Ange ett telefonnummer med 6–15 siffror, till exempel 010-123 45 67."))
        forbund.kontakt_telefon = phone
    if data.dataskyddsombud is not None:
        forbund.dataskyddsombud = _email("dataskyddsombud", data.dataskyddsombud, _lo(
            "Ange dataskyddsombudets e-postadress, till exempel dataskyddsombud@kommun.se."))


@dataclass(frozen=True)
class InsatsInput:
    name: str
    start_date: date
    end_date: date | None
    kind: str
    inriktning: str
    finansieringsform: str
    description: str = ""
    is_volyminsats: bool = False
    prio_langtidssjukskrivna: bool = False
    prio_unga_aktivitetsersattning: bool = False
    prio_unga_funktionsnedsattning: bool = False


def save_forbund(data: ForbundInput, forbund: Forbund | None = None, *,
                 by: User | None = None) -> Forbund:
    """Create (``forbund`` None) or update a förbund; flushes, never commits. An audit entry
    names who and which settings changed."""
    name = " ".join(data.name.split())
    if not name:
        raise RuleViolation("name", _lo("Ange förbundets namn."))
    if (unprintable := unprintable_o(name)) is not None:  # printed on every PDF
        raise RuleViolation("name", unprintable)
    clash = db.session.scalar(select(Forbund).where(func.lower(Forbund.name) == name.lower()))
    if clash is not None and clash is not forbund:
        raise RuleViolation("name", _lo("Det finns redan ett förbund med namnet %(name)s.",
                                        name=name))
    orgnr: str | None = None
    if data.organisationsnummer.strip():
        try:
            orgnr = normalise_organisationsnummer(data.organisationsnummer)
        except ValueError as exc:
            raise RuleViolation("organisationsnummer", exc.args[0]) from exc
        clash = db.session.scalar(select(Forbund).where(Forbund.organisationsnummer == orgnr))
        if clash is not None and clash is not forbund:
            raise RuleViolation("organisationsnummer",
                                _lo("Organisationsnumret används redan av %(name)s.",
                                    name=clash.name))
    new = forbund is None
    forbund = forbund or Forbund()
    before = _forbund_fields(forbund)
    # Checked before anything is set on a loaded förbund: nothing half-saved.
    checked = Forbund(postadress="", kontakt_epost="", kontakt_telefon="", dataskyddsombud="")
    _controller_details(data, checked)
    forbund.name = name
    forbund.organisationsnummer = orgnr
    forbund.kommun_text = data.kommun_text.strip()
    for field in ("postadress", "kontakt_epost", "kontakt_telefon", "dataskyddsombud"):
        if getattr(data, field) is not None:
            setattr(forbund, field, getattr(checked, field))
    db.session.add(forbund)
    db.session.flush()
    changed = sorted(k for k, v in _forbund_fields(forbund).items() if before[k] != v)
    if new or changed:
        log_event(actor=by, action="forbund.created" if new else "forbund.changed",
                  subject=f"forbund:{forbund.id}",
                  why="Lade upp förbundet" if new else "Ändrade förbundets uppgifter",
                  forbund_id=forbund.id, details={"changed": changed})
    return forbund


def _forbund_fields(forbund: Forbund) -> dict[str, object]:
    return {"name": forbund.name, "organisationsnummer": forbund.organisationsnummer,
            "kommun_text": forbund.kommun_text or "", "postadress": forbund.postadress or "",
            "kontakt_epost": forbund.kontakt_epost or "",
            "kontakt_telefon": forbund.kontakt_telefon or "",
            "dataskyddsombud": forbund.dataskyddsombud or ""}


def _check_insats(forbund: Forbund, data: InsatsInput, insats: Insats | None) -> str:
    name = " ".join(data.name.split())
    if not name:
        raise RuleViolation("name", _lo("Ange insatsens namn."))
    if (unprintable := unprintable_o(name)) is not None:  # printed on every PDF
        raise RuleViolation("name", unprintable)
    clash = db.session.scalar(select(Insats).where(
        Insats.forbund_id == forbund.id, func.lower(Insats.name) == name.lower()))
    if clash is not None and clash is not insats:
        raise RuleViolation("name", _lo("Förbundet har redan en insats med namnet %(name)s.",
                                        name=name))
    if data.start_date < EARLIEST_START:
        raise RuleViolation("start_date", _lo(
            "Startdatum kan inte ligga före 2004-01-01, då lagen om finansiell samordning "
            "trädde i kraft."))
    if data.end_date is not None:
        if data.end_date < data.start_date:
            raise RuleViolation("end_date", _lo("Slutdatum kan inte ligga före startdatum."))
        limit = data.start_date.replace(year=data.start_date.year + MAX_PERIOD_YEARS)
        if data.end_date > limit:
            raise RuleViolation("end_date", _lo(
                "En insats kan pågå i högst %(years)d år; slutdatum senast %(limit)s.",
                years=MAX_PERIOD_YEARS, limit=limit.isoformat()))
    if data.kind not in vocab.INRIKTNINGAR:
        raise RuleViolation("kind", _lo("Välj om insatsen är individinriktad eller "
                                        "strukturövergripande."))
    if data.inriktning not in {c.code for c in vocab.INRIKTNINGAR[data.kind]}:
        raise RuleViolation("inriktning", _lo(
            "Inriktningen passar inte en %(kind)s insats; välj en av dess inriktningar.",
            kind=str(vocab.label(vocab.KINDS, data.kind)).lower()))
    if data.finansieringsform not in {c.code for c in vocab.FINANSIERINGSFORMER}:
        raise RuleViolation("finansieringsform", _lo("Välj en finansieringsform."))
    if data.is_volyminsats and data.kind != vocab.INDIVIDINRIKTAD:
        raise RuleViolation("is_volyminsats", _lo(
            "Bara en individinriktad insats kan vara volyminsats: den räknar deltagare."))
    return name


def save_insats(forbund: Forbund, data: InsatsInput, insats: Insats | None = None) -> Insats:
    """Create or update an insats of ``forbund``; flushes, never commits."""
    name = _check_insats(forbund, data, insats)
    insats = insats or Insats(forbund_id=forbund.id)
    insats.name = name
    insats.description = data.description.strip()
    insats.start_date = data.start_date
    insats.end_date = data.end_date
    insats.kind = data.kind
    insats.inriktning = data.inriktning
    insats.finansieringsform = data.finansieringsform
    insats.is_volyminsats = data.is_volyminsats
    insats.prio_langtidssjukskrivna = data.prio_langtidssjukskrivna
    insats.prio_unga_aktivitetsersattning = data.prio_unga_aktivitetsersattning
    insats.prio_unga_funktionsnedsattning = data.prio_unga_funktionsnedsattning
    db.session.add(insats)
    db.session.flush()
    return insats
