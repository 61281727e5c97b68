"""Machine readings by espeak-ng (Debian's ``espeak-ng``, offline), one WAV per section.

Files are cached under ``<cache>/<text SHA-256>/<voice>/<section>.wav``: the text version's
hash names its content, so a file is generated once and never changes. A new file is written
beside its place and linked in, so two workers generating at once both end with the same,
first, file, and a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
import wave
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from formapp.documents.consent import ConsentText
from formapp.readaloud.sections import reading_sections

ENGINE = "espeak-ng"
# formapp's locale id -> espeak-ng voice. Sorani (ckb), Somali (so) and Tigrinya (ti) have no
# espeak-ng voice: they need a recording. Dari (fa_AF) is read by the Persian voice.
VOICES: Mapping[str, str] = {
    "sv": "sv", "en": "en", "ar": "ar", "fa": "fa", "fa_AF": "fa", "ku": "ku", "bs": "bs",
    "sq": "sq", "tr": "tr", "pl": "pl", "ru": "ru", "uk": "uk", "es": "es", "fi": "fi",
    "th": "th", "fr": "fr",
}
TIMEOUT_SECONDS = 120
_generating = threading.Lock()


class MachineReadingError(RuntimeError):
    """espeak-ng is missing or failed."""


@dataclass(frozen=True)
class MachineAudio:
    """One section's machine reading as it lies in the cache."""

    section: int
    voice: str
    path: Path
    sha256: str
    seconds: float


def cache_dir(config: Mapping[str, Any]) -> Path:
    """``FORMAPP_AUDIO_CACHE_DIR``, by default ``<data dir>/audio-cache``."""
    configured = config.get("FORMAPP_AUDIO_CACHE_DIR")
    return Path(configured) if configured else Path(config["FORMAPP_DATA_DIR"]) / "audio-cache"


def voice_for(locale: str) -> str | None:
    """The espeak-ng voice for ``locale`` when espeak-ng is installed, else None."""
    voice = VOICES.get(locale)
    return voice if voice and shutil.which(ENGINE) else None


def _path(cache: Path, text: ConsentText, voice: str, section: int) -> Path:
    return cache / text.sha256 / voice / f"{section}.wav"


def cached(cache: Path, text: ConsentText, section: int) -> MachineAudio | None:
    """A section's reading if it has been generated; never generates (a signing reads this)."""
    voice = VOICES.get(text.locale)
    if voice is None or not 0 <= section < len(reading_sections(text)):
        return None
    path = _path(cache, text, voice, section)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    sha256, seconds = _describe(path, stat.st_mtime_ns, stat.st_size)
    return MachineAudio(section, voice, path, sha256, seconds)


def generate(cache: Path, text: ConsentText, section: int) -> MachineAudio:
    """A section's reading, generated now unless cached. ``IndexError``: no such section;
    ``MachineReadingError``: no voice or espeak-ng failed."""
    parts = reading_sections(text)
    if not 0 <= section < len(parts):
        raise IndexError(section)
    found = cached(cache, text, section)
    if found is not None:
        return found
    voice = voice_for(text.locale)
    if voice is None:
        raise MachineReadingError(f"no {ENGINE} voice for {text.locale}")
    path = _path(cache, text, voice, section)
    with _generating:  # one espeak-ng at a time: the machine has two cores for everyone
        if not path.exists():
            _speak(parts[section], voice, path)
    found = cached(cache, text, section)
    assert found is not None
    return found


def generate_all(cache: Path, text: ConsentText) -> list[MachineAudio]:
    return [generate(cache, text, i) for i in range(len(reading_sections(text)))]


def _speak(words: str, voice: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(suffix=".wav.part", dir=path.parent)
    os.close(fd)
    try:
        try:
            subprocess.run([ENGINE, "-v", voice, "-w", temporary, "--stdin"],
                           input=words.encode("utf-8"), capture_output=True, check=True,
                           timeout=TIMEOUT_SECONDS)
        except (OSError, subprocess.SubprocessError) as exc:
            raise MachineReadingError(f"{ENGINE} -v {voice}: {exc}") from exc
        with contextlib.suppress(FileExistsError):  # write-once: the first file stays
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


@lru_cache(maxsize=1024)
def _describe(path: Path, mtime_ns: int, size: int) -> tuple[str, float]:
    """SHA-256 and length of a cached file, read once per process (keyed by its stat)."""
    raw = path.read_bytes()
    with wave.open(str(path)) as reader:
        seconds = reader.getnframes() / reader.getframerate()
    return hashlib.sha256(raw).hexdigest(), round(seconds, 2)


def _words_path(cache: Path, words: str, voice: str) -> Path:
    return cache / "words" / hashlib.sha256(words.encode("utf-8")).hexdigest() / f"{voice}.wav"


def cached_words(cache: Path, words: str, locale: str) -> MachineAudio | None:
    """The reading of ``words`` if it has been generated; never generates (a signing reads
    this)."""
    voice = VOICES.get(locale)
    if voice is None:
        return None
    path = _words_path(cache, words, voice)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    sha256, seconds = _describe(path, stat.st_mtime_ns, stat.st_size)
    return MachineAudio(0, voice, path, sha256, seconds)


def generate_words(cache: Path, words: str, locale: str) -> MachineAudio:
    """A machine reading of any short text in ``locale`` (an understanding question and its
    options), cached by the words' own SHA-256: the same words are one file."""
    voice = voice_for(locale)
    if voice is None:
        raise MachineReadingError(f"no {ENGINE} voice for {locale}")
    path = _words_path(cache, words, voice)
    with _generating:
        if not path.exists():
            _speak(words, voice, path)
    stat = path.stat()
    sha256, seconds = _describe(path, stat.st_mtime_ns, stat.st_size)
    return MachineAudio(0, voice, path, sha256, seconds)
