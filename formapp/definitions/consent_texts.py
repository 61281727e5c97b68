"""The FK 9443 text versions: immutable, hashed, in every published language.

Two sources, one rule (a published text never changes):

- built-in versions listed in ``forms/9443/published.toml``, each with the SHA-256 of its file;
  :func:`verify_builtin` refuses a file that no longer matches (the app will not start);
- versions a förbund publishes itself (its own controller text or an official translation),
  kept in the database with their content and SHA-256 (``records.consent_texts``).

Two texts ship: FK 9443 (``fk-9443``, Försäkringskassan's SUS-era text word for word, kept for
faithful reproduction and the consents signed with it) and formapp's own (``formapp-samtycke``),
a template the förbund's settings fill in (``definitions.consent_templates``). A translation
names the binding version it translates (``[source]``); FK 9443's built-in translations
translate the FK Swedish text of their day.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from formapp.definitions.loader import default_forms_dir
from formapp.documents.consent import FK_TEXT, ConsentLabels, ConsentText, TextSection

STATUSES = ("binding", "official", "unofficial")
_TOP_KEYS = {"locale", "language_name", "status", "title", "direction", "sections",
             "declaration", "labels"}
# Optional: which text (default FK 9443), the file's own version id, the binding version a
# translation translates, the template a filled-in text came from, and who issued it.
_OPTIONAL_KEYS = {"language_name", "direction", "text", "version", "source", "template",
                  "issuer"}
_LABEL_KEYS = {"personnummer", "underskrift", "ort_och_datum", "namnfortydligande"}


class ConsentTextError(ValueError):
    """A text file or manifest entry that is malformed or no longer matches its hash."""


@dataclass(frozen=True)
class PublishedVersion:
    """A manifest entry: where a built-in version is and what its bytes must hash to."""

    id: str
    locale: str
    file: Path
    sha256: str
    status: str
    published: date
    text: str = FK_TEXT


def sha256_hex(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def parse_text(raw: bytes, *, version: str, expected_sha256: str | None = None) -> ConsentText:
    """A consent text from its TOML bytes; ``ConsentTextError`` says what is wrong."""
    digest = sha256_hex(raw)
    if expected_sha256 is not None and digest != expected_sha256:
        raise ConsentTextError(f"text version {version} has been changed: SHA-256 is {digest}, "
                               f"published as {expected_sha256}")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConsentTextError(f"{version}: not UTF-8 TOML ({exc})") from exc
    except RecursionError as exc:  # tomllib parses nested arrays and tables recursively
        raise ConsentTextError(f"{version}: not a consent text (nested too deeply)") from exc
    unknown = set(data) - _TOP_KEYS - _OPTIONAL_KEYS
    missing = _TOP_KEYS - set(data) - _OPTIONAL_KEYS
    if unknown or missing:
        raise ConsentTextError(f"{version}: unknown keys {sorted(unknown)}, "
                               f"missing keys {sorted(missing)}")
    if data["status"] not in STATUSES:
        raise ConsentTextError(f"{version}: status must be one of {STATUSES}")
    labels = data.get("labels", {})
    declaration = data.get("declaration", {})
    try:
        sections = tuple(TextSection(str(s.get("heading", "")),
                                     tuple(str(p) for p in s["paragraphs"]))
                         for s in data["sections"])
        text = ConsentText(
            locale=str(data["locale"]), status=str(data["status"]), version=version,
            sha256=digest, title=str(data["title"]), sections=sections,
            declaration_heading=str(declaration["heading"]),
            declaration_text=str(declaration["text"]),
            labels=ConsentLabels(**{k: str(labels[k]) for k in _LABEL_KEYS}),
            language_name=str(data.get("language_name", "")),
            text_id=str(data.get("text", FK_TEXT)),
            source_version=_source(data, "version"), source_sha256=_source(data, "sha256"),
            issuer=str(data.get("issuer", "")),
            template_version=_table(data, "template", "version"),
            template_sha256=_table(data, "template", "sha256"),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConsentTextError(f"{version}: incomplete text ({exc!r})") from exc
    except RecursionError as exc:  # str() of a value nested hundreds of levels deep
        raise ConsentTextError(f"{version}: not a consent text (nested too deeply)") from exc
    if set(labels) != _LABEL_KEYS:
        raise ConsentTextError(f"{version}: labels must be exactly {sorted(_LABEL_KEYS)}")
    empty = [p for s in sections for p in s.paragraphs if not p.strip()]
    if not sections or empty or not text.title.strip() or not text.declaration_text.strip():
        raise ConsentTextError(f"{version}: a title, paragraphs and a declaration are required")
    if (text.locale == "sv") != (text.status == "binding"):
        raise ConsentTextError(f"{version}: the Swedish text and only it is 'binding'")
    if text.status == "binding" and "source" in data:
        raise ConsentTextError(f"{version}: the binding text is no translation: no [source]")
    if "source" in data and not (text.source_version and text.source_sha256
                                 and len(text.source_sha256) == 64):
        raise ConsentTextError(f"{version}: [source] needs the version and the SHA-256 of "
                               "the Swedish text it translates")
    return text


def _source(data: dict[str, Any], key: str) -> str | None:
    source = data.get("source")
    if source is None:
        return None
    if not isinstance(source, dict) or set(source) - {"version", "sha256"}:
        raise TypeError("[source] has only version and sha256")
    value = source.get(key)
    return str(value) if value else None


def _table(data: dict[str, object], table: str, key: str) -> str | None:
    """``[table] key`` of a text file when it is a string (the template's id and hash)."""
    found = data.get(table)
    value = found.get(key) if isinstance(found, dict) else None
    return value if isinstance(value, str) and value else None


def builtin_versions(forms_dir: Path | None = None) -> tuple[PublishedVersion, ...]:
    """The manifest's entries, newest last per locale."""
    return _manifest(_resolved(forms_dir or default_forms_dir()))


@lru_cache(maxsize=16)
def _resolved(forms_dir: Path) -> Path:
    # Path.resolve asks the file system about every component; a consent looks texts up
    # several times per request.
    return forms_dir.resolve()


@cache
def _manifest(forms_dir: Path) -> tuple[PublishedVersion, ...]:
    base = forms_dir / "9443"
    manifest = base / "published.toml"
    try:
        entries = tomllib.loads(manifest.read_text(encoding="utf-8"))["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise ConsentTextError(f"cannot read {manifest}: {exc}") from exc
    versions = tuple(PublishedVersion(
        id=e["id"], locale=e["locale"], file=base / e["file"], sha256=e["sha256"],
        status=e["status"], published=e["published"], text=e.get("text", FK_TEXT))
        for e in entries)
    ids = [v.id for v in versions]
    if len(set(ids)) != len(ids):
        raise ConsentTextError(f"{manifest}: a version id is listed twice")
    return versions


def load_builtin(version_id: str, forms_dir: Path | None = None) -> ConsentText:
    """A built-in version, checked against its published hash once per process."""
    return _load(_resolved(forms_dir or default_forms_dir()), version_id)


@cache
def _load(forms_dir: Path, version_id: str) -> ConsentText:
    for entry in _manifest(forms_dir):
        if entry.id == version_id:
            try:
                raw = entry.file.read_bytes()
            except OSError as exc:
                raise ConsentTextError(f"text version {version_id}: {exc}") from exc
            text = parse_text(raw, version=entry.id, expected_sha256=entry.sha256)
            if text.locale != entry.locale or text.status != entry.status \
                    or text.text_id != entry.text:
                raise ConsentTextError(f"text version {version_id}: locale, status or text "
                                       "differs from the manifest")
            if text.status != "binding" and text.source_version is None:
                source = _fk_source(forms_dir, entry)
                text = replace(text, source_version=source.version, source_sha256=source.sha256)
            return text
    raise KeyError(version_id)


def _fk_source(forms_dir: Path, entry: PublishedVersion) -> ConsentText:
    """A built-in FK 9443 translation translates the FK Swedish text of its day (the files
    predate [source] and are immutable, so the manifest's dates say which)."""
    binding = [v for v in _manifest(forms_dir)
               if v.text == entry.text and v.status == "binding" and v.published <= entry.published]
    if not binding:
        raise ConsentTextError(f"text version {entry.id}: no Swedish text it could translate")
    return _load(forms_dir, binding[-1].id)


def verify_builtin(forms_dir: Path | None = None) -> list[ConsentText]:
    """Every built-in version, each checked against its published hash (raises if any fails)."""
    return [load_builtin(v.id, forms_dir) for v in builtin_versions(forms_dir)]


def latest_builtin(locale: str, forms_dir: Path | None = None) -> ConsentText | None:
    return _latest(_resolved(forms_dir or default_forms_dir()), locale)


@cache
def _latest(forms_dir: Path, locale: str) -> ConsentText | None:
    """The newest built-in FK 9443 version in ``locale`` (templates are not texts to show)."""
    matching = [v for v in _manifest(forms_dir) if v.locale == locale and v.text == FK_TEXT]
    return _load(forms_dir, matching[-1].id) if matching else None


def builtin_locales(forms_dir: Path | None = None) -> tuple[str, ...]:
    """The locales FK 9443 ships in."""
    seen: dict[str, None] = {}
    for version in builtin_versions(forms_dir):
        if version.text == FK_TEXT:
            seen.setdefault(version.locale)
    return tuple(seen)
