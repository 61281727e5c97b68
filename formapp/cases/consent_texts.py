"""Publishing a förbund's consent texts: its own version (a Swedish binding text or a
translation of one), formapp's text filled in with the förbund's details, and the choice of
the text new consents use. A version is never replaced: every publication is a new immutable
row with its audit entry. The cases flush, the caller commits; which text a participant reads
is ``formapp.records.consent_texts``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from formapp.definitions import consent_templates as templates
from formapp.definitions import consent_texts as builtin
from formapp.definitions.printable import unprintable_in_consent_text
from formapp.documents.consent import FK_TEXT, FORMAPP_TEXT, ConsentText
from formapp.extensions import db
from formapp.i18n import _lo, registry
from formapp.records.audit import log_event
from formapp.records.consent_texts import (
    OWN_TEXT,
    TEXT_CHOICES,
    ForbundTexts,
    binding_version,
    controller_values,
    forbund_texts,
    missing_controller_details,
    published_text,
    row_text,
)
from formapp.records.errors import RuleViolation
from formapp.records.models import ConsentTextVersion, Forbund, User


def _new_version(forbund: Forbund, *, prefix: str, locale: str, text_id: str, status: str,
                 raw: bytes, by: User | None, text_ids: tuple[str, ...]) -> ConsentText:
    """Add one immutable version (and its audit entry); never replaces one."""
    count = db.session.scalar(select(func.count()).select_from(ConsentTextVersion).where(
        ConsentTextVersion.forbund_id == forbund.id, ConsentTextVersion.locale == locale,
        ConsentTextVersion.text_id.in_(text_ids))) or 0
    row = ConsentTextVersion(id=f"{prefix}-{locale}-f{forbund.id}-{count + 1}",
                             forbund_id=forbund.id, locale=locale, status=status,
                             text_id=text_id, content=raw.decode("utf-8"),
                             sha256=builtin.sha256_hex(raw), published_by_id=by.id if by else None)
    db.session.add(row)
    db.session.flush()
    text = row_text(row)
    log_event(actor=by, action="consent_text.published", subject=f"consent_text:{row.id}",
              why="Samtyckestext publicerad", forbund_id=forbund.id,
              details={"version": row.id, "locale": locale, "text": text_id,
                       "status": status, "sha256": row.sha256,
                       "source": text.source_version})
    return text


def _bad_file(problem: str) -> RuleViolation:
    return RuleViolation("file", _lo("Filen är inte en giltig samtyckestext: %(problem)s",
                                     problem=problem))


def publish_text(forbund: Forbund, raw: bytes, *, by: User | None) -> ConsentText:
    """Publish a förbund's own version (never replaces one: every publication is new).

    A Swedish text is the förbund's own binding text ("egen") and from now on the one its
    consents use. A translation (status official) must name in ``[source]`` the binding
    version it translates, and is shown only beside that version."""
    try:
        probe = builtin.parse_text(raw, version="new")
    except builtin.ConsentTextError as exc:
        raise _bad_file(str(exc).removeprefix("new: ")) from exc
    # Checked before anything is kept: a character no font has would block every signature.
    if (unprintable := unprintable_in_consent_text(probe)) is not None:
        raise RuleViolation("file", unprintable)
    if probe.status == "unofficial":
        raise RuleViolation("file", _lo("En publicerad text ska ha status binding (svenska) "
                                        "eller official (översättning)."))
    if probe.locale not in registry():
        # The locale names files and catalogs elsewhere: only an id of forms/locales.toml.
        raise RuleViolation("file", _lo(
            "Textens locale är inget språk som formapp känner till. Ange ett språk-id ur "
            "forms/locales.toml, till exempel sv, en eller ar."))
    if probe.status == "binding":
        text = _new_version(forbund, prefix="9443", locale="sv", text_id=OWN_TEXT,
                            status=probe.status, raw=raw, by=by,
                            text_ids=(OWN_TEXT, FK_TEXT))
        forbund.consent_text = OWN_TEXT
        return text
    source = binding_version(forbund, probe.source_version)
    if source is None or source.sha256 != probe.source_sha256:
        raise RuleViolation("file", _lo(
            "Översättningen måste ange i [source] vilken svensk version den översätter "
            "(version och sha256), och den versionen måste finnas i förbundet."))
    return _new_version(forbund, prefix="9443", locale=probe.locale, text_id=source.text_id,
                        status=probe.status, raw=raw, by=by, text_ids=(OWN_TEXT, FK_TEXT))


@dataclass(frozen=True)
class Publication:
    """What publishing formapp's text did: new versions, and the locales left without one."""

    published: tuple[ConsentText, ...]
    binding: ConsentText
    untranslated: tuple[str, ...]


def publish_formapp_text(forbund: Forbund, *, retention_years: int,
                         by: User | None) -> Publication:
    """Fill formapp's text with the förbund's settings and publish what changed: a new
    Swedish version when the filled text differs from the newest one, and a version of every
    translation of the current template that goes with it. Raises RuleViolation naming the
    settings still missing."""
    missing = missing_controller_details(forbund)
    if missing:
        raise RuleViolation(missing[0], _lo(
            "Fyll i förbundets uppgifter som personuppgiftsansvarig (organisationsnummer, "
            "postadress, e-post och dataskyddsombud) innan formapps samtyckestext kan "
            "publiceras."))
    values = controller_values(forbund, retention_years)
    texts = forbund_texts(forbund)
    latest = {locale: (version, sha256) for version, locale, sha256, text_id
              in reversed(texts.versions) if text_id == FORMAPP_TEXT}
    published: list[ConsentText] = []

    def publish(locale: str, raw: bytes, status: str) -> ConsentText:
        if locale in latest and latest[locale][1] == builtin.sha256_hex(raw):
            return published_text(*latest[locale])
        text = _new_version(forbund, prefix=FORMAPP_TEXT, locale=locale, text_id=FORMAPP_TEXT,
                            status=status, raw=raw, by=by, text_ids=(FORMAPP_TEXT,))
        published.append(text)
        return text

    swedish = templates.swedish_template()
    binding = publish("sv", templates.fill(swedish, values, issuer=forbund.name), "binding")
    translated = templates.translations()
    for locale, template in translated.items():
        publish(locale, templates.fill(template, values, issuer=forbund.name,
                                       source=(binding.version, binding.sha256)),
                template.data["status"])
    forbund.consent_text = FORMAPP_TEXT
    db.session.flush()
    untranslated = tuple(loc for loc in builtin.builtin_locales()
                         if loc != "sv" and loc not in translated)
    return Publication(tuple(published), binding, untranslated)


def choose_text(forbund: Forbund, choice: str, *, retention_years: int,
                by: User | None) -> Publication | None:
    """Switch the text new consents use; formapp's is (re)published filled in first."""
    if choice not in TEXT_CHOICES:
        raise RuleViolation("text", _lo("Välj en av samtyckestexterna."))
    if choice == FORMAPP_TEXT:
        return publish_formapp_text(forbund, retention_years=retention_years, by=by)
    if choice == OWN_TEXT and ForbundTexts(forbund_texts(forbund).versions,
                                           OWN_TEXT).binding() is None:
        raise RuleViolation("text", _lo("Förbundet har ingen egen svensk text publicerad."))
    forbund.consent_text = choice
    log_event(actor=by, action="consent_text.chosen", subject=f"forbund:{forbund.id}",
              why="Samtyckestext vald", forbund_id=forbund.id, details={"text": choice})
    db.session.flush()
    return None


def set_understanding_questions(forbund: Forbund, enabled: bool, *, by: User | None) -> bool:
    """Switch the understanding questions (issue 19) on or off for the förbund's new consents;
    audited when it changes (True then)."""
    if enabled == forbund.understanding_questions:
        return False
    forbund.understanding_questions = enabled
    log_event(actor=by, action="forbund.understanding", subject=f"forbund:{forbund.id}",
              why="Förståelsefrågor på eller av", forbund_id=forbund.id,
              details={"enabled": enabled})
    db.session.flush()
    return True
