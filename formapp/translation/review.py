"""Review status per catalog string (issue 23): ``machine``, ``reviewed`` or ``official``.

Kept in the catalogs as a translator comment, which Babel keeps through ``formapp i18n
update`` (``keep_user_comments``) and Poedit/Weblate show and keep::

    # review: reviewed by Amina Yusuf 2026-12-04
    msgid "Skriv under"
    msgstr "Saxiix"

An entry without a ``review:`` comment is ``machine`` (every translation formapp ships was
machine-made): nothing has to be written for it, so a new string is ``machine`` until a
reader says otherwise.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

STATUSES = ("machine", "reviewed", "official")
DEFAULT = "machine"
_COMMENT = re.compile(r"^\s*review:\s*(\S+)(.*)$", re.IGNORECASE)


@dataclass
class ReviewCounts:
    """How many entries of a catalog have each status, and the malformed review comments."""

    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return ", ".join(f"{self.counts.get(s, 0)} {s}" for s in STATUSES)


def status_of(message: Message) -> str | None:
    """The entry's status (None: a ``review:`` comment with an unknown status)."""
    for comment in message.user_comments:
        match = _COMMENT.match(comment)
        if match:
            status = match.group(1).lower()
            return status if status in STATUSES else None
    return DEFAULT


def is_review_comment(comment: str) -> bool:
    return _COMMENT.match(comment) is not None


def count(catalog: Catalog) -> ReviewCounts:
    result = ReviewCounts()
    for message in catalog:
        if not message.id:
            continue
        status = status_of(message)
        if status is None:
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            result.problems.append(f"{msgid[:60]}: review status must be one of {STATUSES}")
            status = DEFAULT
        result.counts[status] += 1
    return result


def catalog_counts(po: Path) -> ReviewCounts:
    """Counts of one ``.po`` file, read once per modification (the admin page asks often)."""
    try:
        stat = po.stat()
    except OSError:
        return ReviewCounts()
    return _cached(po, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _cached(po: Path, _mtime: int, _size: int) -> ReviewCounts:
    with po.open("rb") as handle:
        return count(read_po(handle))


def participant_counts(translations: Path, locales: tuple[str, ...]) -> dict[str, ReviewCounts]:
    """Per locale, the statuses of the participant catalog (what a participant reads)."""
    return {locale: catalog_counts(translations / locale / "LC_MESSAGES" / "messages.po")
            for locale in locales}
