"""LIX (läsbarhetsindex, Björnsson 1968): how hard a Swedish text is to read.

LIX = words / sentences + 100 × long words / words, where a long word has more than six letters.
Below 30 is very easy, 30–40 easy (fiction, plain-language texts), 40–50 medium (newspapers),
50–60 hard (official documents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A word is a run of letters (digits and punctuation are not words: "2003:1210" is not counted).
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# A sentence ends at . ! ? or : followed by a space or the end (and at the end of a paragraph);
# "t.ex." style abbreviations are avoided in the texts rather than special-cased here.
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)")


@dataclass(frozen=True)
class Lix:
    words: int
    sentences: int
    long_words: int

    @property
    def value(self) -> float:
        if not self.words or not self.sentences:
            return 0.0
        return self.words / self.sentences + 100 * self.long_words / self.words


def lix(paragraphs: list[str] | tuple[str, ...]) -> Lix:
    """LIX over paragraphs; each paragraph ends a sentence even without a full stop."""
    words = sentences = long_words = 0
    for paragraph in paragraphs:
        found = _WORD.findall(paragraph)
        if not found:
            continue
        words += len(found)
        long_words += sum(1 for w in found if sum(ch.isalpha() for ch in w) > 6)
        ends = len(_SENTENCE_END.findall(paragraph.strip()))
        sentences += ends if re.search(r"[.!?:]\W*$", paragraph.strip()) else ends + 1
    return Lix(words, sentences, long_words)
