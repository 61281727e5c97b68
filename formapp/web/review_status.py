"""What the admin's Samtyckestexter page says of the translations' review (issue 23): per
language, the participant strings' statuses and those of its consent texts' strings."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from formapp.definitions.loader import default_forms_dir
from formapp.i18n import _no, _o, registry
from formapp.i18n.registry import LocaleInfo
from formapp.translation.consent_review import text_counts
from formapp.translation.review import ReviewCounts, participant_counts


def review_counts() -> list[tuple[LocaleInfo, ReviewCounts, ReviewCounts]]:
    """Per translated locale: its participant catalog's counts and its consent texts'."""
    directory = Path(str(current_app.config["BABEL_TRANSLATION_DIRECTORIES"]).split(";")[0])
    reg = registry()
    catalogs = participant_counts(directory, reg.translated_ids)
    forms = default_forms_dir()
    return [(reg[locale], catalogs[locale], text_counts(forms, directory, locale))
            for locale in reg.translated_ids]


def text_summary(counts: ReviewCounts) -> str:
    """"12 strängar: 10 maskin, 2 granskade" (statuses with none left out)."""
    found = counts.counts
    parts = [text for text in (
        _o("%(num)d maskin", num=found["machine"]) if found["machine"] else "",
        _no("%(num)d granskad", "%(num)d granskade", found["reviewed"])
        if found["reviewed"] else "",
        _no("%(num)d officiell", "%(num)d officiella", found["official"])
        if found["official"] else "") if text]
    summary = _no("%(num)d sträng:", "%(num)d strängar:", sum(found.values()))
    summary = f"{summary} {', '.join(parts)}" if parts else summary.rstrip(":")
    if counts.problems:  # the review file is broken: nothing in it counted
        summary += " " + _o("(granskningsfilen går inte att läsa)")
    return summary
