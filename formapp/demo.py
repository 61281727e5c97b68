"""Demo data: one clearly marked demo förbund with insatser and a user per role.

Never loaded in production (``FORMAPP_ENV=production`` refuses). Names and addresses use the
reserved ``.example`` domain so nothing can reach a real person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from formapp.cases.accounts import UserInput, grant_role, save_user
from formapp.cases.consent_texts import publish_formapp_text
from formapp.cases.organisations import ForbundInput, InsatsInput, save_forbund, save_insats
from formapp.demo_participants import load_demo_participants
from formapp.domain import insatser as vocab
from formapp.extensions import db
from formapp.records.models import Forbund, Role, User
from formapp.tooling.demo_data import load_report_demo

DEMO_FORBUND_NAME = "Samordningsförbundet Demo (DEMO)"
DEMO_PASSWORD = "demo-formapp-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    roles: tuple[Role, ...]
    employed_by_forbund: bool = False
    system_admin: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("system@demo.formapp.example", "Sara Systemadmin (demo)", (), system_admin=True),
    DemoUser("admin@demo.formapp.example", "Anna Administratör (demo)",
             (Role.SAMVERKANSADMIN, Role.RAPPORT), employed_by_forbund=True),
    DemoUser("insats@demo.formapp.example", "Ivar Insatsansvarig (demo)",
             (Role.INSATSANSVARIG, Role.RAPPORT)),
    DemoUser("deltagare@demo.formapp.example", "Dana Deltagaransvarig (demo)",
             (Role.DELTAGARANSVARIG, Role.RAPPORT)),
    DemoUser("rapport@demo.formapp.example", "Rut Rapport (demo)", (Role.RAPPORT,)),
)


def _demo_insatser(year: int) -> tuple[InsatsInput, ...]:
    return (
        InsatsInput(name="Steget vidare (demo)", start_date=date(year - 1, 1, 1),
                    end_date=date(year + 1, 12, 31), kind=vocab.INDIVIDINRIKTAD,
                    inriktning="rehabilitering_arbete_utbildning", finansieringsform="finsam",
                    description="Påhittad insats för demonstration: stöd till arbete eller "
                                "studier.",
                    prio_langtidssjukskrivna=True),
        InsatsInput(name="Unga på väg (demo)", start_date=date(year, 1, 1), end_date=None,
                    kind=vocab.INDIVIDINRIKTAD, inriktning="forberedande",
                    finansieringsform="finsam", description="Påhittad insats för unga.",
                    prio_unga_aktivitetsersattning=True, prio_unga_funktionsnedsattning=True),
        InsatsInput(name="Öppen vägledning (demo)", start_date=date(year, 1, 1),
                    end_date=date(year, 12, 31), kind=vocab.INDIVIDINRIKTAD,
                    inriktning="forebyggande", finansieringsform="finsam",
                    is_volyminsats=True, description="Påhittad volyminsats."),
        InsatsInput(name="Samverkansdagar (demo)", start_date=date(year, 3, 1),
                    end_date=date(year, 11, 30), kind=vocab.STRUKTUROVERGRIPANDE,
                    inriktning="utbildning", finansieringsform="finsam",
                    description="Påhittad utbildning för myndighetspersonal."),
    )


def load_demo(today: date) -> bool:
    """Create the demo förbund, its insatser and users. False if it already exists."""
    if db.session.scalar(select(Forbund).where(Forbund.name == DEMO_FORBUND_NAME)):
        return False
    forbund = save_forbund(ForbundInput(
        name=DEMO_FORBUND_NAME, organisationsnummer="222000-0000",
        kommun_text="Demokommunen, Region Demo, Arbetsförmedlingen, Försäkringskassan",
        postadress="Box 123\n123 45 Demostad", kontakt_epost="registrator@demo.formapp.example",
        kontakt_telefon="010-123 45 67", dataskyddsombud="dataskyddsombud@demo.formapp.example"))
    forbund.is_demo = True
    # formapp's own text, filled in with the demo förbund's details (the default, issue 18).
    publish_formapp_text(forbund, retention_years=current_app.config["FORMAPP_RETENTION_YEARS"],
                         by=None)
    insatser = [save_insats(forbund, data) for data in _demo_insatser(today.year)]
    assignable = [i for i in insatser if not i.is_volyminsats
                  and i.kind == vocab.INDIVIDINRIKTAD]
    for spec in DEMO_USERS:
        user = save_user(None if spec.system_admin else forbund, UserInput(
            email=spec.email, full_name=spec.full_name, password=DEMO_PASSWORD,
            employed_by_forbund=spec.employed_by_forbund, is_system_admin=spec.system_admin),
            today=today)
        for role in spec.roles:
            targets = assignable if role == Role.DELTAGARANSVARIG else [None]
            for insats in targets:
                grant_role(user, role, valid_from=today, valid_until=None, insats=insats,
                           granted_by=None, today=today)
    db.session.flush()
    users = {u.email: u for u in demo_users()}
    # Participations for every report (issue 7), each on a consent signed in formapp.
    load_report_demo(forbund, insatser, today, users["deltagare@demo.formapp.example"])
    # A few participants through the real FK 9443/9448/9449 store (sealed PDFs, history).
    load_demo_participants(insatser, users["deltagare@demo.formapp.example"],
                           users["insats@demo.formapp.example"], today)
    return True


def demo_users() -> list[User]:
    emails = [u.email for u in DEMO_USERS]
    return list(db.session.scalars(select(User).where(User.email.in_(emails))))
