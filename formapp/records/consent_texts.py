"""Which consent text a förbund shows in a language, the versions it published and their
history. Publishing a version and choosing the text are the cases of
``formapp.cases.consent_texts``; a published text is read once per app (``app_cache``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from sqlalchemy import func, select

from formapp.definitions import consent_texts as builtin
from formapp.documents.consent import FK_TEXT, FORMAPP_TEXT, ConsentText
from formapp.extensions import app_cache, db
from formapp.records.models import Consent, ConsentTextVersion, Forbund, User

OWN_TEXT = "egen"  # a text the förbund wrote (its lawyer's) and uploaded


TEXT_CHOICES = (FORMAPP_TEXT, FK_TEXT, OWN_TEXT)


def row_text(row: ConsentTextVersion) -> ConsentText:
    return _parsed(row.content, row.id, row.sha256, row.text_id)


@lru_cache(maxsize=256)
def _parsed(content: str, version: str, sha256: str, text_id: str) -> ConsentText:
    # Keyed by the content itself, so a cached text is exactly what the row holds (pure data:
    # process-wide, whichever app's row it came from); parsing and hash-checking a text twice
    # per signature was a measurable part of a consent.
    text = builtin.parse_text(content.encode("utf-8"), version=version, expected_sha256=sha256)
    return replace(text, text_id=text_id)


def published_text(version: str, sha256: str) -> ConsentText:
    """A published version by id and hash. Versions are immutable, so one read and check per
    app (its database's row, not another app's); a row whose content no longer matches its
    hash is refused, as by _parsed."""
    cache = app_cache("published_texts")  # (version, sha256) → the parsed text, not the row
    key = (version, sha256)
    if key not in cache:
        row = db.session.get(ConsentTextVersion, version)
        if row is None or row.sha256 != sha256:
            raise builtin.ConsentTextError(f"text version {version} is not as published")
        cache[key] = row_text(row)
    text: ConsentText = cache[key]
    return text


@dataclass(frozen=True)
class ForbundTexts:
    """What a förbund has published, newest first: (version id, locale, SHA-256, text id),
    and which text it uses. Read with one light query (no text content); a text itself comes
    from published_text.

    The binding text is the newest Swedish version of the text the förbund uses (FK 9443's
    built-in one for ``fk-9443``). A language is offered only with a translation that declares
    exactly that binding version as its source: never the translation of another text."""

    versions: tuple[tuple[str, str, str, str], ...]
    choice: str = FK_TEXT

    def binding(self) -> ConsentText | None:
        if self.choice == FK_TEXT:
            return builtin.latest_builtin("sv")
        for version, locale, sha256, text_id in self.versions:
            if locale == "sv" and text_id == self.choice:
                return published_text(version, sha256)
        return None

    def current(self, locale: str) -> ConsentText | None:
        """The text a participant reading ``locale`` reads: the binding text in Swedish, else
        the förbund's newest translation of it, else a built-in one of it (None: none)."""
        binding = self.binding()
        if binding is None or locale == "sv":
            return binding
        for version, text_locale, sha256, _ in self.versions:
            if text_locale == locale:
                text = published_text(version, sha256)
                if text.translates(binding):
                    return text
        latest = builtin.latest_builtin(locale)
        return latest if latest is not None and latest.translates(binding) else None

    def locales(self) -> list[str]:
        """Every locale the förbund can show now: the binding text's and those with a
        translation of exactly it, built-in order first."""
        known = list(builtin.builtin_locales())
        known += sorted({v[1] for v in self.versions} - set(known))
        return [locale for locale in known if self.current(locale) is not None]

    def lacking(self, registry_locales: list[str]) -> list[str]:
        """Locales of the registry with no translation of the current binding text."""
        if self.binding() is None:
            return list(registry_locales)
        offered = set(self.locales())
        return [locale for locale in registry_locales if locale not in offered]

    def shown(self, locale: str) -> ShownTexts | None:
        """The texts a participant reading ``locale`` sees (None: no text)."""
        binding, read = self.binding(), self.current(locale)
        return ShownTexts(binding, read) if binding is not None and read is not None else None


def forbund_texts(forbund: Forbund) -> ForbundTexts:
    rows = db.session.execute(
        select(ConsentTextVersion.id, ConsentTextVersion.locale, ConsentTextVersion.sha256,
               ConsentTextVersion.text_id)
        .where(ConsentTextVersion.forbund_id == forbund.id)
        .order_by(ConsentTextVersion.published_at.desc(), ConsentTextVersion.id.desc()))
    return ForbundTexts(tuple((r.id, r.locale, r.sha256, r.text_id) for r in rows),
                        forbund.consent_text)


def current_text(forbund: Forbund, locale: str) -> ConsentText | None:
    """What a participant reading ``locale`` reads now (None: not offered)."""
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
        return row_text(row)
    return builtin.load_builtin(version_id)


def available_locales(forbund: Forbund) -> list[str]:
    """Every locale the förbund can show: those with a translation of its binding text."""
    return forbund_texts(forbund).locales()


def verify_published(forbund_id: int | None = None) -> list[str]:
    """Problems with the förbund-published versions in the database (empty when all is well)."""
    query = select(ConsentTextVersion)
    if forbund_id is not None:
        query = query.where(ConsentTextVersion.forbund_id == forbund_id)
    problems = []
    for row in db.session.scalars(query):
        try:
            row_text(row)
        except builtin.ConsentTextError as exc:
            problems.append(str(exc))
    return problems


def binding_version(forbund: Forbund, version: str | None) -> ConsentText | None:
    """A Swedish version this förbund can use: its own published ones or a built-in one."""
    if not version:
        return None
    row = db.session.get(ConsentTextVersion, version)
    if row is not None:
        return row_text(row) if row.forbund_id == forbund.id and row.locale == "sv" else None
    try:
        text = builtin.load_builtin(version)
    except KeyError:
        return None
    return text if text.status == "binding" and text.is_fk else None


def controller_values(forbund: Forbund, retention_years: int) -> dict[str, str]:
    """What formapp's text says about the förbund as personuppgiftsansvarig."""
    contact = ", ".join(v for v in (forbund.kontakt_epost, forbund.kontakt_telefon) if v)
    return {"forbund_namn": forbund.name, "organisationsnummer": forbund.organisationsnummer or "",
            "adress": ", ".join(line.strip() for line in forbund.postadress.splitlines()
                                if line.strip()),
            "kontakt": contact, "dataskyddsombud": forbund.dataskyddsombud,
            "lagringstid_ar": str(retention_years)}


def missing_controller_details(forbund: Forbund) -> list[str]:
    """The settings formapp's text needs and the förbund has not filled in (field names)."""
    needed = ("organisationsnummer", "postadress", "kontakt_epost", "dataskyddsombud")
    return [name for name in needed if not (getattr(forbund, name) or "").strip()]


@dataclass(frozen=True)
class HistoryRow:
    """One version in a förbund's history of a language."""

    version: str
    sha256: str
    status: str
    text_id: str
    published_at: datetime | None
    published_by: str
    consents: int


def version_history(forbund: Forbund) -> dict[str, list[HistoryRow]]:
    """Per locale, newest first: every version the förbund published and every built-in one
    its consents were signed with, with how many of its consents signed each."""
    counts: dict[str, int] = {}
    for column in (Consent.binding_version, Consent.read_version):
        for version, number in db.session.execute(
                select(column, func.count()).where(Consent.forbund_id == forbund.id,
                                                   column.is_not(None)).group_by(column)):
            if version is None:  # excluded above; the column type allows it
                continue
            counts[version] = counts.get(version, 0) + number
    history: dict[str, list[HistoryRow]] = {}
    rows = db.session.execute(
        select(ConsentTextVersion.id, ConsentTextVersion.locale, ConsentTextVersion.sha256,
               ConsentTextVersion.status, ConsentTextVersion.text_id,
               ConsentTextVersion.published_at, User.full_name)
        .outerjoin(User, User.id == ConsentTextVersion.published_by_id)
        .where(ConsentTextVersion.forbund_id == forbund.id)
        .order_by(ConsentTextVersion.published_at.desc(), ConsentTextVersion.id.desc()))
    for r in rows:
        history.setdefault(r.locale, []).append(HistoryRow(
            r.id, r.sha256, r.status, r.text_id, r.published_at, r.full_name or "–",
            counts.get(r.id, 0)))
    for entry in builtin.builtin_versions():
        if entry.text == FK_TEXT and (counts.get(entry.id) or (
                forbund.consent_text == FK_TEXT and entry.locale == "sv")):
            history.setdefault(entry.locale, []).append(HistoryRow(
                entry.id, entry.sha256, entry.status, FK_TEXT, None, "formapp",
                counts.get(entry.id, 0)))
    return history
