"""No personnummer in a URL (issue 15, point 5): searches by personnummer are POSTs, so the
number never reaches the access log of the server or of a proxy in front of it. A served run
over real HTTP, its request lines logged to a file, does every search an officer and an
administrator do with a personnummer; the log must not hold the number in any form."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from formapp.extensions import db
from formapp.records.audit import log_event
from tests.web.registration_helpers import PNR_KVINNA, register_one
from tests.web.served import HttpBrowser, served
from tests.world import PASSWORD, build_world

DIGITS = PNR_KVINNA.replace("-", "")  # 198001010100
FORMS_OF_THE_NUMBER = (DIGITS, PNR_KVINNA, DIGITS[2:], "800101-0100", "19800101%2D0100")


def test_searches_by_personnummer_leave_no_number_in_the_access_log(
        app: Flask, tmp_path: Path) -> None:
    world = build_world()
    registration_id = register_one(app, world, PNR_KVINNA)
    for number in range(60):  # two pages of entries about the person
        log_event(actor=world.users["samverkansadmin"], action="test.about_person",
                  subject=f"n:{number}", forbund_id=world.forbund_a.id, personnummer=DIGITS)
    db.session.commit()
    log = tmp_path / "access.log"

    with served(app, log) as base:
        officer = HttpBrowser(base)
        officer.login(world.email("deltagaransvarig"), PASSWORD)
        officer.get(f"/insatser/{world.insats_a1.id}/deltagare")
        for typed in (PNR_KVINNA, DIGITS, DIGITS[2:8]):
            officer.submit("q", {"q": typed})
            assert officer.status == 200, officer.status
            assert f"/registreringar/{registration_id}" in officer.html
        officer.submit("q", {"q": PNR_KVINNA, "status": "aktiva", "sort": "namn"})
        assert f"/registreringar/{registration_id}" in officer.html
        officer.get(f"/insatser/{world.insats_a1.id}/inregistrering")
        officer.submit("personnummer", {"personnummer": PNR_KVINNA})
        assert officer.status == 200

        admin = HttpBrowser(base)
        admin.login(world.email("samverkansadmin"), PASSWORD)
        admin.get("/granskningslogg")
        admin.submit("personnummer", {"personnummer": PNR_KVINNA})
        assert admin.status == 200 and "Sida 1 av 2" in admin.html, admin.status
        admin.submit("personnummer", button=("sida", "2"))  # the pager's "Nästa"
        assert "Sida 2 av 2" in admin.html
        admin.submit("personnummer", button=("kedja", "1"))
        assert "Hela kedjan är kontrollerad" in admin.html
        admin.submit("personnummer", {"personnummer": "19800101-0002"})  # refused at the field
        assert admin.status == 422
        admin.get(f"/forbund/{world.forbund_a.id}/personer")
        admin.submit("personnummer", {"personnummer": PNR_KVINNA})
        assert admin.status == 200 and "/personer/" in admin.url

    logged = log.read_text(encoding="utf-8")
    assert "POST /granskningslogg" in logged and "/deltagare" in logged  # the log is real
    for form in (*FORMS_OF_THE_NUMBER, "198001010002", "19800101-0002"):
        assert form not in logged, form
