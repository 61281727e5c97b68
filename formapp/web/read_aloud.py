"""Read aloud on the tablet (issue 19): the audio files, what the reading page's partial
(templates/consent/_read_aloud.html) plays, and the check of what the signing form reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from formapp.documents.consent import ConsentText
from formapp.extensions import db
from formapp.readaloud import machine
from formapp.records.consent_texts import ShownTexts, text_version
from formapp.records.models import ConsentAudio, Forbund
from formapp.records.read_aloud import Reading, checked_evidence, reading_for
from formapp.web.route_policy import participant_route

bp = Blueprint("read_aloud", __name__)
AUDIO_MAX_AGE = 365 * 24 * 3600  # every file is named by what it reads: it never changes


def audio_cache() -> Path:
    return machine.cache_dir(current_app.config)


@bp.app_template_global()
def read_aloud_for(forbund: Forbund, text: ConsentText) -> dict[str, Any]:
    """What the reading page offers to listen to, with the URL of each file."""
    reading: Reading = reading_for(forbund, text, audio_cache())
    tracks = [{"source": t.source, "section": t.section, "sha256": t.sha256,
               "starts": list(t.starts),
               "url": url_for("read_aloud.recording", audio_id=t.recording_id)
               if t.recording_id is not None
               else url_for("read_aloud.machine_section", version=text.version,
                            section=t.section)}
              for t in reading.tracks]
    return {"source": reading.source, "tracks": tracks}


def read_aloud_evidence(claimed: str, forbund: Forbund, texts: ShownTexts,
                        shown: str) -> list[dict]:
    """The signing form's report of what was played, checked (RuleViolation if it names audio
    that does not exist for the text shown). Nothing when the page showed other texts than
    the current ones: the signature is refused for that, with its own message."""
    if shown != texts.versions:
        return []
    return checked_evidence(claimed, forbund, texts.read, audio_cache())


def _immutable(response: Response) -> Response:
    response.headers["Cache-Control"] = f"private, max-age={AUDIO_MAX_AGE}, immutable"
    return response


@bp.route("/upplasning/<version>/<int:section>.wav")
@participant_route
def machine_section(version: str, section: int) -> Response:
    """One section's machine reading, generated at its first request."""
    try:
        text = text_version(version)
    except KeyError:
        abort(404)
    if machine.voice_for(text.locale) is None:
        abort(404)
    try:
        audio = machine.generate(audio_cache(), text, section)
    except IndexError:
        abort(404)
    except machine.MachineReadingError as exc:
        current_app.logger.error("read aloud %s/%s: %s", version, section, exc)
        abort(503)
    return _immutable(send_file(audio.path, mimetype="audio/wav", conditional=True,
                                etag=audio.sha256, max_age=AUDIO_MAX_AGE))


@bp.route("/upplasning/inspelning/<int:audio_id>")
@participant_route
def recording(audio_id: int) -> Response:
    row = db.session.get(ConsentAudio, audio_id)
    # A recording is the förbund's (an interpreter's voice): its own users only.
    if row is None or (row.forbund_id != current_user.forbund_id
                       and not current_user.is_system_admin):
        abort(404)
    response = Response(row.content, mimetype=row.media_type)
    response.set_etag(row.audio_sha256)
    response = response.make_conditional(request, accept_ranges=True,
                                         complete_length=row.size)
    return _immutable(response)
