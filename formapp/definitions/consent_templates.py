"""formapp's own consent text (``formapp-samtycke``): templates the förbund's settings fill in.

The Swedish template is a built-in version (``forms/9443/published.toml``, hash-checked); each
translation is one file beside it, ``texts/formapp-samtycke/<locale>.toml``, declaring the
template version it translates in ``[source]`` (id and SHA-256). Filling gives a complete text in
the ordinary format (``consent_texts.parse_text``), serialised canonically: the same template and
values always give the same bytes, so the same SHA-256, and a change of values a new one.
"""

from __future__ import annotations

import json
import string
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from formapp.definitions import consent_texts as texts
from formapp.definitions.loader import default_forms_dir
from formapp.documents.consent import FORMAPP_TEXT

PLACEHOLDERS = ("forbund_namn", "organisationsnummer", "adress", "kontakt", "dataskyddsombud",
                "lagringstid_ar")
TEMPLATE_DIR = Path("9443") / "texts" / FORMAPP_TEXT


class TemplateError(texts.ConsentTextError):
    """A template or a translation of it that is malformed or does not match its source."""


@dataclass(frozen=True)
class Template:
    """One language of formapp's text, unfilled: the parsed TOML and where it came from."""

    locale: str
    version: str  # the file's own version id
    sha256: str  # of the file's bytes
    data: dict[str, Any]
    source_version: str | None  # for a translation: the Swedish template it translates
    source_sha256: str | None


def placeholders_in(value: str) -> frozenset[str]:
    """The ``{name}`` placeholders of a string (``ValueError`` for a stray brace)."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(value) if name)


def _strings(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Every text of a template with a stable position, to compare a translation to it."""
    out = [("title", data["title"])]
    for i, section in enumerate(data["sections"]):
        out.append((f"sections[{i}].heading", section.get("heading", "")))
        out += [(f"sections[{i}].paragraphs[{j}]", p) for j, p in enumerate(section["paragraphs"])]
    out += [("declaration.heading", data["declaration"]["heading"]),
            ("declaration.text", data["declaration"]["text"])]
    out += [(f"labels.{k}", v) for k, v in sorted(data["labels"].items())]
    return out


def _read(path: Path, *, expected_sha256: str | None = None) -> Template:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"{path}: {exc}") from exc
    name = f"{FORMAPP_TEXT}/{path.name}"
    texts.parse_text(raw, version=name, expected_sha256=expected_sha256)  # format and hash
    data = tomllib.loads(raw.decode("utf-8"))
    if data.get("text") != FORMAPP_TEXT or not data.get("version"):
        raise TemplateError(f"{name}: needs text = {FORMAPP_TEXT!r} and its own version id")
    for where, value in _strings(data):
        try:
            unknown = placeholders_in(value) - set(PLACEHOLDERS)
        except ValueError as exc:
            raise TemplateError(f"{name}: {where}: {exc}") from exc
        if unknown:
            raise TemplateError(f"{name}: {where}: unknown placeholder(s) {sorted(unknown)}")
    source = data.get("source") or {}
    return Template(locale=data["locale"], version=data["version"],
                    sha256=texts.sha256_hex(raw), data=data,
                    source_version=source.get("version"), source_sha256=source.get("sha256"))


def swedish_template(forms_dir: Path | None = None) -> Template:
    """The newest published Swedish template, checked against its published SHA-256."""
    return _swedish(texts._resolved(forms_dir or default_forms_dir()))


@cache
def _swedish(forms_dir: Path) -> Template:
    entries = [v for v in texts.builtin_versions(forms_dir)
               if v.text == FORMAPP_TEXT and v.locale == "sv"]
    if not entries:
        raise TemplateError(f"no Swedish {FORMAPP_TEXT} template in published.toml")
    template = _read(entries[-1].file, expected_sha256=entries[-1].sha256)
    if template.version != entries[-1].id:
        raise TemplateError(f"{entries[-1].file}: version {template.version!r}, "
                            f"published as {entries[-1].id!r}")
    return template


def check_translation(translation: Template, source: Template) -> list[str]:
    """What keeps ``translation`` from being a translation of ``source`` (empty: nothing)."""
    problems = []
    name = f"{FORMAPP_TEXT}/{translation.locale}.toml"
    if (translation.source_version, translation.source_sha256) != (source.version,
                                                                   source.sha256):
        problems.append(f"{name}: [source] is {translation.source_version} "
                        f"{translation.source_sha256}, the Swedish template is {source.version} "
                        f"{source.sha256}")
        return problems
    theirs, ours = _strings(translation.data), _strings(source.data)
    if [w for w, _ in theirs] != [w for w, _ in ours]:
        problems.append(f"{name}: sections and paragraphs differ from sv.toml "
                        f"({len(theirs)} texts, sv.toml has {len(ours)})")
        return problems
    for (where, value), (_, original) in zip(theirs, ours, strict=True):
        if placeholders_in(value) != placeholders_in(original):
            problems.append(f"{name}: {where} has placeholders {sorted(placeholders_in(value))}"
                            f", sv.toml {sorted(placeholders_in(original))}")
        if bool(value.strip()) != bool(original.strip()):
            problems.append(f"{name}: {where} is empty where sv.toml is not, or not where it is")
    return problems


def translation_files(forms_dir: Path | None = None) -> dict[str, Path]:
    """Every translation file there is, by locale (checked or not)."""
    base = (forms_dir or default_forms_dir()) / TEMPLATE_DIR
    return {p.stem: p for p in sorted(base.glob("*.toml")) if p.stem != "sv"}


def translations(forms_dir: Path | None = None) -> dict[str, Template]:
    """The translations of the current Swedish template, by locale; a file that is malformed
    or translates another version is left out (``formapp i18n check`` names it)."""
    return _translations(texts._resolved(forms_dir or default_forms_dir()))


@cache
def _translations(forms_dir: Path) -> dict[str, Template]:
    source = _swedish(forms_dir)
    found = {}
    for locale, path in translation_files(forms_dir).items():
        try:
            translation = _read(path)
        except texts.ConsentTextError:
            continue
        if translation.locale == locale and not check_translation(translation, source):
            found[locale] = translation
    return found


def translation_problems(forms_dir: Path | None = None) -> list[str]:
    """Every present translation file that is not a usable translation of the Swedish one."""
    source = swedish_template(forms_dir)
    problems = []
    for locale, path in translation_files(forms_dir).items():
        try:
            translation = _read(path)
        except texts.ConsentTextError as exc:
            problems.append(str(exc))
            continue
        if translation.locale != locale:
            problems.append(f"{FORMAPP_TEXT}/{path.name} says locale = {translation.locale!r}")
        problems += check_translation(translation, source)
    return problems


def fill(template: Template, values: dict[str, str], *, issuer: str,
         source: tuple[str, str] | None = None) -> bytes:
    """The filled text as canonical TOML bytes: placeholders replaced, the template named,
    and for a translation the filled Swedish version (id, SHA-256) it goes with."""
    def filled(value: str) -> str:
        return value.format_map(values)

    data = template.data
    out = [_kv("text", FORMAPP_TEXT), _kv("locale", data["locale"]),
           _kv("language_name", data.get("language_name", "")), _kv("status", data["status"]),
           _kv("direction", data.get("direction", "ltr")), _kv("issuer", issuer),
           _kv("title", filled(data["title"])), "",
           "[template]", _kv("version", template.version), _kv("sha256", template.sha256), ""]
    if source is not None:
        out += ["[source]", _kv("version", source[0]), _kv("sha256", source[1]), ""]
    for section in data["sections"]:
        out += ["[[sections]]", _kv("heading", filled(section.get("heading", ""))),
                "paragraphs = ["]
        out += [f"    {_str(filled(p))}," for p in section["paragraphs"]]
        out += ["]", ""]
    out += ["[declaration]", _kv("heading", filled(data["declaration"]["heading"])),
            _kv("text", filled(data["declaration"]["text"])), "", "[labels]"]
    out += [_kv(k, v) for k, v in sorted(data["labels"].items())]
    return ("\n".join(out) + "\n").encode("utf-8")


def _str(value: str) -> str:
    # A JSON string is a valid TOML basic string for any text (escapes " \ and controls).
    return json.dumps(value, ensure_ascii=False)


def _kv(key: str, value: str) -> str:
    return f"{key} = {_str(value)}"
