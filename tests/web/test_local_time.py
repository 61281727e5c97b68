"""Times a person reads are Swedish time (Europe/Stockholm, summer time too); the stored moment
stays UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from formapp.extensions import db
from formapp.localtime import local_text
from formapp.records.models import Registration
from tests.web.registration_helpers import register_one
from tests.web.test_consent_flow import officer
from tests.world import build_world

WINTER = datetime(2026, 12, 4, 17, 33, 5, tzinfo=UTC)  # 18:33 in Sweden
SUMMER = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # 12:00 in Sweden


@pytest.mark.parametrize(("moment", "options", "shown"), [
    (WINTER, {}, "2026-12-04 18:33"),
    (WINTER, {"seconds": True}, "2026-12-04 18:33:05"),
    (WINTER, {"zone": True}, "2026-12-04 18:33 CET"),
    (SUMMER, {"zone": True}, "2026-07-01 12:00 CEST"),
    (datetime(2026, 12, 31, 23, 30), {}, "2027-01-01 00:30"),  # naive: UTC, as SQLite gives it
])
def test_local_text(moment: datetime, options: dict, shown: str) -> None:
    assert local_text(moment, **options) == shown


def test_the_registration_page_shows_swedish_time(app: Flask) -> None:
    world = build_world()
    registration_id = register_one(app, world)
    db.session.get(Registration, registration_id).registered_at = WINTER
    db.session.commit()
    page = officer(app, world).get(f"/registreringar/{registration_id}").get_data(as_text=True)
    assert ">2026-12-04 18:33<" in page and ">2026-12-04 17:33" not in page
    assert 'datetime="2026-12-04T17:33:05+00:00"' in page  # the exact moment, machine-readable
