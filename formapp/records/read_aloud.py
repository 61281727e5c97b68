"""Read aloud (issue 19): a förbund's recordings of its text versions, what a participant
reading a text can hear, and the check of what the reading page says was heard.

A recording is bound to one text version by id and SHA-256; where a text has none, the machine
reading (``formapp.readaloud.machine``) serves. The signing page reports what was played; only
audio that exists for the text shown is accepted into the sealed record.
Keeping a recording (its checks and its audit entry) is ``formapp.cases.read_aloud``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from formapp.documents.consent import ConsentText
from formapp.extensions import db
from formapp.i18n import _lp
from formapp.readaloud import machine
from formapp.readaloud.sections import reading_sections
from formapp.records.consent_texts import ForbundTexts, forbund_texts
from formapp.records.errors import RuleViolation
from formapp.records.models import ConsentAudio, Forbund

RECORDED = "recorded"
MACHINE = "machine"
MAX_ENTRIES = 200
MAX_PLAYED_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Track:
    """One playable file: a whole recording (section None) or one section's machine reading."""

    source: str
    section: int | None
    recording_id: int | None = None  # a recording's row
    sha256: str | None = None  # known once the file exists
    seconds: float | None = None
    starts: tuple[float, ...] = ()  # a recording's section start times, when given


@dataclass(frozen=True)
class Reading:
    """What a participant reading ``text`` can listen to (no tracks: nothing)."""

    text: ConsentText
    source: str | None
    tracks: tuple[Track, ...]
    voice: str | None = None


def needs_recording(locale: str) -> bool:
    """No machine voice speaks ``locale`` (ckb, so, ti): only a recording can read it."""
    return locale not in machine.VOICES


def recordings_of(forbund: Forbund, text: ConsentText) -> list[ConsentAudio]:
    """The förbund's recordings of exactly this text version, newest first."""
    return list(db.session.scalars(
        select(ConsentAudio).where(ConsentAudio.forbund_id == forbund.id,
                                   ConsentAudio.text_version == text.version,
                                   ConsentAudio.text_sha256 == text.sha256)
        .order_by(ConsentAudio.uploaded_at.desc(), ConsentAudio.id.desc())))


def reading_for(forbund: Forbund, text: ConsentText, cache: Path) -> Reading:
    """The newest recording of the text, else its machine reading section by section (the
    files of those not yet generated have no SHA-256 yet: the first play generates them)."""
    recordings = recordings_of(forbund, text)
    if recordings:
        row = recordings[0]
        starts = tuple(json.loads(row.section_starts)) if row.section_starts else ()
        return Reading(text, RECORDED, (Track(RECORDED, None, row.id, row.audio_sha256,
                                              row.seconds, starts),))
    voice = machine.voice_for(text.locale)
    if voice is None:
        return Reading(text, None, ())
    tracks = []
    for section in range(len(reading_sections(text))):
        found = machine.cached(cache, text, section)
        tracks.append(Track(MACHINE, section, sha256=found.sha256 if found else None,
                            seconds=found.seconds if found else None))
    return Reading(text, MACHINE, tuple(tracks), voice)


def current_texts(texts: ForbundTexts) -> list[ConsentText]:
    found = (texts.current(locale) for locale in texts.locales())
    return [text for text in found if text is not None]


def _refused() -> RuleViolation:
    # At the top of the signing form: the field is hidden, filled by the page's script.
    return RuleViolation("", _lp("Uppläsningen kunde inte kontrolleras. Skriv under igen."))


def checked_evidence(claimed: str, forbund: Forbund, text: ConsentText,
                     cache: Path) -> list[dict[str, Any]]:
    """What the reading page reports was played (JSON list of {source, section, sha256,
    seconds}), checked against the audio that exists for ``text``, merged per file, in the
    form the sealed record keeps. Never generates audio: a signing is never kept waiting."""
    if not claimed.strip():
        return []
    try:
        entries = json.loads(claimed)
    except ValueError as exc:
        raise _refused() from exc
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise _refused()
    recordings = {r.audio_sha256: r for r in recordings_of(forbund, text)}
    merged: dict[tuple[str, str, int | None], dict[str, Any]] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise _refused()
        seconds = entry.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) \
                or not math.isfinite(seconds) or not 0 <= seconds <= MAX_PLAYED_SECONDS:
            raise _refused()
        heard = _heard(entry, recordings, text, cache)
        key = (heard["source"], heard["audio_sha256"], heard["section"])
        if key in merged:
            merged[key]["played_seconds"] += seconds
        else:
            merged[key] = {**heard, "played_seconds": seconds}
    for heard in merged.values():
        heard["played_seconds"] = round(heard["played_seconds"], 1)
    return sorted((h for h in merged.values() if h["played_seconds"] > 0),
                  key=lambda h: (h["source"], -1 if h["section"] is None else h["section"]))


def _heard(entry: dict[str, Any], recordings: dict[str, ConsentAudio], text: ConsentText,
           cache: Path) -> dict[str, Any]:
    """The record's description of one reported file, or refused if there is no such audio."""
    common = {"locale": text.locale, "text_version": text.version,
              "text_sha256": text.sha256}
    claimed_sha = entry.get("sha256")
    if entry.get("source") == RECORDED:
        row = recordings.get(claimed_sha) if isinstance(claimed_sha, str) else None
        if row is None or entry.get("section") is not None:
            raise _refused()
        return {"source": RECORDED, **common, "section": None, "voice": None,
                "audio_sha256": row.audio_sha256, "audio_seconds": row.seconds,
                "media_type": row.media_type}
    section = entry.get("section")
    if entry.get("source") != MACHINE or isinstance(section, bool) \
            or not isinstance(section, int):
        raise _refused()
    found = machine.cached(cache, text, section)
    if found is None or claimed_sha not in (None, found.sha256):
        raise _refused()
    return {"source": MACHINE, **common, "section": section, "voice": found.voice,
            "engine": machine.ENGINE, "audio_sha256": found.sha256,
            "audio_seconds": found.seconds}


def audio_listing(forbund: Forbund | None, cache: Path) -> dict[str, Any]:
    """Per locale, the audio of each current text version of ``forbund`` (None: the built-in
    texts alone), generating machine readings not yet in the cache."""
    texts = forbund_texts(forbund) if forbund is not None else ForbundTexts(())
    locales: dict[str, Any] = {}
    for text in current_texts(texts):
        recordings = recordings_of(forbund, text) if forbund is not None else []
        audio: list[dict[str, Any]] = []
        if recordings:
            row = recordings[0]
            audio.append({"source": RECORDED, "section": None, "sha256": row.audio_sha256,
                          "seconds": row.seconds, "media_type": row.media_type})
        elif machine.voice_for(text.locale) is not None:
            audio = [{"source": MACHINE, "section": m.section, "sha256": m.sha256,
                      "seconds": m.seconds, "voice": m.voice}
                     for m in machine.generate_all(cache, text)]
        locales[text.locale] = {"text_version": text.version, "text_sha256": text.sha256,
                                "audio": audio,
                                "needs_recording": needs_recording(text.locale) and not audio}
    return {"id": forbund.id if forbund else None,
            "name": forbund.name if forbund else None, "locales": locales}
