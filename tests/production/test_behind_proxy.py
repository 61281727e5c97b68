"""formapp as an IT department runs it (issue 15): ``FORMAPP_ENV=production`` under gunicorn,
a PKCS#12 seal, behind a TLS-terminating proxy that sends ``X-Forwarded-Proto: https``.

The client speaks plain HTTP to gunicorn, as the proxy does, and sends what a browser sends
through that proxy under the Referrer-Policy formapp itself declared: it logs in, takes and
signs a consent, registers FK 9448, logs out, and replays the old cookie.
"""

from __future__ import annotations

import base64
import http.client
import json
import math
import os
import re
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pyotp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from formapp.bench.load import _free_port, gunicorn
from formapp.cases.totp import begin_enrolment, confirm_enrolment
from formapp.documents.envelope import is_envelope
from formapp.documents.signing_keys import create_dev_seal
from formapp.extensions import db
from tests.conftest import WEBFONT_DIR, fresh_pg_schema, make_app
from tests.web.registration_helpers import ANSWERS_9448
from tests.world import PASSWORD, build_world

SITE = "formapp.kommun.example"
CLIENT_ADDRESS = "203.0.113.7"
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
ONCE = re.compile(r'name="once" (?:type="hidden" )?value="([^"]+)"')
SHOWN = re.compile(r'name="texts" (?:type="hidden" )?value="([^"]*)"')


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _seal_pkcs12(directory: Path, password: str) -> tuple[Path, Path]:
    """A förbund's seal as IT receives it: RSA key and certificate in a PKCS#12, the CA apart."""
    create_dev_seal(directory / "ca", organisation="Samordningsförbundet Produktion")
    key = serialization.load_pem_private_key((directory / "ca/seal-key.pem").read_bytes(), None)
    cert = x509.load_pem_x509_certificate((directory / "ca/seal.pem").read_bytes())
    bundle = pkcs12.serialize_key_and_certificates(
        b"seal", key, cert, None,  # type: ignore[arg-type]
        serialization.BestAvailableEncryption(password.encode()))
    (directory / "seal.p12").write_bytes(bundle)
    return directory / "seal.p12", directory / "ca/ca.pem"


@pytest.fixture(params=["sqlite", "postgresql"])
def production_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own, made by the migrations as in production."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'production.sqlite3'}"
        return
    with fresh_pg_schema("formapp_prod") as url:
        yield url


class ProxiedBrowser:
    """A browser on https://SITE as gunicorn sees it through the proxy: forwarded headers,
    the cookie it was given, and Origin/Referer as the page's Referrer-Policy allows."""

    def __init__(self, port: int, cookie: str = "") -> None:
        self.port = port
        self.cookie = cookie
        self.token = ""
        self.page = "/"
        self.policy = ""
        self.set_cookies: list[str] = []

    def request(self, method: str, path: str, form: dict[str, object] | None = None,
                ) -> tuple[int, dict[str, str], str]:
        headers = {"Host": SITE, "X-Forwarded-Proto": "https",
                   "X-Forwarded-For": CLIENT_ADDRESS, "User-Agent": "Mozilla/5.0 (tablet)"}
        if self.cookie:
            headers["Cookie"] = f"session={self.cookie}"
        body = None
        if form is not None:
            headers.update(self._origin_headers())
            body = urllib.parse.urlencode({"csrf_token": self.token, **form}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            found = {k.lower(): v for k, v in response.getheaders()}
            cookies = response.headers.get_all("Set-Cookie") or []
        finally:
            connection.close()
        for value in cookies:
            self.set_cookies.append(value)
            name, _, rest = value.partition("=")
            if name == "session":
                self.cookie = rest.split(";", 1)[0]
        if "text/html" in found.get("content-type", ""):
            match = TOKEN.search(text)
            if match:
                self.token = match.group(1)
            self.page = path
            self.policy = found.get("referrer-policy", "")
        return response.status, found, text

    def _origin_headers(self) -> dict[str, str]:
        """What Chromium sends with a same-origin form POST under the last page's policy."""
        if self.policy == "no-referrer":
            return {"Origin": "null"}
        if self.policy in ("same-origin", "strict-origin-when-cross-origin", ""):
            return {"Origin": f"https://{SITE}", "Referer": f"https://{SITE}{self.page}"}
        raise AssertionError(f"no model of Referrer-Policy {self.policy!r} in this test")


def _signature() -> str:
    stroke = [[0.1 + 0.8 * i / 39, 0.5 + 0.3 * math.sin(i / 2)] for i in range(40)]
    return json.dumps({"aspect": 3.0, "strokes": [stroke]})


def test_production_behind_an_https_proxy(production_db: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    seal, ca = _seal_pkcs12(tmp_path / "seal", "sigill-lösen")
    env = {**os.environ,
           "FORMAPP_ENV": "production", "FORMAPP_DATA_DIR": str(data_dir),
           "FORMAPP_DATABASE_URL": production_db,
           "FORMAPP_SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
           "FORMAPP_DATA_KEYS": f"k1:{_key()}", "FORMAPP_LOOKUP_KEYS": f"l1:{_key()}",
           "FORMAPP_SEAL_PKCS12": str(seal), "FORMAPP_SEAL_PASSWORD": "sigill-lösen",
           "FORMAPP_TRUST_ROOTS": str(ca), "FORMAPP_TRUSTED_PROXIES": "1",
           "FORMAPP_WEBFONT_DIR": str(WEBFONT_DIR)}
    formapp = [sys.executable, "-c", "from formapp.cli import main; main()"]
    subprocess.run([*formapp, "db", "upgrade"], env=env, check=True, capture_output=True)
    # The förbund, its users and insatser, written with the production keys.
    prepare = make_app(production_db, data_dir, FORMAPP_DATA_KEYS=env["FORMAPP_DATA_KEYS"],
                       FORMAPP_LOOKUP_KEYS=env["FORMAPP_LOOKUP_KEYS"])
    with prepare.app_context():
        world = build_world()
        db.session.commit()
        email, insats_id = world.email("deltagaransvarig"), world.insats_a1.id
        # Production asks a second factor of a role that sees personal data (issue 20).
        officer = world.users["deltagaransvarig"]
        totp = pyotp.TOTP(begin_enrolment(officer))
        assert confirm_enrolment(officer, totp.now()) is not None
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    port = _free_port()
    with gunicorn(env, port, workers=2):
        browser = ProxiedBrowser(port)
        status, headers, _ = browser.request("GET", "/login")
        assert status == 200 and headers["referrer-policy"] == "same-origin"
        assert headers["strict-transport-security"].startswith("max-age=")
        status, headers, text = browser.request("POST", "/login",
                                                {"email": email, "password": PASSWORD})
        assert status == 302 and headers["location"].endswith("/login/kod"), text[-500:]
        browser.request("GET", "/login/kod")
        status, headers, text = browser.request(
            "POST", "/login/kod", {"code": totp.at(time.time() + totp.interval)})
        assert status == 302, text[-500:]
        assert any("Secure" in c and "HttpOnly" in c for c in browser.set_cookies)
        assert browser.request("GET", "/")[0] == 200

        # FK 9443: the officer starts, the participant reads and signs, the officer takes back.
        browser.request("GET", f"/insatser/{insats_id}/samtycke")
        status, headers, text = browser.request("POST", f"/insatser/{insats_id}/samtycke", {
            "skyddad_identitet": "nej", "personnummer": "19121212-1212", "place": "Umeå"})
        assert status == 302, text[-500:]
        read = urllib.parse.urlsplit(headers["location"]).path.removesuffix("sprak") + "sv"
        status, _, page = browser.request("GET", read)
        shown = SHOWN.search(page)
        assert status == 200 and shown
        status, headers, text = browser.request("POST", read, {
            "confirmed": "y", "name": "Testperson Exempelsson", "signature": _signature(),
            "texts": unescape(shown.group(1))})
        assert status == 302 and headers["location"].endswith("/deltagare/klart"), text[-800:]
        browser.request("GET", "/deltagare/tillbaka")
        status, headers, _ = browser.request("POST", "/deltagare/tillbaka",
                                             {"password": PASSWORD})
        receipt = urllib.parse.urlsplit(headers["location"]).path
        assert status == 302 and receipt.startswith("/samtycken/")
        status, _, page = browser.request("GET", receipt)
        assert status == 200 and "Förseglat och oförändrat" in page
        # Production encrypts the archive by default: on disk an envelope, served in plain.
        stored = [p.read_bytes() for p in (data_dir / "archive").glob("??/??/*.pdf")]
        assert len(stored) == 1 and is_envelope(stored[0]), stored[0][:40]
        status, headers, body = browser.request("GET", f"{receipt}/pdf")
        assert status == 200 and headers["content-type"] == "application/pdf"
        assert body.startswith("%PDF-")

        # FK 9448 on that consent.
        register = f"{receipt}/inregistrering"
        status, _, page = browser.request("GET", register)
        once = ONCE.search(page)
        assert status == 200 and once
        status, headers, text = browser.request("POST", register,
                                                {**ANSWERS_9448, "once": once.group(1)})
        assert status == 302 and "/registreringar/" in headers["location"], text[-800:]

        # A form sent from another site is refused, whatever its token.
        browser_page = browser.page
        browser.page, browser.policy = "/", "same-origin"
        forged = dict(browser._origin_headers(), Origin="https://evil.example")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/logout", body=urllib.parse.urlencode(
            {"csrf_token": browser.token}), headers={
            "Host": SITE, "X-Forwarded-Proto": "https", "Cookie": f"session={browser.cookie}",
            "Content-Type": "application/x-www-form-urlencoded", **forged})
        assert connection.getresponse().status == 400
        connection.close()
        browser.page = browser_page

        # Logout ends the session: the cookie from before it opens nothing.
        old_cookie = browser.cookie
        browser.request("GET", "/")
        status, headers, _ = browser.request("POST", "/logout", {})
        assert status == 302 and headers["location"].endswith("/login")
        replay = ProxiedBrowser(port, cookie=old_cookie)
        status, headers, _ = replay.request("GET", "/")
        assert status == 302 and "/login" in headers["location"]
