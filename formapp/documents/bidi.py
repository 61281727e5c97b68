"""The Unicode bidi algorithm (UAX #9) in two halves: levels per paragraph, order per line.

We use python-bidi's pure-Python implementation (``bidi.algorithm``), not its default Rust
``get_display``: we need the resolved *levels* of the logical text, not a reordered string,
because each directional run is shaped on its own (HarfBuzz, which also mirrors brackets in
right-to-left runs, i.e. rule L4) and the lines are broken before they are reordered (L1, L2).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bidi import algorithm as _uba

# Characters the algorithm drops in rule X9 (embedding controls, ZWJ/ZWNJ, …) keep their index.
_INDEX = "formapp_index"
# Hebrew, Arabic, Syriac, Thaana, NKo … and their presentation forms, plus explicit RTL controls.
_HAS_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u200f\u202b\u202e\u2067"
                      "\U00010800-\U00010fff\U0001e800-\U0001efff]")


def paragraph_levels(text: str, rtl: bool) -> list[int]:
    """Resolved embedding level of every character, base direction given by the locale."""
    if not text:
        return []
    if not rtl and not _HAS_RTL.search(text):
        return [0] * len(text)  # nothing to reorder: skip the (slow, pure-Python) algorithm
    storage = _uba.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    _uba.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char[_INDEX] = index
    _uba.explicit_embed_and_overrides(storage)
    _uba.resolve_weak_types(storage)
    _uba.resolve_neutral_types(storage, False)
    _uba.resolve_implicit_levels(storage, False)
    levels: list[int | None] = [None] * len(text)
    for char in storage["chars"]:
        levels[char[_INDEX]] = char["level"]
    # Removed characters (X9) take the level of the character before them.
    resolved: list[int] = []
    previous = storage["base_level"]
    for level in levels:
        previous = previous if level is None else level
        resolved.append(previous)
    return resolved


def visual_order(levels: Sequence[int]) -> list[int]:
    """Rule L2: the order in which items with these levels appear from left to right."""
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    odd = [lv for lv in levels if lv % 2]
    if not odd:
        return order
    lowest_odd = min(odd)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order
