"""A human recording's section times (issue 19): given at upload (optional), checked, kept
with the recording and handed to the reading page, which marks the section being read."""

from __future__ import annotations

import io
import json

import pytest
from flask import Flask
from sqlalchemy import select

from formapp.cases.read_aloud import parse_starts
from formapp.definitions.consent_texts import latest_builtin
from formapp.extensions import db
from formapp.readaloud.sections import reading_sections
from formapp.records.errors import RuleViolation
from formapp.records.models import ConsentAudio
from tests.web.test_consent_flow import officer, read_url, start
from tests.web.test_read_aloud import admin, needs_espeak, spoken_wav, text_choice
from tests.world import build_world

LONG = "Det här är en inläsning av texten. " * 4


def upload(browser, world, choice: str, raw: bytes, starts: str):
    page = f"/forbund/{world.forbund_a.id}/samtyckestexter"
    browser.get(page)
    return browser.post(f"{page}/upplasning",
                        {"text": choice, "file": (io.BytesIO(raw), "inlasning.wav"),
                         "section_starts": starts}, content_type="multipart/form-data")


def test_start_times_as_people_type_them() -> None:
    assert parse_starts("", 4, 10) == ()
    assert parse_starts("0, 0:01, 1.5; 2", 4, 10) == (0, 1, 1.5, 2)
    assert parse_starts("0\n1:00\n1:30\n2:00", 4, 150) == (0, 60, 90, 120)
    for wrong in ("0, 1, 2", "1, 2, 3, 4", "0, 2, 1, 3", "0, 1, 2, 10", "0, x, 2, 3"):
        with pytest.raises(RuleViolation):
            parse_starts(wrong, 4, 10)


@needs_espeak
def test_a_recording_with_section_times_marks_each_section(app: Flask) -> None:
    world = build_world()
    sam = admin(app, world)
    raw = spoken_wav(LONG)
    count = len(reading_sections(latest_builtin("sv")))
    starts = ", ".join(str(i) for i in range(count))
    refused = upload(sam, world, text_choice("sv"), raw, "0, 1")
    assert refused.status_code == 422
    assert "Ange en tid för varje del" in refused.get_data(as_text=True)
    assert db.session.scalar(select(ConsentAudio)) is None
    assert upload(sam, world, text_choice("sv"), raw, starts).status_code == 302
    row = db.session.scalar(select(ConsentAudio))
    assert json.loads(row.section_starts) == list(range(count))
    browser = officer(app, world)
    page = browser.get(read_url(start(browser, world), "sv")).get_data(as_text=True)
    expected = " ".join(str(float(i)) for i in range(count))
    assert 'data-source="recorded"' in page and f'data-starts="{expected}"' in page


@needs_espeak
def test_a_recording_without_times_has_none(app: Flask) -> None:
    world = build_world()
    assert upload(admin(app, world), world, text_choice("sv"), spoken_wav(LONG),
                  "").status_code == 302
    assert db.session.scalar(select(ConsentAudio)).section_starts is None
    browser = officer(app, world)
    page = browser.get(read_url(start(browser, world), "sv")).get_data(as_text=True)
    assert 'data-source="recorded"' in page and 'data-starts=""' in page
