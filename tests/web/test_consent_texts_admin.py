"""Publishing FK 9443 text versions without code, and the hashes that keep them immutable."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from formapp.cli import cli
from formapp.definitions.consent_texts import ConsentTextError
from formapp.extensions import db
from formapp.records.models import Consent, ConsentTextVersion
from formapp.webclient import Browser, shown_texts
from tests.conftest import make_app
from tests.web.test_consent_flow import (
    hand_back,
    officer,
    read_url,
    sign,
    signature_json,
    start,
)
from tests.world import PASSWORD, build_world

FORMS = Path(__file__).resolve().parents[2] / "forms"


def own_swedish_text() -> bytes:
    text = (FORMS / "9443" / "texts" / "sv.toml").read_text(encoding="utf-8")
    return text.replace("Försäkringskassan ansvarar för behandlingen",
                        "Förbund A ansvarar för behandlingen").encode("utf-8")


def upload(browser: Browser, forbund_id: int, raw: bytes):
    url = f"/forbund/{forbund_id}/samtyckestexter"
    browser.get(url)
    return browser.post(url, {"file": (io.BytesIO(raw), "text.toml")},
                        content_type="multipart/form-data")


def test_a_forbund_publishes_its_own_text_and_earlier_consents_keep_theirs(app: Flask) -> None:
    world = build_world()
    taker = officer(app, world)
    sign(taker, read_url(start(taker, world), "sv"))
    hand_back(taker)
    first = db.session.scalar(select(Consent))

    admin = Browser(app.test_client())
    admin.login(world.email("samverkansadmin"), PASSWORD)
    response = upload(admin, world.forbund_a.id, own_swedish_text())
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    version = f"9443-sv-f{world.forbund_a.id}-1"
    assert version in page

    sign(taker, read_url(start(taker, world, pnr="19800101-1009"), "sv"))
    hand_back(taker)
    db.session.expire_all()
    second = db.session.scalar(select(Consent).where(Consent.id != first.id))
    assert first.binding_version == "9443-sv-2026-1"
    assert second.binding_version == version
    assert "Förbund A ansvarar" in taker.get(f"/samtycken/{second.id}").get_data(as_text=True) \
        or second.binding_sha256 != first.binding_sha256


def test_a_text_published_while_the_participant_reads_is_not_signed_unseen(
        app: Flask) -> None:
    world = build_world()
    taker = officer(app, world)
    url = read_url(start(taker, world), "sv")
    shown = shown_texts(taker.get(url).get_data(as_text=True))
    assert shown == "9443-sv-2026-1 9443-sv-2026-1"
    admin = Browser(app.test_client())
    admin.login(world.email("samverkansadmin"), PASSWORD)
    assert upload(admin, world.forbund_a.id, own_swedish_text()).status_code == 302
    # The signature of the page read before the new Swedish version is refused …
    refused = taker.post(url, {"name": "Testperson Exempelsson", "confirmed": "y",
                               "signature": signature_json(), "texts": shown})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and db.session.scalar(select(Consent)) is None
    new = f"9443-sv-f{world.forbund_a.id}-1"
    assert shown_texts(page) == f"{new} {new}" and "Förbund A ansvarar" in page
    # Nothing given to the old texts is carried over (GDPR recital 32: no pre-ticked box).
    checkbox = re.search(r'<input[^>]*id="confirmed"[^>]*>', page)
    assert checkbox and "checked" not in checkbox.group(0)
    pad = re.search(r'<input[^>]*id="signature"[^>]*>', page)
    assert (pad and 'value=""' in pad.group(0)) or "value=" not in pad.group(0)
    # … and the page now shows, and signs, the new one.
    assert sign(taker, url).status_code == 302
    assert db.session.scalar(select(Consent)).binding_version == new


def test_a_translation_of_another_text_is_never_offered_beside_a_new_binding_text(
        app: Flask) -> None:
    """Issue 18: a förbund's own Swedish text was paired with FK 9443's Arabic translation."""
    world = build_world()
    taker = officer(app, world)
    url = read_url(start(taker, world), "ar")
    shown = shown_texts(taker.get(url).get_data(as_text=True))
    assert shown == "9443-sv-2026-1 9443-ar-2026-1"
    admin = Browser(app.test_client())
    admin.login(world.email("samverkansadmin"), PASSWORD)
    assert upload(admin, world.forbund_a.id, own_swedish_text()).status_code == 302
    language_page = taker.get(url.rsplit("/", 1)[0] + "/sprak").get_data(as_text=True)
    assert 'language-choice" lang="ar"' not in language_page
    assert 'language-choice" lang="sv"' in language_page
    refused = taker.post(url, {"name": "Testperson Exempelsson", "confirmed": "y",
                               "signature": signature_json(), "texts": shown})
    assert refused.status_code in (404, 422) and db.session.scalar(select(Consent)) is None
    texts_page = admin.get(f"/forbund/{world.forbund_a.id}/samtyckestexter")
    lacking = texts_page.get_data(as_text=True).split('id="lacking"')[1].split("</section>")[0]
    assert 'lang="ar"' in lacking and 'lang="ti"' in lacking


@pytest.mark.parametrize("raw, message", [
    (b"not = [toml", "inte en giltig samtyckestext"),
    (b'locale = "sv"\nstatus = "binding"\n', "inte en giltig samtyckestext"),
    ((FORMS / "9443" / "texts" / "ar.toml").read_bytes(), "official"),
])
def test_a_bad_text_file_is_refused(app: Flask, raw: bytes, message: str) -> None:
    world = build_world()
    admin = Browser(app.test_client())
    admin.login(world.email("samverkansadmin"), PASSWORD)
    response = upload(admin, world.forbund_a.id, raw)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(ConsentTextVersion)) is None


def test_an_edited_builtin_text_stops_the_app(tmp_path: Path, monkeypatch) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS, forms)
    target = forms / "9443" / "texts" / "fa.toml"
    target.write_bytes(target.read_bytes().replace(b"SUS", b"SU5", 1))
    monkeypatch.setenv("FORMAPP_FORMS_DIR", str(forms))
    with pytest.raises(ConsentTextError, match="9443-fa-2026-1 has been changed"):
        make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "data")


def test_a_published_text_changed_in_the_database_is_caught(app: Flask) -> None:
    world = build_world()
    admin = Browser(app.test_client())
    admin.login(world.email("samverkansadmin"), PASSWORD)
    upload(admin, world.forbund_a.id, own_swedish_text())
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["verify", "--all"]).exit_code == 0
    db.session.execute(update(ConsentTextVersion).values(
        content=ConsentTextVersion.content + "\n# edited"))
    db.session.commit()
    result = runner.invoke(cli, ["verify", "--all"])
    assert result.exit_code == 1 and "has been changed" in result.output
