"""Read aloud (issue 19): machine readings by espeak-ng, recordings bound to a text version,
the controls on the reading page, and the evidence of what was heard in the sealed record."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pikepdf
import pytest
from flask import Flask
from sqlalchemy import func, select

from formapp.cli import cli
from formapp.definitions.consent_texts import latest_builtin
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.readaloud.sections import reading_sections
from formapp.records.models import AuditEntry, Consent, ConsentAudio
from formapp.webclient import Browser, shown_texts
from tests.web.test_consent_flow import officer, read_url, signature_json, start
from tests.world import PASSWORD, World, build_world

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng is missing: `make test` installs it")
pytestmark = needs_espeak


def spoken_wav(text: str, voice: str = "sv") -> bytes:
    """A real recording stand-in: espeak-ng reading ``text`` into a WAV file."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "spoken.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True)
        return path.read_bytes()


ARABIC = "مرحبا، هذه قراءة النص بصوت عال"


def admin(app: Flask, world: World) -> Browser:
    browser = Browser(app.test_client())
    browser.login(world.email("samverkansadmin"), PASSWORD)
    return browser


def upload_recording(browser: Browser, world: World, choice: str, raw: bytes,
                     filename: str = "inlasning.wav"):
    page = f"/forbund/{world.forbund_a.id}/samtyckestexter"
    browser.get(page)
    return browser.post(f"{page}/upplasning",
                        {"text": choice, "file": (io.BytesIO(raw), filename)},
                        content_type="multipart/form-data")


def text_choice(locale: str) -> str:
    text = latest_builtin(locale)
    return f"{text.version}:{text.sha256}"


def cache_dir(app: Flask) -> Path:
    return Path(app.config["FORMAPP_DATA_DIR"]) / "audio-cache"


@pytest.mark.parametrize("locale, voice", [("sv", "sv"), ("ar", "ar")])
def test_a_machine_reading_is_generated_per_section_once(app: Flask, locale: str,
                                                         voice: str) -> None:
    world = build_world()
    browser = officer(app, world)
    text = latest_builtin(locale)
    sections = reading_sections(text)
    assert len(sections) == len(text.sections) + 2  # title, sections, declaration
    first = browser.get(f"/upplasning/{text.version}/1.wav")
    assert first.status_code == 200 and first.mimetype == "audio/wav"
    assert first.data[:4] == b"RIFF" and first.data[8:12] == b"WAVE"
    cached = cache_dir(app) / text.sha256 / voice / "1.wav"
    assert cached.read_bytes() == first.data
    stamp = cached.stat().st_mtime_ns
    again = browser.get(f"/upplasning/{text.version}/1.wav")
    assert again.data == first.data and cached.stat().st_mtime_ns == stamp
    # A player seeks with a range request.
    part = browser.get(f"/upplasning/{text.version}/1.wav", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100
    assert browser.get(f"/upplasning/{text.version}/{len(sections)}.wav").status_code == 404
    assert browser.get("/upplasning/9443-xx-1/0.wav").status_code == 404


def test_no_machine_voice_for_tigrinya(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    assert browser.get(f"/upplasning/{latest_builtin('ti').version}/0.wav").status_code == 404


def test_the_reading_page_has_controls_labels_and_no_autoplay(app: Flask) -> None:
    world = build_world()
    browser = officer(app, world)
    url = read_url(start(browser, world), "sv")
    page = browser.get(url).get_data(as_text=True)
    assert "data-read-aloud" in page and "Läs upp allt" in page
    assert "Maskinuppläst" in page
    assert "js/read-aloud.js" in page and "autoplay" not in page
    assert 'form="sign-form"' in page and 'name="read_aloud"' in page
    assert len(re.findall(r'data-read-section="\d+"', page)) >= 4
    sections = len(reading_sections(latest_builtin("sv")))
    assert len(re.findall(r"data-track ", page)) == sections

    arabic = browser.get(url.removesuffix("sv") + "ar").get_data(as_text=True)
    assert "data-read-aloud" in arabic and "Maskinuppläst" not in arabic
    tigrinya = browser.get(url.removesuffix("sv") + "ti").get_data(as_text=True)
    assert "data-read-aloud" not in tigrinya and "read-aloud-missing" in tigrinya


def test_a_recording_is_bound_to_its_text_version(app: Flask) -> None:
    world = build_world()
    sam = admin(app, world)
    raw = spoken_wav(ARABIC, "ar")
    response = upload_recording(sam, world, text_choice("ar"), raw)
    assert response.status_code == 302, response.get_data(as_text=True)
    row = db.session.scalar(select(ConsentAudio))
    text = latest_builtin("ar")
    assert (row.text_version, row.text_sha256, row.locale) == (text.version, text.sha256, "ar")
    assert row.audio_sha256 == hashlib.sha256(raw).hexdigest()
    assert row.media_type == "audio/wav" and 0 < row.seconds < 10
    listing = sam.get(response.headers["Location"]).get_data(as_text=True)
    assert row.audio_sha256 in listing
    assert "ckb" in listing and "Behöver en inspelning" in listing

    taker = officer(app, world)
    page = taker.get(read_url(start(taker, world), "ar")).get_data(as_text=True)
    assert f"/upplasning/inspelning/{row.id}" in page and 'data-source="recorded"' in page
    played = taker.get(f"/upplasning/inspelning/{row.id}")
    assert played.data == raw and played.mimetype == "audio/wav"
    other = Browser(app.test_client())
    other.login(world.email("other_forbund_admin"), PASSWORD)
    assert other.get(f"/upplasning/inspelning/{row.id}").status_code == 404
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.subject == f"consent_audio:{row.id}")) == "consent_audio.uploaded"


def test_a_recording_for_another_text_or_not_audio_is_refused(app: Flask) -> None:
    world = build_world()
    sam = admin(app, world)
    wav = spoken_wav("hej, det här är en uppläsning av texten")
    text = latest_builtin("sv")
    mismatched = upload_recording(sam, world, f"{text.version}:{'0' * 64}", wav)
    assert mismatched.status_code == 422
    assert "Texten har ändrats" in mismatched.get_data(as_text=True)
    unknown = upload_recording(sam, world, f"9443-sv-1999-1:{text.sha256}", wav)
    assert unknown.status_code == 422
    not_audio = upload_recording(sam, world, text_choice("sv"), b"%PDF-1.7\n" + b"x" * 500,
                                 filename="inlasning.mp3")
    assert not_audio.status_code == 422
    assert "inte en ljudfil" in not_audio.get_data(as_text=True)
    empty = upload_recording(sam, world, text_choice("sv"), b"")
    assert empty.status_code == 422
    app.config["FORMAPP_AUDIO_MAX_BYTES"] = 1000
    too_big = upload_recording(sam, world, text_choice("sv"), wav)
    assert too_big.status_code == 422 and "för stor" in too_big.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ConsentAudio)) == 0


def sign_with(browser: Browser, url: str, read_aloud: str):
    page = browser.get(url).get_data(as_text=True)
    return browser.post(url, {"name": "Testperson Exempelsson", "signature": signature_json(),
                              "texts": shown_texts(page), "confirmed": "y",
                              "read_aloud": read_aloud})


def sealed_record(consent: Consent) -> tuple[dict, str]:
    pdf = evidence().archive.read(consent.pdf_sha256)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        record = json.loads(document.attachments["record.json"].get_file().read_bytes())
    text = ""
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode("utf-8")
    return record, text


def test_what_was_heard_is_sealed_with_the_consent(app: Flask) -> None:
    world = build_world()
    sam = admin(app, world)
    recording = spoken_wav(ARABIC, "ar")
    assert upload_recording(sam, world, text_choice("ar"), recording).status_code == 302
    row = db.session.scalar(select(ConsentAudio))

    taker = officer(app, world)
    url = read_url(start(taker, world), "ar")
    text = latest_builtin("ar")
    # The machine reading stays valid evidence once a recording exists.
    machine = taker.get(f"/upplasning/{text.version}/2.wav").data
    evidence_json = json.dumps([
        {"source": "recorded", "sha256": row.audio_sha256, "section": None, "seconds": 1.2},
        {"source": "machine", "section": 2, "sha256": None, "seconds": 3.5},
        {"source": "machine", "section": 2, "seconds": 1.25},
    ])
    response = sign_with(taker, url, evidence_json)
    assert response.status_code == 302, response.get_data(as_text=True)
    consent = db.session.scalar(select(Consent))
    record, pdf_text = sealed_record(consent)
    heard = {entry["source"]: entry for entry in record["read_aloud"]}
    assert heard["recorded"]["audio_sha256"] == row.audio_sha256
    assert heard["recorded"]["played_seconds"] == 1.2
    assert heard["recorded"]["text_version"] == text.version
    assert heard["recorded"]["text_sha256"] == text.sha256
    assert heard["machine"]["audio_sha256"] == hashlib.sha256(machine).hexdigest()
    assert heard["machine"]["section"] == 2 and heard["machine"]["voice"] == "ar"
    assert heard["machine"]["played_seconds"] == pytest.approx(4.8)
    assert len(record["read_aloud"]) == 2
    if pdf_text:
        assert "Uppläsning" in pdf_text and "maskinuppläst" in pdf_text


def test_no_read_aloud_is_an_empty_list(app: Flask) -> None:
    world = build_world()
    taker = officer(app, world)
    assert sign_with(taker, read_url(start(taker, world), "sv"), "").status_code == 302
    record, pdf_text = sealed_record(db.session.scalar(select(Consent)))
    assert record["read_aloud"] == []
    if pdf_text:
        assert "användes inte" in pdf_text


@pytest.mark.parametrize("claimed", [
    "not json",
    json.dumps({"source": "machine"}),
    json.dumps([{"source": "recorded", "sha256": "a" * 64, "seconds": 3}]),
    json.dumps([{"source": "machine", "section": 99, "seconds": 3}]),
    json.dumps([{"source": "machine", "section": 1, "seconds": -3}]),
    json.dumps([{"source": "machine", "section": 1, "sha256": "b" * 64, "seconds": 3}]),
])
def test_evidence_of_audio_that_does_not_exist_is_refused(app: Flask, claimed: str) -> None:
    world = build_world()
    taker = officer(app, world)
    url = read_url(start(taker, world), "sv")
    taker.get(f"/upplasning/{latest_builtin('sv').version}/1.wav")
    response = sign_with(taker, url, claimed)
    assert response.status_code == 422
    assert "Uppläsningen kunde inte kontrolleras" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Consent)) == 0


def test_audio_list_shows_each_active_text_version(app: Flask) -> None:
    world = build_world()
    sam = admin(app, world)
    assert upload_recording(sam, world, text_choice("ar"), spoken_wav(ARABIC, "ar")
                            ).status_code == 302
    result = app.test_cli_runner().invoke(
        cli, ["audio", "list", "--json", "--forbund", str(world.forbund_a.id)])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.output)
    locales = listing["forbund"][0]["locales"]
    assert [a["source"] for a in locales["ar"]["audio"]] == ["recorded"]
    sv = latest_builtin("sv")
    assert locales["sv"]["text_version"] == sv.version
    assert locales["sv"]["text_sha256"] == sv.sha256
    assert {a["source"] for a in locales["sv"]["audio"]} == {"machine"}
    assert len(locales["sv"]["audio"]) == len(reading_sections(sv))
    assert all(a["seconds"] > 0 and len(a["sha256"]) == 64 for a in locales["sv"]["audio"])
    assert locales["ti"]["audio"] == [] and locales["ti"]["needs_recording"] is True
