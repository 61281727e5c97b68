"""A client for the app in-process that behaves like a browser: it logs in through the real
form and sends the CSRF token. Used by the tests and by ``formapp bench``."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_SHOWN_TEXTS = re.compile(r'name="texts" (?:type="hidden" )?value="([^"]*)"')


def shown_texts(html: str) -> str:
    """The text versions a consent signing page showed (its hidden ``texts`` field), which
    the signature's POST sends back as the browser does."""
    match = _SHOWN_TEXTS.search(html)
    return match.group(1) if match else ""


class Browser:
    """A test client that logs in through the real form and sends the CSRF token.

    Each request runs in its own app context, as in production: ``g`` (Flask-Login's user,
    Flask-WTF's token) and the database session are never shared with the test's own context.
    """

    TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token: str | None = None

    def open(self, method: str, url: str, **kwargs: Any) -> TestResponse:
        with self.client.application.app_context():
            response = self.client.open(url, method=method, **kwargs)
        match = response.mimetype == "text/html" and self.TOKEN.search(
            response.get_data(as_text=True))
        if match:
            self.token = match.group(1)
        return response

    def get(self, url: str, **kwargs: object) -> TestResponse:
        return self.open("GET", url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs: object) -> TestResponse:
        if self.token is None:
            self.get("/login")
        return self.open("POST", url, data={"csrf_token": self.token, **(data or {})},
                         **kwargs)

    def login(self, email: str, password: str) -> TestResponse:
        self.get("/login")
        response = self.post("/login", {"email": email, "password": password})
        self.get("/")
        return response
