"""A language's consent texts as PO for a translator, and an edited PO back as a new draft.

Both texts a language has, FK 9443's newest built-in translation and formapp's own text's
template translation, go out as one PO catalog each: ``msgctxt`` is the string's place
(``sections[1].paragraphs[0]``), ``msgid`` the Swedish and ``msgstr`` the translation; the
catalog's ``Project-Id-Version`` names the text and the version it was exported from
(``formapp/fk-9443 9443-ku-2026-2``), a header Poedit and Weblate keep. Placeholder strings carry
``python-brace-format`` so both tools check ``{forbund_namn}`` themselves.

A published text never changes: an edited catalog becomes a **draft** of the next version,
``forms/9443/drafts/<version>.toml``, a whole text in the ordinary format, which nobody reads
until ``publish_draft`` publishes it the way the 2026-2 corrections were: FK 9443 as a new file
``texts/<locale>-<n>.toml`` and a new manifest entry with its SHA-256; formapp's text as the
locale's new template translation (the filled versions förbund have published stay as they are).
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog

from formapp.definitions import consent_templates
from formapp.definitions import consent_texts as texts
from formapp.documents.consent import FK_TEXT, FORMAPP_TEXT

TEXTS = (FK_TEXT, FORMAPP_TEXT)
DRAFTS = Path("9443") / "drafts"
_PLACE = re.compile(r"^(title|declaration\.(heading|text)|labels\.(\w+)|"
                    r"sections\[(\d+)\]\.(heading|paragraphs\[(\d+)\]))$")
_NUMBERED = re.compile(r"^(.*-)(\d+)$")


class ConsentPoError(ValueError):
    """A consent catalog or draft that cannot be taken (the message says why)."""


@dataclass(frozen=True)
class Current:
    """The version of a text a language shows now, with the Swedish it translates."""

    text_id: str
    locale: str
    version: str
    status: str
    data: dict[str, Any]  # the translation's TOML
    source: dict[str, Any]  # the Swedish TOML it translates
    path: Path  # the translation's file

    def first_comment(self) -> str | None:
        """The file's opening comment line (what the text is), kept by a new version."""
        first = self.path.read_text(encoding="utf-8").split("\n", 1)[0]
        return first if first.startswith("#") and " corrects " not in first else None

    def strings(self) -> list[tuple[str, str, str]]:
        """(place, Swedish, translation) for every string, in the text's order."""
        return [(where, sv, tr) for (where, sv), (_, tr) in
                zip(consent_templates._strings(self.source),
                    consent_templates._strings(self.data), strict=True)]


def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def current(forms: Path, text_id: str, locale: str) -> Current | None:
    """What ``locale`` shows of ``text_id`` now (None: no translation)."""
    if text_id == FK_TEXT:
        shown = texts.latest_builtin(locale, forms)
        if shown is None or locale == "sv" or shown.source_version is None:
            return None
        files = {v.id: v.file for v in texts.builtin_versions(forms)}
        return Current(FK_TEXT, locale, shown.version, shown.status,
                       _toml(files[shown.version]), _toml(files[shown.source_version]),
                       files[shown.version])
    if text_id == FORMAPP_TEXT:
        template = consent_templates.translations(forms).get(locale)
        if template is None:
            return None
        return Current(FORMAPP_TEXT, locale, template.version, template.data["status"],
                       template.data, consent_templates.swedish_template(forms).data,
                       consent_templates.translation_files(forms)[locale])
    raise ConsentPoError(f"unknown text {text_id!r}")


def to_catalog(text: Current, status_of) -> Catalog:
    """The text as a PO catalog; ``status_of(place, translation)`` gives each review label."""
    catalog = Catalog(locale=text.locale, project=f"formapp/{text.text_id}",
                      version=text.version, charset="utf-8", fuzzy=False,
                      header_comment=f"# {text.text_id} {text.version} ({text.status}), "
                                     f"translated from Swedish.\n"
                                     "# Edit msgstr only. An accepted change becomes a draft "
                                     "of the text's next version.")
    for where, sv, tr in text.strings():
        if not sv:
            continue  # the first section's empty heading: no string to translate
        flags = ["python-brace-format"] if consent_templates.placeholders_in(sv) else []
        catalog.add(sv, tr, context=where, flags=flags,
                    user_comments=[f"review: {status_of(where, tr)}"],
                    auto_comments=[f"{text.text_id} {text.version}: {where}"])
    return catalog


def exported_from(catalog: Catalog) -> tuple[str, str] | None:
    """(text id, version) a consent catalog was exported from, or None if it is none."""
    project = catalog.project or ""
    if project.startswith("formapp/") and project.removeprefix("formapp/") in TEXTS:
        return project.removeprefix("formapp/"), str(catalog.version or "")
    return None


def set_string(data: dict[str, Any], where: str, value: str) -> None:
    match = _PLACE.match(where)
    if match is None:
        raise ConsentPoError(f"unknown place {where!r}")
    if where == "title":
        data["title"] = value
    elif match.group(2):
        data["declaration"][match.group(2)] = value
    elif match.group(3):
        data["labels"][match.group(3)] = value
    elif match.group(5) == "heading":
        data["sections"][int(match.group(4))]["heading"] = value
    else:
        data["sections"][int(match.group(4))]["paragraphs"][int(match.group(6))] = value


def next_version(version: str) -> str:
    match = _NUMBERED.match(version)
    if match is None:
        raise ConsentPoError(f"version {version!r} does not end in a number")
    return f"{match.group(1)}{int(match.group(2)) + 1}"


def draft_path(forms: Path, version: str) -> Path:
    return forms / DRAFTS / f"{version}.toml"


def write_draft(forms: Path, text: Current, changes: dict[str, str], note: str) -> Path:
    """The next version of ``text`` with ``changes`` (place -> wording), as a draft file."""
    version = next_version(text.version)
    path = draft_path(forms, version)
    if path.exists():
        raise ConsentPoError(f"{path.relative_to(forms)} exists already: publish it "
                             "(`formapp i18n publish-text`) or delete it first")
    data = copy.deepcopy(text.data)
    for where, value in changes.items():
        set_string(data, where, value)
    if text.text_id == FORMAPP_TEXT:
        data["version"] = version
    header = [line for line in (text.first_comment(),) if line]
    header += [f"# {version} corrects {text.version} ({note}).", f"# Base: {text.version}"]
    raw = dump(data, header)
    texts.parse_text(raw, version=version)  # still a well-formed text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return path


def dump(data: dict[str, Any], header: list[str]) -> bytes:
    """A text's TOML in the shipped files' layout (top-level keys first, then tables)."""
    def kv(key: str, value: object) -> str:
        return f"{key} = {json.dumps(value, ensure_ascii=False)}"

    out = [*header]
    out += [kv(k, v) for k, v in data.items() if not isinstance(v, dict | list)]
    if "source" in data:
        out += ["", "[source]"] + [kv(k, v) for k, v in data["source"].items()]
    for section in data["sections"]:
        out += ["", "[[sections]]", kv("heading", section.get("heading", "")), "paragraphs = ["]
        out += [f"    {json.dumps(p, ensure_ascii=False)}," for p in section["paragraphs"]]
        out.append("]")
    out += ["", "[declaration]", kv("heading", data["declaration"]["heading"]),
            kv("text", data["declaration"]["text"]), "", "[labels]"]
    out += [kv(k, v) for k, v in data["labels"].items()]
    return ("\n".join(out) + "\n").encode("utf-8")


# --- publishing a draft -------------------------------------------------------------------

_BASE = re.compile(r"^# Base: (\S+)$", re.MULTILINE)


def publish_draft(forms: Path, draft: Path, *, today: date) -> str:
    """Publish a draft as its text's newest version in its language; returns the version id.
    Refused when another version was published since the draft was made."""
    raw = draft.read_bytes()
    version = draft.stem
    try:
        texts.parse_text(raw, version=version)
        data = tomllib.loads(raw.decode("utf-8"))
    except texts.ConsentTextError as exc:
        raise ConsentPoError(f"{draft.name}: {exc}") from exc
    if _NUMBERED.match(version) is None:
        raise ConsentPoError(f"{draft.name}: a draft is named <version>.toml, as the import "
                             "wrote it")
    base = _BASE.search(raw.decode("utf-8"))
    text_id, locale = data.get("text", FK_TEXT), data.get("locale", "")
    shown = current(forms, text_id, locale)
    if base is None or shown is None or shown.version != base.group(1):
        raise ConsentPoError(f"{draft.name} corrects {base.group(1) if base else '?'}, but "
                             f"{locale} shows {shown.version if shown else 'nothing'} now: "
                             "export and import again")
    if text_id == FK_TEXT:
        numbered = _NUMBERED.match(version)
        if numbered is None:
            raise ConsentPoError(f"{draft.name}: {version} is not a numbered version")
        number = numbered.group(2)
        target = forms / "9443" / "texts" / f"{locale}-{number}.toml"
        if target.exists():
            raise ConsentPoError(f"{target.name} exists already")
        target.write_bytes(raw)
        entry = (f'\n[[version]]\nid = "{version}"\nlocale = "{locale}"\n'
                 f'file = "texts/{target.name}"\nsha256 = "{texts.sha256_hex(raw)}"\n'
                 f'status = "{data["status"]}"\npublished = {today.isoformat()}\n')
        manifest = forms / "9443" / "published.toml"
        manifest.write_text(manifest.read_text(encoding="utf-8").rstrip("\n") + "\n" + entry,
                            encoding="utf-8")
    else:
        target = consent_templates.translation_files(forms)[locale]
        target.write_bytes(raw)
    draft.unlink()
    forget_cached()
    return version


def forget_cached() -> None:
    """Texts are cached per process as immutable; a publication in this process adds one."""
    for cached in (texts._manifest, texts._load, texts._latest, consent_templates._swedish,
                   consent_templates._translations):
        cached.cache_clear()
