"""Form pages: server time of each, and the bytes a tablet downloads to show it (HTML, CSS,
script and only the font files whose unicode-range the page's text needs)."""

from __future__ import annotations

import re
from collections.abc import Callable

from formapp.bench.timing import CaseResult, time_ms
from formapp.webclient import Browser

_LINKS = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/[^"]+)"')
_FACES = re.compile(r"@font-face\s*{[^}]*?url\(\"?([^\")]+)\"?\)[^}]*?unicode-range:\s*([^;]+);",
                    re.S)
_TAGS = re.compile(r"<[^>]+>")


def _ranges(spec: str) -> list[tuple[int, int]]:
    spans = []
    for part in spec.split(","):
        part = part.strip().removeprefix("U+")
        low, _, high = part.partition("-")
        spans.append((int(low, 16), int(high or low, 16)))
    return spans


def downloaded_bytes(browser: Browser, html: str) -> int:
    """What a browser with an empty cache fetches for ``html``."""
    total = len(html.encode("utf-8"))
    text = set(_TAGS.sub(" ", html))
    for url in dict.fromkeys(_LINKS.findall(html)):
        asset = browser.get(url)
        total += len(asset.data)
        if url.endswith(".css") and b"@font-face" in asset.data:
            base = url.rsplit("/", 1)[0]
            for font, spec in _FACES.findall(asset.get_data(as_text=True)):
                spans = _ranges(spec)
                if any(low <= ord(ch) <= high for ch in text for low, high in spans):
                    total += len(browser.get(f"{base}/{font}").data)
    return total


def page_case(name: str, browser: Browser, url: str, runs: int,
              before: Callable[[], None] | None = None) -> CaseResult:
    if before:
        before()
    html = browser.get(url)
    assert html.status_code == 200, (url, html.status_code)
    samples = time_ms(lambda: browser.get(url), runs)
    size = downloaded_bytes(browser, html.get_data(as_text=True))
    return CaseResult(f"page_{name}", samples, extra={"bytes": size})
