"""Read a FK 9443 text file (forms/9443/texts/<locale>.toml) into a ConsentText.

Only for samples and tests: the versioned text store (another module) is what real consents use.
The version id and SHA-256 here are those of the file's bytes.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from formapp.documents.consent import ConsentLabels, ConsentText, TextSection
from formapp.documents.errors import DocumentError, UnknownLocaleError

TEXTS_DIR = Path(__file__).resolve().parents[2] / "forms" / "9443" / "texts"


def available_locales(directory: Path = TEXTS_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.toml"))


def load_consent_text(locale: str, directory: Path = TEXTS_DIR) -> ConsentText:
    path = directory / f"{locale}.toml"
    if not path.is_file():
        known = ", ".join(available_locales(directory)) or "none"
        raise UnknownLocaleError(f"no FK 9443 text for locale {locale!r} in {directory} "
                                 f"(have: {known})")
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        digest = hashlib.sha256(raw).hexdigest()
        labels = data["labels"]
        return ConsentText(
            locale=data["locale"],
            status=data["status"],
            version=f"9443-{data['locale']}-file-{digest[:12]}",
            sha256=digest,
            title=data["title"],
            sections=tuple(TextSection(s.get("heading", ""), tuple(s["paragraphs"]))
                           for s in data["sections"]),
            declaration_heading=data["declaration"]["heading"],
            declaration_text=data["declaration"]["text"],
            labels=ConsentLabels(labels["personnummer"], labels["underskrift"],
                                 labels["ort_och_datum"], labels["namnfortydligande"]),
            language_name=data.get("language_name", ""),
        )
    except (KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise DocumentError(f"{path}: not a valid FK 9443 text file ({exc!r})") from exc
