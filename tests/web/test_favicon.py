"""/favicon.ico: a real icon for every browser tab, asked for before anyone logs in."""

from __future__ import annotations

import io

from flask import Flask
from PIL import Image


def test_favicon_is_an_icon_with_the_usual_sizes(app: Flask) -> None:
    response = app.test_client().get("/favicon.ico")
    assert response.status_code == 200  # no login redirect: browsers ask before anyone logs in
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # the ICO header
    icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32)} <= icon.info["sizes"]
    icon.size = (32, 32)
    pixels = icon.convert("RGBA")
    assert len(pixels.getcolors(4096) or ()) > 3  # drawn, not a blank square
    # Not personal data: cacheable, unlike every page.
    assert "no-store" not in response.headers["Cache-Control"]
    assert "max-age" in response.headers["Cache-Control"]


def test_pages_name_the_icon(app: Flask) -> None:
    page = app.test_client().get("/login").get_data(as_text=True)
    assert 'rel="icon" href="/favicon.ico"' in page
    assert 'rel="icon" type="image/svg+xml" href="/static/icons/formapp.svg' in page
    svg = app.test_client().get("/static/icons/formapp.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data
