"""The consent PDF's line about what the participant heard (the full evidence is the sealed
record's ``read_aloud`` list: one entry per audio file with its SHA-256 and seconds played)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LABEL = "Uppläsning"


def _duration(seconds: float) -> str:
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def describe(read_aloud: Sequence[Mapping[str, Any]]) -> str:
    """One short Swedish line, e.g. "maskinuppläst (espeak-ng, röst ar): avsnitt 1, 3;
    1 min 12 s lyssnat"."""
    if not read_aloud:
        return "användes inte"
    parts = []
    recorded = [e for e in read_aloud if e["source"] == "recorded"]
    for entry in recorded:
        parts.append(f"inspelad uppläsning (SHA-256 {entry['audio_sha256']}): "
                     f"{_duration(entry['played_seconds'])} lyssnat")
    machine = [e for e in read_aloud if e["source"] == "machine"]
    if machine:
        sections = ", ".join(str(e["section"] + 1) for e in machine)
        played = sum(e["played_seconds"] for e in machine)
        parts.append(f"maskinuppläst (espeak-ng, röst {machine[0]['voice']}): avsnitt "
                     f"{sections}; {_duration(played)} lyssnat")
    return "; ".join(parts)
