"""ICU's line breaking without PyICU: the positions PyICU gave, for every Thai string laid out.

The fixture was recorded with PyICU 2.17 (ICU 72.1) before formapp switched to calling
Debian's libicu directly (issue 21 point 14): a PDF's lines must not move with that switch.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from formapp.documents import linebreak

FIXTURE = json.loads((Path(__file__).parent / "data" / "icu_breaks_th.json").read_text("utf-8"))
CASES = FIXTURE["cases"]


def _grapheme_boundaries_recorded(case: dict) -> list[int]:
    inside = set(case["char_inside"])
    return [i for i in range(len(case["text"]) + 1) if i not in inside]


def test_fixture_covers_thai_consent_and_ui_strings() -> None:
    sources = {case["source"] for case in CASES}
    assert "sample consent PDF formapp-samtycke th" in sources
    assert "sample consent PDF fk-9443 th" in sources
    assert "translations/th/LC_MESSAGES/messages.po" in sources
    assert sum(case["locale"] == "th" for case in CASES) > 250


def test_icu_is_used() -> None:
    # Without ICU the fallback breaks at spaces only: Thai would run to the margin mid-word.
    assert linebreak.HAVE_ICU, "libicu (Debian's libicuNN) not found"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['locale']}-{c['text'][:24]}")
def test_line_breaks_as_recorded(case: dict) -> None:
    assert linebreak.line_break_opportunities(case["text"], case["locale"]) == case["line"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['locale']}-{c['text'][:24]}")
def test_grapheme_boundaries_as_recorded(case: dict) -> None:
    assert (linebreak.grapheme_boundaries(case["text"], case["locale"])
            == _grapheme_boundaries_recorded(case))


def test_characters_beyond_the_bmp_map_to_str_indexes() -> None:
    # ICU counts UTF-16 units; a surrogate pair (the emoji) is one str index.
    text = "ข้อมูล😀ที่เรา ok"
    lines = linebreak.line_break_opportunities(text, "th")
    graphemes = linebreak.grapheme_boundaries(text, "th")
    assert text.index("😀") in graphemes and text.index("😀") + 1 in graphemes
    assert all(0 < i < len(text) for i in lines)
    assert text.index("o") in lines


def test_no_pyicu_needed() -> None:
    """The same positions with the PyICU module made unimportable (as on a fresh install)."""
    sample = [c for c in CASES if c["locale"] == "th"][:40]
    code = (
        "import json, sys\n"
        "sys.modules['icu'] = None\n"  # `import icu` now raises ImportError
        "from formapp.documents import linebreak\n"
        "cases = json.loads(sys.stdin.read())\n"
        "print(json.dumps([linebreak.line_break_opportunities(c['text'], c['locale'])"
        " for c in cases]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], input=json.dumps(sample),
                            capture_output=True, text=True, check=True,
                            cwd=Path(__file__).parents[2])
    assert json.loads(result.stdout) == [c["line"] for c in sample]
