"""Signing in at the organisation's identity provider (issue 20), against a real, certified
OpenID provider (npm's oidc-provider on a loopback port): login, a wrong state, a replayed
code, an expired ID token, an unknown subject, a closed account, the second-factor rule, the
identifying claim, and logout at both ends."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from formapp.cases.idp_links import link_user
from formapp.extensions import db
from formapp.oidc_config import OidcProvider
from formapp.records.models import AuditEntry, LoginSession, User
from tests.conftest import make_app, tables_of
from tests.oidc_provider import MFA_ACR, Browser, RunningProvider, running_provider
from tests.web.served import served
from tests.world import PASSWORD, World, build_world


@pytest.fixture(scope="module")
def idp() -> Iterator[RunningProvider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture(scope="module")
def late_idp() -> Iterator[RunningProvider]:
    """A provider whose clock is two hours behind: its ID tokens have expired on arrival."""
    with running_provider(clock_skew=-2 * 3600) as provider:
        yield provider


@dataclass
class Site:
    app: Flask
    base: str
    world: World
    provider: OidcProvider

    def browser(self) -> Browser:
        return Browser(self.base)

    def link(self, role: str, subject: str) -> User:
        user = self.world.users[role]
        link_user(user, self.provider, subject, by=self.world.users["samverkansadmin"])
        db.session.commit()
        return user

    def refusals(self) -> list[str]:
        db.session.expire_all()
        return [e.details for e in db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "login.idp_refused").order_by(AuditEntry.id))]


@contextmanager
def site_with(database_url: str, tmp_path: Path, provider: OidcProvider,
              **overrides: object) -> Iterator[Site]:
    app = make_app(database_url, tmp_path / "data", FORMAPP_OIDC_PROVIDERS=(provider,),
                   **overrides)
    with tables_of(app), served(app, tmp_path / "access.log") as base:
        yield Site(app, base, build_world(), provider)


@pytest.fixture
def site(database_url: str, tmp_path: Path, idp: RunningProvider) -> Iterator[Site]:
    with site_with(database_url, tmp_path, idp.config()) as running:
        yield running


def _logged_in(browser: Browser) -> bool:
    browser.get("/")
    return browser.status == 200 and "Logga ut" in browser.html


def test_the_login_page_offers_the_identity_provider(site: Site) -> None:
    browser = site.browser()
    browser.get("/login")
    assert "Logga in med Testregionen" in browser.html
    assert 'href="/login/oidc/idp"' in browser.html


def test_login_at_the_provider_opens_a_session(site: Site) -> None:
    user = site.link("deltagaransvarig", "anna")
    browser = site.browser()
    browser.sign_in_at_provider("anna")
    assert browser.status == 200 and "Logga ut" in browser.html, browser.html[-500:]
    assert user.full_name in browser.html
    # The authorisation request used PKCE (S256); the callback came with code and state.
    auth = next(u for u in browser.visited if "/auth?" in u)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(auth).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["state"] and query["nonce"]
    db.session.expire_all()
    assert user.last_login_method == "idp" and user.last_login_at is not None
    login = db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    assert login.method == "idp" and login.id_token.count(".") == 2


def test_a_wrong_state_is_refused(site: Site) -> None:
    site.link("deltagaransvarig", "anna")
    browser = site.browser()
    browser.stop_at = lambda url: "/callback?" in url
    browser.sign_in_at_provider("anna")
    callback = urllib.parse.urlsplit(browser.location)
    query = dict(urllib.parse.parse_qsl(callback.query))
    assert query["code"] and query["state"]
    forged = urllib.parse.urlencode({**query, "state": "not-the-state-formapp-sent"})
    browser.get(f"{callback.path}?{forged}")
    assert browser.status == 403 and "kunde inte slutföras" in browser.html
    assert not _logged_in(browser)
    assert '"reason": "mismatching_state"' in site.refusals()[-1]


def test_a_replayed_code_is_refused(site: Site) -> None:
    """The callback URL and the cookie of its browser copied, and sent again after the real
    login: the provider refuses the used code, and nobody is logged in."""
    site.link("deltagaransvarig", "anna")
    browser = site.browser()
    browser.stop_at = lambda url: "/callback?" in url
    browser.sign_in_at_provider("anna")
    callback, before = browser.location, browser.copy_cookies()
    browser.stop_at = lambda url: False
    browser.get(callback)
    assert _logged_in(browser)

    thief = Browser(site.base, cookies=before)
    thief.get(callback)
    assert thief.status == 403 and "kunde inte slutföras" in thief.html
    assert not _logged_in(thief)
    assert '"reason": "invalid_grant"' in site.refusals()[-1]
    # And the same URL in the browser that used it: its state is spent.
    browser.get(callback)
    assert browser.status == 403


def test_an_expired_id_token_is_refused(database_url: str, tmp_path: Path,
                                        late_idp: RunningProvider) -> None:
    with site_with(database_url, tmp_path, late_idp.config()) as running:
        running.link("deltagaransvarig", "anna")
        browser = running.browser()
        browser.sign_in_at_provider("anna")
        assert browser.status == 403 and "kunde inte slutföras" in browser.html
        assert not _logged_in(browser)
        assert '"reason": "expired_token"' in running.refusals()[-1]


def test_an_unknown_subject_is_refused_and_no_account_is_made(site: Site) -> None:
    users = db.session.query(User).count()
    browser = site.browser()
    browser.sign_in_at_provider("stranger")
    assert browser.status == 403 and "har inget konto i formapp" in browser.html
    assert not _logged_in(browser)
    assert db.session.query(User).count() == users
    assert '"reason": "unknown_subject"' in site.refusals()[-1]


def test_a_closed_account_is_refused(site: Site) -> None:
    user = site.link("deltagaransvarig", "anna")
    user.is_active = False
    db.session.commit()
    browser = site.browser()
    browser.sign_in_at_provider("anna")
    assert browser.status == 403 and "inte aktivt" in browser.html
    assert not _logged_in(browser)


def test_a_linked_user_can_not_log_in_with_the_password(site: Site) -> None:
    site.link("deltagaransvarig", "anna")
    browser = site.browser()
    browser.get("/login")
    browser.submit("/login", {"email": site.world.email("deltagaransvarig"),
                              "password": PASSWORD})
    assert "Ditt konto loggar in med Testregionen" in browser.html
    assert not _logged_in(browser)


def test_logout_ends_the_session_here_and_at_the_provider(site: Site) -> None:
    site.link("deltagaransvarig", "anna")
    browser = site.browser()
    browser.sign_in_at_provider("anna")
    assert _logged_in(browser)
    browser.submit("/logout")
    # At the provider's end-session endpoint, with the ID token as hint.
    end = next(u for u in browser.visited if "/session/end" in u)
    assert end.startswith(site.provider.issuer + "/session/end?")
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(end).query)
    assert params["id_token_hint"] and params["post_logout_redirect_uri"] == [
        site.base + "/login"]
    assert not _logged_in(browser)
    browser.get(end)  # the provider asks to confirm; yes
    browser.submit("/session/end/confirm", button=("logout", "yes"))
    assert browser.url.startswith(site.base + "/login") and "Logga in" in browser.html
    # The provider's session ended too: a new login asks for the name again.
    browser.get("/login/oidc/idp")
    assert "/interaction/" in browser.url and 'name="login"' in browser.html


def test_the_second_factor_rule_reads_acr_and_amr(database_url: str, tmp_path: Path,
                                                  idp: RunningProvider) -> None:
    provider = idp.config(mfa_acr=frozenset({MFA_ACR}))
    with site_with(database_url, tmp_path, provider,
                   FORMAPP_REQUIRE_SECOND_FACTOR=True) as running:
        user = running.link("deltagaransvarig", "anna")
        browser = running.browser()
        browser.sign_in_at_provider("anna")
        assert browser.status == 403 and "två faktorer" in browser.html
        assert '"reason": "no_second_factor"' in running.refusals()[-1]
        assert not _logged_in(browser)

        browser = running.browser()
        browser.sign_in_at_provider("anna", mfa=True)
        assert browser.status == 200 and "Logga ut" in browser.html, browser.html[-400:]
        db.session.expire_all()
        assert user.last_login_method == "idp_mfa"


def test_the_identifying_claim_is_the_installations_choice(database_url: str, tmp_path: Path,
                                                           idp: RunningProvider) -> None:
    """An HSA-id from the userinfo endpoint (not in the ID token) identifies the user."""
    provider = idp.config(claim="hsaid", scopes="openid email profile hsa")
    with site_with(database_url, tmp_path, provider) as running:
        running.link("deltagaransvarig", "SE2321000016-anna")
        browser = running.browser()
        browser.sign_in_at_provider("anna")
        assert browser.status == 200 and "Logga ut" in browser.html, browser.html[-400:]


def test_users_are_made_from_claims_only_where_configured(site: Site) -> None:
    """Unknown subjects are refused (above) unless the provider is of one förbund and set
    to make users: then a user without permissions, whom an administrator gives roles."""
    creating = replace(site.provider, create_users=True, forbund_id=site.world.forbund_a.id)
    site.app.config["FORMAPP_OIDC_PROVIDERS"] = (creating,)
    browser = site.browser()
    browser.sign_in_at_provider("newcomer")
    assert browser.status == 200 and "Logga ut" in browser.html, browser.html[-400:]
    db.session.expire_all()
    made = db.session.scalar(select(User).where(User.email == "newcomer@idp.test"))
    assert made is not None and made.grants == [] and made.idp_subject == "newcomer"
    assert made.forbund_id == site.world.forbund_a.id and made.full_name == "Test newcomer"
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.subject == f"user:{made.id}")) == "user.created_from_idp"


def test_an_administrator_links_and_unlinks_on_the_users_page(site: Site) -> None:
    world = site.world
    target = world.users["deltagaransvarig"]
    admin = site.browser()
    admin.get("/login")
    admin.submit("/login", {"email": world.email("samverkansadmin"), "password": PASSWORD})
    admin.get(f"/users/{target.id}")
    assert "Loggar in med: Endast lösenord" in admin.html
    admin.submit("/idp", {"idp-provider": "idp", "idp-subject": "anna"})
    assert "loggar nu in med Testregionen" in admin.html
    assert "Organisationens inloggning (Testregionen)" in admin.html
    # One subject, one user.
    admin.get(f"/users/{world.users['insatsansvarig'].id}")
    admin.submit("/idp", {"idp-provider": "idp", "idp-subject": "anna"})
    assert admin.status == 422 and "redan kopplad till" in admin.html

    officer = site.browser()
    officer.sign_in_at_provider("anna")
    assert _logged_in(officer)
    admin.get(f"/users/{target.id}")
    admin.submit("/idp/remove")
    assert "loggar nu in med lösenord" in admin.html
    assert not _logged_in(officer)  # unlinking ended the IdP session here
    db.session.expire_all()
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject == f"user:{target.id}").order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["user.idp_linked", "user.idp_unlinked"]


def test_an_idp_user_chooses_a_pin_before_the_first_hand_over(site: Site) -> None:
    site.link("deltagaransvarig", "anna")
    browser = site.browser()
    browser.sign_in_at_provider("anna")
    start = f"/insatser/{site.world.insats_a1.id}/samtycke"
    browser.get(start)
    assert browser.url.endswith("/konto/inloggning")
    assert "Välj först en kod för att ta tillbaka surfplattan" in browser.html
    assert "Engångskoder" not in browser.html  # the IdP gives the second factor
    browser.submit("/konto/kod-for-surfplattan", {"pin": "470913"})
    assert "Koden för surfplattan är sparad" in browser.html
    browser.get(start)
    assert browser.status == 200 and "Samtycke FK 9443" in browser.html
