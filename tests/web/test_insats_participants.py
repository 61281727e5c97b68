"""The insats page's "Deltagare": its participants (registrations) with personnummer and status,
50 to a page; deregistered ones say so; consents waiting for a registration apart; the list is
audited."""

from __future__ import annotations

import re
from datetime import date

from flask import Flask
from sqlalchemy import select

from formapp.extensions import db
from formapp.records.models import AuditEntry
from formapp.tooling.synthetic import Participation, insert_participations, placeholder_document
from tests.web.registration_helpers import PNR_MAN, take_consent
from tests.web.test_consent_flow import officer
from tests.world import build_world

ROW = re.compile(r'<a class="row-link" href="/registreringar/(\d+)">')


def test_participants_with_personnummer_and_status_fifty_to_a_page(app: Flask) -> None:
    world = build_world()
    document = placeholder_document(world.forbund_a.id, world.forbund_a.name)
    rows = [Participation(world.insats_a1.id, "kvinna" if n % 2 else "man",
                          date(1980, 1, 1 + n % 28), date(2024, 1, 1 + n % 28),
                          name=f"Deltagare {n:02d}",
                          end_date=date(2024, 12, 31) if n == 54 else None,
                          end_reason="1" if n == 54 else None,
                          supports_efter=("ingen",) if n == 54 else ())
            for n in range(55)]
    insert_participations(world.forbund_a.id, rows, document)
    db.session.commit()
    consent = take_consent(app, world, PNR_MAN)  # signed, not yet registered
    browser = officer(app, world)
    url = f"/insatser/{world.insats_a1.id}"

    first = browser.get(url).get_data(as_text=True)
    assert len(ROW.findall(first)) == 50 and "Sida 1 av 2" in first and "55 deltagare" in first
    assert re.search(r'<td class="ltr">\d{8}-\d{4}</td>', first)  # the personnummer
    assert "Aktiv" in first
    second = browser.get(f"{url}?sida=2").get_data(as_text=True)
    assert len(ROW.findall(second)) == 5 and "Sida 2 av 2" in second
    assert len(set(ROW.findall(first)) | set(ROW.findall(second))) == 55
    assert "Avslutad" in first + second  # the ended one says so, with its end date
    assert "2024-12-31" in first + second
    # The consent waiting for its registration, apart from the participants.
    assert "Samtycken som väntar på inregistrering" in first
    assert f'href="/samtycken/{consent.id}"' in first
    assert len(ROW.findall(browser.get(f"{url}?sida=abc").get_data(as_text=True))) == 50

    db.session.expire_all()
    listed = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "participants.listed")).all()
    assert len(listed) == 3 and '"page": 2' in listed[1].details
