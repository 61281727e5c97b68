"""The app served over real HTTP on the loopback with an access log, and a small client that
submits a page's forms the way a browser does (method, action, hidden fields and the pressed
button all as the page says). For what only a served run shows: the request lines a server
and any proxy in front of it write to their logs."""

from __future__ import annotations

import http.cookiejar
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server


@contextmanager
def served(app: Flask, access_log: Path) -> Iterator[str]:
    """``app`` on a free loopback port (its base URL), every request line in ``access_log``."""
    logger = logging.getLogger("werkzeug")
    handler = logging.FileHandler(access_log, encoding="utf-8")
    level, disabled = logger.level, logger.disabled
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    # Alembic's logging.config.fileConfig (a migration test run in this process) disables
    # every logger it does not name, werkzeug's among them: this log must be written.
    logger.disabled = False
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=30)
        server.server_close()
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.disabled = disabled
        handler.close()


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # hidden and default values
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons
    names: set[str] = field(default_factory=set)  # every field the form has


class _Forms(HTMLParser):
    """The page's forms with their controls, including controls outside a form that name it
    with the ``form`` attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.outside: list[tuple[str, dict[str, str]]] = []
        self._current: Form | None = None
        self._select: tuple[Form, str] | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = Form(a.get("method", "get").lower(), a.get("action", ""))
            self.forms.append(self._current)
            if a.get("id"):
                self.by_id[a["id"]] = self._current
            return
        if tag in ("input", "button", "select", "textarea") and a.get("form"):
            self.outside.append((tag, a))
            return
        form = self._current
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            form.names.add(name)
            kind = a.get("type", "text")
            if kind == "submit":
                form.buttons.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind != "file":
                form.fields.append((name, a.get("value", "")))
        elif tag == "button" and name:
            form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            form.names.add(name)
            self._select, self._select_first, self._select_chosen = (form, name), None, False
        elif tag == "option" and self._select is not None:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self._select[0].fields.append((self._select[1], a.get("value", "")))
                self._select_chosen = True
        elif tag == "textarea" and name:
            form.names.add(name)
            form.fields.append((name, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self._select[0].fields.append((self._select[1], self._select_first))
            self._select = None

    def close(self) -> None:
        super().close()
        for tag, a in self.outside:
            form = self.by_id.get(a["form"])
            if form is None or not a.get("name"):
                continue
            if tag == "button" or a.get("type") == "submit":
                form.buttons.append((a["name"], a.get("value", "")))
            elif a.get("type") == "hidden":
                form.fields.append((a["name"], a.get("value", "")))


def forms_of(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    parser.close()
    return parser.forms


class HttpBrowser:
    """Cookies, redirects followed, and forms submitted as their page describes them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.url = base + "/"
        self.html = ""
        self.status = 0

    def _open(self, request: urllib.request.Request) -> str:
        try:
            with self.opener.open(request, timeout=60) as response:
                self.status, self.url = response.status, response.url
                self.html = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            self.status, self.url = error.code, error.url
            self.html = error.read().decode("utf-8", "replace")
        return self.html

    def get(self, path: str) -> str:
        return self._open(urllib.request.Request(urllib.parse.urljoin(self.base, path)))

    def submit(self, having: str, values: dict[str, str] | None = None,
               button: tuple[str, str] | None = None) -> str:
        """Submit the current page's form that has a field or button named ``having``."""
        form = next(f for f in forms_of(self.html)
                    if having in f.names or any(b[0] == having for b in f.buttons))
        sent = dict(values or {})
        data = [(k, v) for k, v in form.fields if k not in sent] + list(sent.items())
        if button is not None:
            assert button in form.buttons, (button, form.buttons)
            data.append(button)
        body = urllib.parse.urlencode(data)
        target = urllib.parse.urljoin(self.url, form.action or self.url)
        if form.method == "post":
            request = urllib.request.Request(target, data=body.encode("ascii"), method="POST")
        else:
            request = urllib.request.Request(target.split("?")[0] + "?" + body)
        return self._open(request)

    def login(self, email: str, password: str) -> None:
        self.get("/login")
        self.submit("email", {"email": email, "password": password})
        assert "Logga ut" in self.html or self.status == 200, self.status
