"""What an uploaded recording is: its type by magic bytes (never by name or browser claim)
and its length, read by mutagen from the container's own headers."""

from __future__ import annotations

import io
from dataclasses import dataclass

import mutagen
from mutagen import MutagenError

# (offset, bytes) that start each container, its media type and the file ending to serve it
# with. Only formats every current tablet browser plays.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"ID3", "audio/mpeg"),
    (0, b"\xff\xfb", "audio/mpeg"),
    (0, b"\xff\xf3", "audio/mpeg"),
    (0, b"\xff\xf2", "audio/mpeg"),
    (0, b"OggS", "audio/ogg"),
    (0, b"fLaC", "audio/flac"),
    (4, b"ftyp", "audio/mp4"),
)
MIN_SECONDS, MAX_SECONDS = 1, 60 * 60  # a consent text read aloud takes minutes


@dataclass(frozen=True)
class AudioFile:
    media_type: str
    seconds: float


class NotAudio(ValueError):
    """Not a recording formapp can play back: ``reason`` is "type", "unreadable" or "length"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sniff(raw: bytes) -> str | None:
    """The media type the first bytes announce, or None."""
    if raw[:4] == b"RIFF" and raw[8:12] == b"WAVE":
        return "audio/wav"
    for offset, magic, media_type in _MAGIC:
        if raw[offset:offset + len(magic)] == magic:
            return media_type
    return None


def inspect_audio(raw: bytes) -> AudioFile:
    """The recording's type and length; ``NotAudio`` when it is not a playable recording."""
    media_type = sniff(raw)
    if media_type is None:
        raise NotAudio("type")
    try:
        parsed = mutagen.File(io.BytesIO(raw))
    except (MutagenError, ValueError, EOFError, OSError):
        parsed = None
    seconds = float(getattr(getattr(parsed, "info", None), "length", 0) or 0)
    if parsed is None or seconds != seconds:  # NaN from a broken header
        raise NotAudio("unreadable")
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise NotAudio("length")
    return AudioFile(media_type, round(seconds, 2))
