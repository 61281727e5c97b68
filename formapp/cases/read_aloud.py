"""A förbund's recording of one of its consent text versions (issue 19): checked against the
text it reads (the version current, its SHA-256 as the upload form showed it, the audio a
playable file of a sane length, the section start times), kept with its audit entry. The case
flushes, the caller commits; what a participant hears is ``formapp.records.read_aloud``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from itertools import pairwise

from formapp.definitions.consent_texts import sha256_hex
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.readaloud.media import NotAudio, inspect_audio
from formapp.readaloud.sections import reading_sections
from formapp.records.audit import log_event
from formapp.records.consent_texts import forbund_texts
from formapp.records.errors import RuleViolation
from formapp.records.models import ConsentAudio, Forbund, User
from formapp.records.read_aloud import current_texts, recordings_of


def parse_starts(given: str, sections: int, seconds: float) -> tuple[float, ...]:
    """Section start times as an officer types them ("0, 0:08, 1:05.5" or seconds), one per
    reading section, rising, within the recording; () when none are given."""
    parts = [p.strip() for p in given.replace(";", ",").replace("\n", ",").split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return ()
    starts = []
    for part in parts:
        minutes, _, rest = part.rpartition(":")
        try:
            value = (int(minutes) * 60 if minutes else 0) + float(rest)
        except ValueError as exc:
            raise RuleViolation("section_starts", _lo(
                "Skriv tiderna som sekunder eller minuter:sekunder, åtskilda med komma.")) from exc
        starts.append(round(value, 2))
    if len(starts) != sections:
        raise RuleViolation("section_starts", _lo(
            "Ange en tid för varje del (%(count)s: rubriken, avsnitten och samtycket), eller "
            "ingen.", count=sections))
    if starts[0] != 0 or any(b <= a for a, b in pairwise(starts)) \
            or starts[-1] >= seconds:
        raise RuleViolation("section_starts", _lo(
            "Tiderna ska börja på 0, öka och ligga inom inspelningen."))
    return tuple(starts)


def upload_recording(forbund: Forbund, choice: str, raw: bytes, *, by: User | None,
                     max_bytes: int, now: datetime | None = None,
                     section_starts: str = "") -> ConsentAudio:
    """Keep a recording of one of the förbund's current text versions. ``choice`` is
    "<version id>:<SHA-256>" as the upload form offers it; a version that is no longer
    current, or whose hash differs, is refused (the recording would read another text)."""
    version, _, sha256 = choice.partition(":")
    texts = forbund_texts(forbund)
    current = {text.version: text for text in current_texts(texts)}
    text = current.get(version)
    if text is None:
        raise RuleViolation("text", _lo("Välj en av förbundets aktuella textversioner."))
    if text.sha256 != sha256:
        raise RuleViolation("text", _lo("Texten har ändrats sedan sidan visades: välj "
                                        "versionen igen och ladda upp på nytt."))
    if not raw:
        raise RuleViolation("file", _lo("Filen är tom."))
    if len(raw) > max_bytes:
        raise RuleViolation("file", _lo("Filen är för stor: högst %(mb)s MB.",
                                        mb=max(1, max_bytes // (1024 * 1024))))
    try:
        audio = inspect_audio(raw)
    except NotAudio as exc:
        raise RuleViolation("file", {
            "type": _lo("Filen är inte en ljudfil formapp kan spela upp. Använd MP3, M4A, "
                        "OGG, FLAC eller WAV."),
            "unreadable": _lo("Ljudfilen går inte att läsa; den kan vara skadad."),
            "length": _lo("Inspelningen ska vara mellan en sekund och en timme lång."),
        }[exc.reason]) from exc
    starts = parse_starts(section_starts, len(reading_sections(text)), audio.seconds)
    digest = sha256_hex(raw)
    if any(r.audio_sha256 == digest for r in recordings_of(forbund, text)):
        raise RuleViolation("file", _lo("Den här inspelningen finns redan för versionen."))
    row = ConsentAudio(forbund_id=forbund.id, locale=text.locale, text_version=text.version,
                       text_sha256=text.sha256, audio_sha256=digest,
                       media_type=audio.media_type, seconds=audio.seconds, size=len(raw),
                       content=raw, uploaded_at=now or datetime.now(UTC),
                       section_starts=json.dumps(starts) if starts else None,
                       uploaded_by_id=by.id if by else None)
    db.session.add(row)
    db.session.flush()
    log_event(actor=by, action="consent_audio.uploaded", subject=f"consent_audio:{row.id}",
              why="Inspelning av samtyckestext laddad upp", forbund_id=forbund.id,
              details={"text_version": text.version, "text_sha256": text.sha256,
                       "audio_sha256": digest, "seconds": audio.seconds,
                       "section_starts": list(starts)})
    return row
