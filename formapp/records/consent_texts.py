"""Which FK 9443 text a förbund shows in a language, and publishing a förbund's own version."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select

from formapp.definitions import consent_texts as builtin
from formapp.definitions.printable import unprintable_in_consent_text
from formapp.documents.consent import ConsentText
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.records.errors import RuleViolation
from formapp.records.models import ConsentTextVersion, Forbund, User


def _from_row(row: ConsentTextVersion) -> ConsentText:
    return _parsed(row.content, row.id, row.sha256)


@lru_cache(maxsize=256)
def _parsed(content: str, version: str, sha256: str) -> ConsentText:
    # Keyed by the content itself, so a cached text is exactly what the row holds; parsing and
    # hash-checking a text twice per signature was a measurable part of a consent.
    return builtin.parse_text(content.encode("utf-8"), version=version, expected_sha256=sha256)


@lru_cache(maxsize=256)
def _published_text(version: str, sha256: str) -> ConsentText:
    """A published version by id and hash. Versions are immutable, so one read and check per
    process; a row whose content no longer matches its hash is refused, as by _parsed."""
    row = db.session.get(ConsentTextVersion, version)
    if row is None or row.sha256 != sha256:
        raise builtin.ConsentTextError(f"text version {version} is not as published")
    return _from_row(row)


@dataclass(frozen=True)
class ForbundTexts:
    """What a förbund has published, newest first: (version id, locale, SHA-256). Read with
    one light query (no text content); a text itself comes from _published_text."""

    versions: tuple[tuple[str, str, str], ...]

    def current(self, locale: str) -> ConsentText | None:
        """The förbund's newest version in ``locale``, else the newest built-in one."""
        for version, text_locale, sha256 in self.versions:
            if text_locale == locale:
                return _published_text(version, sha256)
        return builtin.latest_builtin(locale)

    def locales(self) -> list[str]:
        """Every locale the förbund can show: built-in ones plus its own."""
        locales = list(builtin.builtin_locales())
        return locales + sorted({v[1] for v in self.versions} - set(locales))

    def shown(self, locale: str) -> ShownTexts | None:
        """The texts a participant reading ``locale`` sees (None: no text)."""
        binding, read = self.current("sv"), self.current(locale)
        return ShownTexts(binding, read) if binding is not None and read is not None else None


def forbund_texts(forbund: Forbund) -> ForbundTexts:
    rows = db.session.execute(
        select(ConsentTextVersion.id, ConsentTextVersion.locale, ConsentTextVersion.sha256)
        .where(ConsentTextVersion.forbund_id == forbund.id)
        .order_by(ConsentTextVersion.published_at.desc(), ConsentTextVersion.id.desc()))
    return ForbundTexts(tuple((r.id, r.locale, r.sha256) for r in rows))


def current_text(forbund: Forbund, locale: str) -> ConsentText | None:
    """The förbund's newest version in ``locale``, else the newest built-in one."""
    return forbund_texts(forbund).current(locale)


@dataclass(frozen=True)
class ShownTexts:
    """The texts a participant reads and signs: the binding Swedish one and the one in their
    language (the same when they read Swedish)."""

    binding: ConsentText
    read: ConsentText

    @property
    def versions(self) -> str:
        """What the signing page carries, so a signature binds only to the texts it showed."""
        return f"{self.binding.version} {self.read.version}"


def shown_texts(forbund: Forbund, locale: str) -> ShownTexts | None:
    """The förbund's current texts for a participant reading ``locale`` (None: no text)."""
    return forbund_texts(forbund).shown(locale)


def text_version(version_id: str) -> ConsentText:
    """A version by id, from either source, checked against its hash."""
    row = db.session.get(ConsentTextVersion, version_id)
    if row is not None:
        return _from_row(row)
    return builtin.load_builtin(version_id)


def available_locales(forbund: Forbund) -> list[str]:
    """Every locale the förbund can show: built-in ones plus its own."""
    return forbund_texts(forbund).locales()


def verify_published(forbund_id: int | None = None) -> list[str]:
    """Problems with the förbund-published versions in the database (empty when all is well)."""
    query = select(ConsentTextVersion)
    if forbund_id is not None:
        query = query.where(ConsentTextVersion.forbund_id == forbund_id)
    problems = []
    for row in db.session.scalars(query):
        try:
            _from_row(row)
        except builtin.ConsentTextError as exc:
            problems.append(str(exc))
    return problems


def publish_text(forbund: Forbund, raw: bytes, *, by: User | None) -> ConsentText:
    """Publish a förbund's own version (never replaces one: every publication is new)."""
    try:
        probe = builtin.parse_text(raw, version="new")
    except builtin.ConsentTextError as exc:
        raise RuleViolation("file", _lo("Filen är inte en giltig samtyckestext: %(problem)s",
                                       problem=str(exc).removeprefix("new: "))) from exc
    # Checked before anything is kept: a character no font has would block every signature.
    if (unprintable := unprintable_in_consent_text(probe)) is not None:
        raise RuleViolation("file", unprintable)
    if probe.status == "unofficial":
        raise RuleViolation("file", _lo("En publicerad text ska ha status binding (svenska) "
                                        "eller official (översättning)."))
    count = db.session.scalar(select(func.count()).select_from(ConsentTextVersion).where(
        ConsentTextVersion.forbund_id == forbund.id,
        ConsentTextVersion.locale == probe.locale)) or 0
    version_id = f"9443-{probe.locale}-f{forbund.id}-{count + 1}"
    row = ConsentTextVersion(id=version_id, forbund_id=forbund.id, locale=probe.locale,
                             status=probe.status, content=raw.decode("utf-8"),
                             sha256=builtin.sha256_hex(raw),
                             published_by_id=by.id if by else None)
    db.session.add(row)
    db.session.flush()
    return _from_row(row)
