"""Review status of a language's consent text strings (issue 23), beside its catalogs.

The consent text files are immutable once published, so the status cannot live in them. It
lives in ``translations/<locale>/consent-review.toml``, one entry per reviewed string, keyed
by the text, the string's place in it and the SHA-256 of the reviewed wording::

    [[string]]
    text = "fk-9443"
    where = "declaration.text"
    sha256 = "…"                # of the translation as the reviewer left it
    status = "reviewed"
    by = "Amina Yusuf"
    date = "2026-12-04"

A status holds only while the wording is the one reviewed: a string of a newer version that
reads otherwise is ``machine`` again (an ``official`` text is official throughout).
``formapp i18n import`` writes the entries; ``formapp i18n export`` reads them.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from formapp.translation import consent_po
from formapp.translation.review import DEFAULT, ReviewCounts

FILE = "consent-review.toml"
_HEADER = ("# Review status of this language's consent text translations, per string\n"
           "# (issue 23). Written by `formapp i18n import`; a status holds while the string's\n"
           "# SHA-256 is the one reviewed. See formapp/translation/consent_review.py.\n")


@dataclass(frozen=True)
class StringReview:
    text: str
    where: str
    sha256: str
    status: str
    by: str
    date: str

    def label(self) -> str:
        """As in a catalog's ``# review:`` comment."""
        return f"{self.status} by {self.by} {self.date}".strip()


def string_sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def load(translations: Path, locale: str) -> list[StringReview]:
    path = translations / locale / FILE
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        entries = data.get("string", [])
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    return [StringReview(str(e["text"]), str(e["where"]), str(e["sha256"]), str(e["status"]),
                         str(e.get("by", "")), str(e.get("date", "")))
            for e in entries]


def status_of(reviews: list[StringReview], text_id: str, where: str, value: str,
              text_status: str) -> str:
    """The status label of one string of a text (``machine`` unless reviewed as it reads)."""
    if text_status == "official":
        return "official"
    digest = string_sha256(value)
    for review in reversed(reviews):
        if (review.text, review.where, review.sha256) == (text_id, where, digest):
            return review.label()
    return "machine"


def text_counts(forms: Path, translations: Path, locale: str) -> ReviewCounts:
    """How many strings of the consent texts ``locale`` shows now (FK 9443's translation and
    formapp's own text's) are machine, reviewed or official; a review file that cannot be
    read counts as none reviewed, and is named among the problems."""
    result = ReviewCounts()
    try:
        reviews = load(translations, locale)
    except (ValueError, KeyError) as exc:
        result.problems.append(f"{FILE}: {exc}")
        reviews = []
    for text_id in consent_po.TEXTS:
        text = consent_po.current(forms, text_id, locale)
        if text is None:
            continue
        for where, sv, translation in text.strings():
            if sv:  # the first section's empty heading is no string
                label = status_of(reviews, text_id, where, translation, text.status)
                result.counts[label.split(" ", 1)[0] or DEFAULT] += 1
    return result


def record(translations: Path, locale: str, text_id: str, changes: dict[str, str], *,
           by: str, date: str) -> Path:
    """Mark the strings ``changes`` (place -> new wording) of ``text_id`` as reviewed,
    replacing earlier entries for the same places."""
    kept = [r for r in load(translations, locale)
            if not (r.text == text_id and r.where in changes)]
    kept += [StringReview(text_id, where, string_sha256(value), "reviewed", by, date)
             for where, value in changes.items()]
    lines = [_HEADER.rstrip("\n")]
    for review in kept:
        lines += ["", "[[string]]"]
        lines += [f"{key} = {json.dumps(getattr(review, key), ensure_ascii=False)}"
                  for key in ("text", "where", "sha256", "status", "by", "date")]
    path = translations / locale / FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
