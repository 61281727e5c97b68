"""Demo participants: a few clearly fake people with consents, registrations and counts, made
with the real store functions (so the demo shows sealed PDFs, Sök deltagare and history).

Personnummer are test numbers (1912-era birth dates, never a living person; födelsenummer never
000); one is a samordningsnummer whose birth month is unknown (00), so its age shows "okänd".
Every name ends in "(demo)".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from formapp.cases.consent import sign_consent, start_draft
from formapp.cases.counts import change_anonymous_count, change_volume_count
from formapp.cases.deregistration import deregister
from formapp.cases.registration import correct_registration, register_participant
from formapp.documents.consent import Signature, SignatureStroke
from formapp.domain import kommuner
from formapp.records.models import Consent, Insats, User


@dataclass(frozen=True)
class DemoPerson:
    personnummer: str
    name: str
    insats: int  # index into the demo insatser
    registered: bool = True
    ended_reason: str | None = None


DEMO_PEOPLE = (
    DemoPerson("19121212-1212", "Tolvan Tolvansson (demo)", 0),
    DemoPerson("19130313-1005", "Alva Exempelsson (demo)", 0, ended_reason="2"),
    DemoPerson("19140414-1010", "Bo Provsson (demo)", 0, registered=False),
    DemoPerson("19150515-1009", "Cilla Testsson (demo)", 1),
    DemoPerson("19160077-2063", "Dana Samordningsson (demo)", 1),  # born 1916, month unknown
)


def _signature() -> Signature:
    points = tuple((0.1 + 0.8 * i / 39, 0.5 + 0.3 * math.sin(i / 2)) for i in range(40))
    return Signature((SignatureStroke(points),), aspect=3.0)


def _consent(insats: Insats, officer: User, person: DemoPerson, today: date) -> Consent:
    draft = start_draft(insats, officer, personnummer=person.personnummer, place="Demokommunen",
                        today=today)
    return sign_consent(draft, locale="sv", name=person.name, signature=_signature(),
                        confirmed_read=True)


def _answers(person: DemoPerson, start: date) -> dict[str, object]:
    stockholm = person.insats == 1
    answers: dict[str, object] = {
        "namn": person.name, "startdatum": start.isoformat(),
        "kommun": kommuner.STOCKHOLM if stockholm else "2480",
        "utbildning": "grundskola" if stockholm else "gymnasium",
        "forsorjning_tid": "upp_till_3", "forsorjning_fore": ["forsorjningsstod"],
        "aktivt_arbetssokande_fore": "ja", "arbetar_fore": "nej", "studerar_fore": "nej",
    }
    if stockholm:
        answers["stadsdel"] = kommuner.stadsdelar(kommuner.STOCKHOLM, start)[0]
    return answers


def load_demo_participants(insatser: list[Insats], officer: User, insatsansvarig: User,
                           today: date) -> None:
    """Consents, registrations (one ended, one corrected), anonymous and volume counts."""
    individual = [i for i in insatser if not i.is_volyminsats and i.runs_on(today)]
    for person in DEMO_PEOPLE:
        insats = individual[person.insats % len(individual)]
        consent = _consent(insats, officer, person, today)
        if not person.registered:
            continue
        start = max(insats.start_date, today - timedelta(days=120))
        registration = register_participant(consent, _answers(person, start), officer=officer,
                                            today=today)
        if person.ended_reason:
            end = min(today, start + timedelta(days=60))
            deregister(registration, {
                "namn": person.name, "avslutningsdatum": end.isoformat(),
                "avslutningsanledning": person.ended_reason,
                "forsorjning_efter": ["sjukpenning"], "aktivt_arbetssokande_efter": "nej",
                "arbetar_efter": "nej", "studerar_efter": "nej"}, by=officer, today=today)
        elif person.insats == 0:
            # A rättelse, so the history shows something.
            correct_registration(registration, {**_answers(person, start),
                                                "utbildning": "annan_eftergymnasial"},
                                 by=officer, today=today,
                                 now=datetime.now(UTC) + timedelta(seconds=1))
    first = individual[0]
    change_anonymous_count(first, year=today.year, kon="kvinna", delta=2, by=officer,
                           today=today)
    change_anonymous_count(first, year=today.year, kon="man", delta=3, by=officer, today=today)
    for insats in insatser:
        if insats.is_volyminsats and insats.runs_on(today):
            change_volume_count(insats, year=today.year, delta=12, by=insatsansvarig,
                                today=today)
