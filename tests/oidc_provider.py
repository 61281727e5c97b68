"""The real OpenID provider of the tests: npm's ``oidc-provider`` (OpenID Certified), run by
Node on a free loopback port (tests/oidc/provider.mjs), and a browser for the redirects
between it and formapp.

`make test` installs it (``npm ci`` in tests/oidc, from the lock file); the tests never reach a
registry or any other network.
"""

from __future__ import annotations

import http.cookiejar
import os
import shutil
import socket
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from formapp.oidc_config import OidcProvider
from tests.web.served import forms_of

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "formapp-test"
CLIENT_SECRET = "formapp-test-secret-" + "x" * 24
MFA_ACR = "urn:test:loa:substantial"


@dataclass(frozen=True)
class RunningProvider:
    issuer: str

    def config(self, key: str = "idp", **settings: object) -> OidcProvider:
        """formapp's configuration of this provider (``settings``: claim, mfa_acr ...)."""
        values: dict[str, object] = {"label": "Testregionen", "claim": "sub"}
        values.update(settings)
        return OidcProvider(key=key, issuer=self.issuer, client_id=CLIENT_ID,
                            client_secret=CLIENT_SECRET, **values)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_provider(clock_skew: int = 0) -> Iterator[RunningProvider]:
    """The provider until the block ends; ``clock_skew`` seconds added to its clock."""
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("oidc-provider is not installed: `make test` runs `npm ci` in tests/oidc")
    port = _free_port()
    env = {"PATH": os.environ.get("PATH", ""), "PORT": str(port), "CLIENT_ID": CLIENT_ID,
           "CLIENT_SECRET": CLIENT_SECRET, "CLOCK_SKEW": str(clock_skew),
           "NODE_ENV": "test"}
    process = subprocess.Popen([node, "provider.mjs"], cwd=HERE, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # the provider says when it listens
        if not line.startswith("listening "):
            raise RuntimeError(f"oidc-provider did not start: {line}{process.stderr.read()}")
        yield RunningProvider(line.split()[1])
    finally:
        process.terminate()
        process.wait(timeout=30)


class _Stop(urllib.request.HTTPRedirectHandler):
    """Follows redirects (recording each) unless ``stop`` says to stay."""

    def __init__(self, visited: list[str], stop: Callable[[str], bool]) -> None:
        self.visited, self.stop = visited, stop

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        self.visited.append(newurl)
        if self.stop(newurl):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Browser:
    """Cookies across formapp and the provider, forms submitted as their pages describe them,
    and the redirects it went through (or stopped at)."""

    def __init__(self, base: str, cookies: http.cookiejar.CookieJar | None = None) -> None:
        self.base = base
        self.cookies = cookies if cookies is not None else http.cookiejar.CookieJar()
        self.visited: list[str] = []
        self.stop_at: Callable[[str], bool] = lambda url: False
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies),
            _Stop(self.visited, lambda url: self.stop_at(url)))
        self.url, self.html, self.status, self.location = base, "", 0, ""

    def copy_cookies(self) -> http.cookiejar.CookieJar:
        jar = http.cookiejar.CookieJar()
        for cookie in self.cookies:
            jar.set_cookie(cookie)
        return jar

    def _open(self, request: urllib.request.Request) -> str:
        try:
            with self.opener.open(request, timeout=60) as response:
                self.status, self.url, self.location = response.status, response.url, ""
                self.html = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            self.status, self.url = error.code, error.url
            self.location = error.headers.get("Location", "")
            self.html = error.read().decode("utf-8", "replace")
        return self.html

    def get(self, url: str) -> str:
        return self._open(urllib.request.Request(urllib.parse.urljoin(self.base, url)))

    def submit(self, action_part: str, values: dict[str, str] | None = None,
               button: tuple[str, str] | None = None) -> str:
        """Submit the page's form whose action (or, without one, the page's address)
        contains ``action_part``."""
        form = next(f for f in forms_of(self.html) if action_part in (f.action or self.url))
        sent = dict(values or {})
        data = [(k, v) for k, v in form.fields if k not in sent] + list(sent.items())
        if button is not None:
            data.append(button)
        body = urllib.parse.urlencode(data).encode("ascii")
        target = urllib.parse.urljoin(self.url, form.action or self.url)
        return self._open(urllib.request.Request(target, data=body, method="POST"))

    def sign_in_at_provider(self, name: str, *, mfa: bool = False) -> str:
        """From the formapp login page through the provider's login, back to formapp."""
        self.get("/login/oidc/idp")
        assert "/interaction/" in self.url, (self.status, self.url, self.html[-400:])
        return self.submit("/login", {"login": name, **({"mfa": "1"} if mfa else {})})
