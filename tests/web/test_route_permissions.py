"""Every route × every role, anonymous included: the server refuses what a role may not do.

The table must name every route of the app; a new route without a row fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select

from formapp.extensions import db
from formapp.records.models import Consent
from formapp.webclient import Browser
from tests.web.registration_helpers import register_one
from tests.web.test_consent_flow import hand_back, officer, read_url, sign, start
from tests.world import PASSWORD, World, build_world

ROLES = ("anonymous", "system_admin", "samverkansadmin", "insatsansvarig", "deltagaransvarig",
         "rapport", "other_forbund_admin")
LOGGED_IN = ROLES[1:]
LOGIN = "login"  # a redirect to the login page


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    url: Callable[[World], str]
    allowed: dict[str, int | str]  # role -> expected status when allowed
    default: int | str = 403  # every other logged-in role
    anonymous: int | str = LOGIN
    data: dict[str, str] = field(default_factory=dict)

    def expected(self, role: str) -> int | str:
        if role == "anonymous":
            return self.anonymous
        return self.allowed.get(role, self.default)


def every(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(LOGGED_IN, status)


def only(status: int | str, *roles: str) -> dict[str, int | str]:
    return dict.fromkeys(roles, status)


FORBUND_ADMINS = ("system_admin", "samverkansadmin")
INSATS_EDITORS = ("samverkansadmin", "insatsansvarig")
A_VIEWERS = ("system_admin", "samverkansadmin", "insatsansvarig", "rapport")
A_REPORT_VIEWERS = ("samverkansadmin", "insatsansvarig", "rapport")
REPORT_VIEWERS = (*A_REPORT_VIEWERS, "other_forbund_admin")

TABLE: tuple[Row, ...] = (
    Row("auth.login", "GET", lambda w: "/login", every(302), anonymous=200),
    Row("auth.change_password", "GET", lambda w: "/account/password", every(200)),
    Row("home.index", "GET", lambda w: "/", every(200)),
    Row("home.health", "GET", lambda w: "/healthz", every(200), anonymous=200),
    Row("fonts.stylesheet", "GET", lambda w: "/fonts/fonts.css", every(200), anonymous=200),
    Row("fonts.font", "GET", lambda w: "/fonts/noto-none.woff2", every(404), anonymous=404),
    Row("icons.favicon", "GET", lambda w: "/favicon.ico", every(200), anonymous=200),
    Row("language.officer", "POST", lambda w: "/language", every(302), anonymous=302,
        data={"lang": "sv", "next": "/"}),
    Row("forbund.index", "GET", lambda w: "/forbund/", only(200, "system_admin")),
    Row("forbund.new", "GET", lambda w: "/forbund/new", only(200, "system_admin")),
    Row("forbund.show", "GET", lambda w: f"/forbund/{w.forbund_a.id}",
        only(200, *FORBUND_ADMINS)),
    Row("forbund.edit", "GET", lambda w: f"/forbund/{w.forbund_a.id}/edit",
        only(200, *FORBUND_ADMINS)),
    Row("insatser.index", "GET", lambda w: "/insatser/", every(200)),
    Row("insatser.new", "GET", lambda w: "/insatser/new",
        only(200, *INSATS_EDITORS, "other_forbund_admin")),
    Row("insatser.show", "GET", lambda w: f"/insatser/{w.insats_a1.id}",
        only(200, *A_VIEWERS, "deltagaransvarig")),
    Row("insatser.show", "GET", lambda w: f"/insatser/{w.insats_a2.id}", only(200, *A_VIEWERS)),
    Row("insatser.edit", "GET", lambda w: f"/insatser/{w.insats_a1.id}/edit",
        only(200, *INSATS_EDITORS)),
    Row("insatser.assign", "POST", lambda w: f"/insatser/{w.insats_a1.id}/deltagaransvariga",
        only(422, *INSATS_EDITORS)),
    Row("users.index", "GET", lambda w: f"/forbund/{w.forbund_a.id}/users/",
        only(200, *FORBUND_ADMINS)),
    Row("users.new", "GET", lambda w: f"/forbund/{w.forbund_a.id}/users/new",
        only(200, *FORBUND_ADMINS)),
    Row("users.edit", "GET", lambda w: f"/users/{w.target.id}", only(200, *FORBUND_ADMINS)),
    Row("users.edit", "POST", lambda w: f"/users/{w.target.id}", only(200, *FORBUND_ADMINS)),
    Row("users.add_grant", "POST", lambda w: f"/users/{w.target.id}/grants",
        only(422, *FORBUND_ADMINS)),
    # Sign-in (issue 20). No identity provider is configured here: its pages are not there;
    # without a password just typed, the code pages send to the login.
    Row("users.link_idp", "POST", lambda w: f"/users/{w.target.id}/idp",
        only(404, *FORBUND_ADMINS)),
    Row("users.unlink_idp", "POST", lambda w: f"/users/{w.target.id}/idp/remove",
        only(302, *FORBUND_ADMINS)),
    Row("users.reset_user_totp", "POST", lambda w: f"/users/{w.target.id}/totp/reset",
        only(302, *FORBUND_ADMINS)),
    Row("oidc.start", "GET", lambda w: "/login/oidc/idp", every(404), anonymous=404),
    Row("oidc.callback", "GET", lambda w: "/login/oidc/idp/callback", every(404),
        anonymous=404),
    Row("second_factor.code", "GET", lambda w: "/login/kod", every(LOGIN)),
    Row("second_factor.enrol", "GET", lambda w: "/login/engangskoder", every(LOGIN)),
    Row("second_factor.account", "GET", lambda w: "/konto/inloggning", every(200)),
    Row("second_factor.account_enrol", "GET", lambda w: "/konto/engangskoder", every(200)),
    Row("second_factor.account_recovery_codes", "POST", lambda w: "/konto/reservkoder",
        every(302)),
    Row("second_factor.account_disable", "POST", lambda w: "/konto/engangskoder/av",
        every(302)),
    Row("second_factor.account_pin", "POST", lambda w: "/konto/kod-for-surfplattan",
        every(422), data={"pin": "12"}),
    Row("consent.start", "GET", lambda w: f"/insatser/{w.insats_a1.id}/samtycke",
        only(200, "deltagaransvarig")),
    # Without a hand-over of one's own, a participant page is not there for anyone.
    Row("consent.language", "GET", lambda w: "/deltagare/no-such-token/sprak", every(404)),
    Row("consent.read", "GET", lambda w: "/deltagare/no-such-token/sv", every(404)),
    Row("consent.pause", "POST", lambda w: "/deltagare/no-such-token/sv/paus", every(404)),
    Row("consent.done", "GET", lambda w: "/deltagare/klart", every(302)),
    Row("consent.hand_back", "GET", lambda w: "/deltagare/tillbaka", every(302)),
    Row("consent.paused", "GET", lambda w: "/samtycke/no-such-token/pausat", every(404)),
    Row("consent.receipt", "GET", lambda w: f"/samtycken/{w.consent_id}",
        only(200, "deltagaransvarig")),
    Row("consent.pdf", "GET", lambda w: f"/samtycken/{w.consent_id}/pdf",
        only(200, "deltagaransvarig")),
    Row("consent_texts.index", "GET", lambda w: f"/forbund/{w.forbund_a.id}/samtyckestexter",
        only(200, *FORBUND_ADMINS)),
    # Publishing: only the förbund's own samverkansadministratör (no file: refused at the field).
    Row("consent_texts.index", "POST", lambda w: f"/forbund/{w.forbund_a.id}/samtyckestexter",
        only(422, "samverkansadmin")),
    Row("consent_texts.upload_audio", "POST",
        lambda w: f"/forbund/{w.forbund_a.id}/samtyckestexter/upplasning",
        only(422, "samverkansadmin")),  # no file: refused with a message
    # Read aloud: the texts' audio, for any logged-in user (the tablet is the officer's).
    Row("read_aloud.machine_section", "GET", lambda w: "/upplasning/9443-sv-2026-1/0.wav",
        every(200)),
    Row("read_aloud.recording", "GET", lambda w: "/upplasning/inspelning/999999", every(404)),
    # The understanding questions: only the tablet's own hand-over; a text without questions
    # has no reading of a question it does not ask.
    Row("understanding.begin", "POST", lambda w: "/deltagare/no-such-token/sv/till-fragorna",
        every(404)),
    Row("understanding.questions", "GET", lambda w: "/deltagare/no-such-token/sv/fragor",
        every(404)),
    Row("understanding.question_audio", "GET",
        lambda w: "/upplasning/fraga/9443-sv-2026-1/no-such-question.wav", every(404)),
    # The audit search: every förbund for the system administrator, their own for the others.
    Row("audit.search", "GET", lambda w: "/granskningslogg",
        only(200, "system_admin", "samverkansadmin", "other_forbund_admin")),
    Row("audit.search", "POST", lambda w: "/granskningslogg",
        only(200, "system_admin", "samverkansadmin", "other_forbund_admin")),
    Row("people.search", "GET", lambda w: f"/forbund/{w.forbund_a.id}/personer",
        only(200, "samverkansadmin")),
    Row("people.show", "GET", lambda w: f"/personer/{w.person_id}",
        only(200, "samverkansadmin")),
    Row("people.consent_pdf", "GET",
        lambda w: f"/personer/{w.person_id}/samtycken/{w.consent_id}/pdf",
        only(200, "samverkansadmin")),
    Row("people.extract", "POST", lambda w: f"/personer/{w.person_id}/registerutdrag",
        only(422, "samverkansadmin")),  # no request noted: refused
    Row("people.withdraw", "POST",
        lambda w: f"/personer/{w.person_id}/samtycken/{w.consent_id}/aterkalla",
        only(302, "samverkansadmin")),  # no reason: refused with a message, nothing changes
    Row("consent.withdrawal_pdf", "GET", lambda w: f"/samtycken/{w.consent_id}/kvitto.pdf",
        only(404, "deltagaransvarig")),  # not withdrawn (yet): no receipt
    Row("consent.withdraw", "POST", lambda w: f"/samtycken/{w.consent_id}/aterkalla",
        only(422, "deltagaransvarig")),  # no reason given: refused, nothing changes
    # FK 9448/9449 and counts: only the deltagaransvarig assigned to the insats; volume counts
    # only the insatsansvarig, only in a volyminsats.
    Row("registration.gate", "GET", lambda w: f"/insatser/{w.insats_a1.id}/inregistrering",
        only(200, "deltagaransvarig")),
    Row("registration.gate", "GET", lambda w: f"/insatser/{w.insats_a2.id}/inregistrering",
        {}),
    Row("registration.new", "GET", lambda w: f"/samtycken/{w.consent_id}/inregistrering",
        only(200, "deltagaransvarig")),
    Row("registration.show", "GET", lambda w: f"/registreringar/{w.registration_id}",
        only(200, "deltagaransvarig")),
    Row("registration.pdf", "GET", lambda w: f"/registreringar/{w.registration_id}/pdf",
        only(200, "deltagaransvarig")),
    Row("registration.correct", "GET",
        lambda w: f"/registreringar/{w.registration_id}/rattelse", only(200, "deltagaransvarig")),
    Row("registration.revision_pdf", "GET",
        lambda w: f"/registreringar/{w.registration_id}/historik/999.pdf",
        only(404, "deltagaransvarig")),  # no rättelse yet
    Row("deregistration.new", "GET",
        lambda w: f"/registreringar/{w.registration_id}/utregistrering",
        only(200, "deltagaransvarig")),
    Row("deregistration.pdf", "GET",
        lambda w: f"/registreringar/{w.registration_id}/utregistrering.pdf",
        only(404, "deltagaransvarig")),  # not ended (yet)
    Row("deregistration.correct", "GET",
        lambda w: f"/registreringar/{w.registration_id}/utregistrering/rattelse",
        only(302, "deltagaransvarig")),  # not ended: back to the registration
    Row("deregistration.erase", "GET", lambda w: f"/registreringar/{w.registration_id}/ta-bort",
        only(200, "deltagaransvarig")),
    Row("deregistration.erase", "POST", lambda w: f"/registreringar/{w.registration_id}/ta-bort",
        only(422, "deltagaransvarig")),  # not confirmed: refused, nothing removed
    Row("participants.search", "GET", lambda w: f"/insatser/{w.insats_a1.id}/deltagare",
        only(200, "deltagaransvarig")),
    Row("participants.search", "POST", lambda w: f"/insatser/{w.insats_a1.id}/deltagare",
        only(200, "deltagaransvarig"), data={"q": "19121212-1212"}),
    Row("counts.anonymous", "GET", lambda w: f"/insatser/{w.insats_a1.id}/anonyma",
        only(200, "deltagaransvarig")),
    Row("counts.anonymous", "POST", lambda w: f"/insatser/{w.insats_a1.id}/anonyma",
        only(422, "deltagaransvarig")),  # no number: refused
    Row("counts.volume", "GET", lambda w: f"/insatser/{w.insats_volume.id}/volym",
        only(200, "insatsansvarig")),
    Row("counts.volume", "GET", lambda w: f"/insatser/{w.insats_a1.id}/volym", {}),
    Row("counts.volume", "POST", lambda w: f"/insatser/{w.insats_volume.id}/volym",
        only(422, "insatsansvarig")),
    # Reports (issue 7): Rapport, samverkansadministratör and insatsansvarig of the förbund,
    # never a system administrator; another förbund's insats is not there (404).
    Row("reports.index", "GET", lambda w: "/rapporter/", only(200, *REPORT_VIEWERS)),
    Row("reports.show", "GET", lambda w: "/rapporter/avslut", only(200, *REPORT_VIEWERS)),
    Row("reports.show", "GET", lambda w: f"/rapporter/nationell?ar=alla&insats={w.insats_a1.id}",
        {**only(200, *A_REPORT_VIEWERS), "other_forbund_admin": 404}),
    Row("reports.excel", "GET", lambda w: "/rapporter/resultat/excel",
        only(200, *REPORT_VIEWERS)),
    Row("reports.chart", "GET", lambda w: "/rapporter/kon-alder/diagram/alder.svg",
        only(200, *REPORT_VIEWERS)),
    Row("reports.chart", "GET", lambda w: "/rapporter/avslut/diagram/avslutsanledning.png",
        only(200, *REPORT_VIEWERS)),
    Row("reports.export", "GET", lambda w: "/rapporter/export", only(200, *REPORT_VIEWERS)),
    # Personnummer without a reason: refused to those with the right, ignored for the others.
    Row("reports.export", "POST", lambda w: "/rapporter/export",
        {**only(200, *REPORT_VIEWERS), "samverkansadmin": 422, "other_forbund_admin": 422},
        data={"identity": "y", "year": "", "insats_id": ""}),
    Row("reports.import_excel", "GET", lambda w: "/rapporter/import",
        only(200, "deltagaransvarig")),
    Row("reports.import_excel", "POST", lambda w: "/rapporter/import",
        only(422, "deltagaransvarig")),  # no file: refused
    # An import's progress is its importer's alone: no such import here, for anyone.
    Row("reports.import_job", "GET", lambda w: f"/rapporter/import/{'0' * 32}",
        only(404, "deltagaransvarig")),
    Row("reports.import_status", "GET", lambda w: f"/rapporter/import/{'0' * 32}/status",
        only(404, "deltagaransvarig")),
    # State-changing rows last: they act on records no role's own access depends on.
    Row("insatser.unassign", "POST",
        lambda w: f"/insatser/{w.insats_a1.id}/deltagaransvariga/{w.extra_assignment.id}/remove",
        only(200, *INSATS_EDITORS)),  # not confirmed: the confirmation page, nothing removed
    Row("users.renew", "POST", lambda w: f"/grants/{w.target_grant.id}/renew",
        only(302, *FORBUND_ADMINS)),
    Row("users.revoke", "POST", lambda w: f"/grants/{w.target_grant.id}/revoke",
        only(200, *FORBUND_ADMINS)),  # not confirmed: the confirmation page, nothing removed
    # Logging out ends every session: the very last row.
    Row("auth.logout", "POST", lambda w: "/logout", every(LOGIN)),
)


def _outcome(response) -> int | str:
    if response.status_code == 302 and "/login" in response.headers["Location"]:
        return LOGIN
    return response.status_code


def test_table_names_every_route(app: Flask) -> None:
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes == {row.endpoint for row in TABLE}


def test_every_route_for_every_role(app: Flask) -> None:
    world = build_world()
    taker = officer(app, world)
    sign(taker, read_url(start(taker, world), "sv"))
    hand_back(taker)
    world.consent_id = db.session.scalar(select(Consent.id))
    world.person_id = db.session.get(Consent, world.consent_id).person_id
    world.registration_id = register_one(app, world)
    browsers: dict[str, Browser] = {}
    for role in ROLES:
        browser = Browser(app.test_client())
        if role == "anonymous":
            browser.get("/login")
        else:
            assert _outcome(browser.login(world.email(role), PASSWORD)) == 302, role
        browsers[role] = browser

    wrong = []
    for row in TABLE:
        url = row.url(world)
        for role in ROLES:
            browser = browsers[role]
            response = browser.get(url) if row.method == "GET" else browser.post(url, row.data)
            if _outcome(response) != row.expected(role):
                wrong.append(f"{row.method} {url} as {role}: got {_outcome(response)}, "
                             f"expected {row.expected(role)}")
    assert not wrong, "\n".join(wrong)


def test_a_user_of_one_forbund_sees_nothing_of_another(app: Flask) -> None:
    world = build_world()
    browser = Browser(app.test_client())
    browser.login(world.email("other_forbund_admin"), PASSWORD)
    for url in ("/", "/insatser/", "/insatser/?visa=alla"):
        page = browser.get(url).get_data(as_text=True)
        assert "Insats B1" in page or url == "/"
        assert "Insats A1" not in page and "Förbund A" not in page
    assert browser.get(f"/forbund/{world.forbund_a.id}/users/").status_code == 403
    assert browser.get(f"/users/{world.target.id}").status_code == 403
