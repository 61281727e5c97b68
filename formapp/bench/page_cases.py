"""Form pages: server time of each, and the bytes a tablet downloads to show it (HTML, CSS,
script and only the font files whose unicode-range the page's text needs)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from formapp.bench.timing import CaseResult, time_ms
from formapp.webclient import Browser

_LINKS = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/[^"]+)"')
_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.S)
_FAMILY = re.compile(r'font-family:\s*([^;}]+)')
_SRC = re.compile(r'url\("?([^")]+)"?\)')
_RANGE = re.compile(r"unicode-range:\s*([^;}]+)")
_RULE = re.compile(r"([^{}]+?)\s*{([^{}]*)}")
_TAGS = re.compile(r"<[^>]+>")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _ranges(spec: str) -> list[tuple[int, int]]:
    spans = []
    for part in spec.split(","):
        part = part.strip().removeprefix("U+")
        low, _, high = part.partition("-")
        spans.append((int(low, 16), int(high or low, 16)))
    return spans


def _families(spec: str) -> list[str]:
    return [name.strip().strip('"\'') for name in spec.split(",")]


@dataclass(frozen=True)
class _Face:
    family: str
    url: str
    spans: tuple[tuple[int, int], ...]

    def covers(self, char: str) -> bool:
        return any(low <= ord(char) <= high for low, high in self.spans)


_SIMPLE = re.compile(r"\.([\w-]+)|(\w+)\[([\w-]+)\]")  # .class or tag[attribute]


def _element(selector: str) -> re.Pattern[str] | None:
    """The elements (with their text) a ``.class`` or ``tag[attribute]`` selector matches."""
    match = _SIMPLE.fullmatch(selector)
    if match is None:
        return None
    cls, tag, attribute = match.groups()
    if cls:
        return re.compile(r'<(\w+)[^>]*class="[^"]*\b' + re.escape(cls)
                          + r'\b[^"]*"[^>]*>(.*?)</\1>', re.S)
    return re.compile(r"<(" + re.escape(tag) + r")\b[^>]*\b" + re.escape(attribute)
                      + r'="[^"]*"[^>]*>(.*?)</\1>', re.S)


def _text_by_stack(html: str, css: str) -> list[tuple[list[str], set[str]]]:
    """The page's characters by the family list they are set in: elements matched by a rule
    with a ``font-family`` of its own (``.class`` or ``tag[attribute]`` selectors) get that
    list, everything else the body's."""
    rules = {selector.strip(): family
             for selectors, block in _RULE.findall(_FACE.sub("", _COMMENT.sub("", css)))
             if (family := _FAMILY.search(block))
             for selector in selectors.split(",")}
    body = rules.get("body")
    groups = []
    rest = html
    for selector, family in rules.items():
        element = _element(selector)
        if element is None:
            continue
        inner = "".join(text for _, text in element.findall(rest))
        if inner:
            groups.append((_families(family.group(1)), set(_TAGS.sub(" ", inner))))
            rest = element.sub(" ", rest)
    groups.append((_families(body.group(1)) if body else [], set(_TAGS.sub(" ", rest))))
    return groups


def downloaded_bytes(browser: Browser, html: str) -> int:
    """What a browser with an empty cache fetches for ``html``: the page's files, and each font
    face that the first family (in the element's list) with a face for a character needs."""
    total = len(html.encode("utf-8"))
    faces: list[_Face] = []
    css = ""
    for url in dict.fromkeys(_LINKS.findall(html)):
        asset = browser.get(url)
        total += len(asset.data)
        if url.endswith(".css"):
            sheet = asset.get_data(as_text=True)
            css += sheet + "\n"
            base = url.rsplit("/", 1)[0]
            for rule in _FACE.findall(sheet):
                family, src, spec = (_FAMILY.search(rule), _SRC.search(rule),
                                     _RANGE.search(rule))
                if family and src and spec:
                    faces.append(_Face(_families(family.group(1))[0], f"{base}/{src.group(1)}",
                                       tuple(_ranges(spec.group(1)))))
    needed: set[str] = set()
    for stack, chars in _text_by_stack(html, css):
        stack = stack or list(dict.fromkeys(face.family for face in faces))
        for char in chars:
            for name in stack:
                serving = [f.url for f in faces if f.family == name and f.covers(char)]
                if serving:
                    needed.update(serving)
                    break
    return total + sum(len(browser.get(url).data) for url in sorted(needed))


def page_case(name: str, browser: Browser, url: str, runs: int,
              before: Callable[[], None] | None = None) -> CaseResult:
    if before:
        before()
    html = browser.get(url)
    assert html.status_code == 200, (url, html.status_code)
    samples = time_ms(lambda: browser.get(url), runs)
    size = downloaded_bytes(browser, html.get_data(as_text=True))
    return CaseResult(f"page_{name}", samples, extra={"bytes": size})
