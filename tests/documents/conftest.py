"""Fixtures of the document tests: the real fonts (Debian's fonts-noto-core), loaded once."""

from __future__ import annotations

import pytest

from formapp.documents.fonts import FontSet, load_fonts


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    return load_fonts()
