"""The parts of a consent text that are read aloud one at a time.

Section 0 is the title, 1..n the text's sections (heading and paragraphs), n+1 the
declaration: the reading page marks the same parts with ``data-read-section``.
"""

from __future__ import annotations

from formapp.documents.consent import ConsentText


def reading_sections(text: ConsentText) -> tuple[str, ...]:
    """What is read for each section, in order: a line per heading and paragraph."""
    parts = [text.title]
    for section in text.sections:
        parts.append("\n".join(p for p in (section.heading, *section.paragraphs) if p))
    parts.append(f"{text.declaration_heading}\n{text.declaration_text}")
    return tuple(parts)
