"""The keys come from configuration (or, in development, a generated file), never from the
database; a malformed, missing or wrong key stops the app at start with a message that says
which key."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from formapp.config import ConfigError
from formapp.extensions import db
from formapp.protection.current import check_keys
from formapp.protection.keyring import (
    KEY_FILE,
    load_keyring,
    new_key_entry,
    parse_keyring,
)
from formapp.records.models import Person
from tests.conftest import make_app
from tests.web.registration_helpers import PNR_MAN, take_consent
from tests.world import build_world

FORMAPP = str(Path(sys.executable).with_name("formapp"))


@pytest.mark.parametrize(("data", "message"), [
    ("nocolon", "id:base64"),
    ("k1:not base64!", "not valid base64"),
    ("k1:c2hvcnQ=", "has 5 bytes, 32 are needed"),
    ("bad id:" + new_key_entry().partition(":")[2], "id:base64"),
    (",", "holds no key"),
])
def test_a_malformed_key_is_refused_with_a_message(data: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_keyring(data, new_key_entry())


def test_a_key_id_twice_is_refused() -> None:
    key = new_key_entry()
    with pytest.raises(ConfigError, match="appears twice"):
        parse_keyring(f"{key},{key}", new_key_entry())


def test_production_requires_both_keys(tmp_path: Path) -> None:
    config = {"FORMAPP_ENV": "production", "FORMAPP_DATA_DIR": tmp_path}
    with pytest.raises(ConfigError, match="FORMAPP_DATA_KEYS and FORMAPP_LOOKUP_KEYS required"):
        load_keyring(config)
    with pytest.raises(ConfigError, match="FORMAPP_LOOKUP_KEYS required"):
        load_keyring({**config, "FORMAPP_DATA_KEYS": new_key_entry()})
    assert not (tmp_path / KEY_FILE).exists()  # never generated in production
    ring = load_keyring({**config, "FORMAPP_DATA_KEYS": new_key_entry(),
                         "FORMAPP_LOOKUP_KEYS": new_key_entry()})
    assert len(ring.data_keys) == len(ring.lookup_keys) == 1


def test_development_generates_the_key_file_once_owner_only(tmp_path: Path) -> None:
    config = {"FORMAPP_ENV": "development", "FORMAPP_DATA_DIR": tmp_path}
    first = load_keyring(config)
    path = tmp_path / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_keyring(config) == first  # read again, not regenerated
    with pytest.raises(ConfigError, match="set both"):
        load_keyring({**config, "FORMAPP_DATA_KEYS": new_key_entry()})


def _sqlite_app(url: str, data_dir: Path, **keys: str) -> Flask:
    return make_app(url, data_dir, FORMAPP_CHECK_KEYS_AT_START=True, **keys)


def test_a_wrong_or_missing_key_stops_the_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    data, lookup = new_key_entry(), new_key_entry()
    app = _sqlite_app(url, tmp_path / "data", FORMAPP_DATA_KEYS=data,
                      FORMAPP_LOOKUP_KEYS=lookup)
    with app.app_context():
        db.create_all()
        check_keys()  # what a start against this database writes: the keys' check values
        take_consent(app, build_world(), PNR_MAN)
        db.session.remove()
        db.engine.dispose()

    same_id_other_key = data.partition(":")[0] + ":" + new_key_entry().partition(":")[2]
    with pytest.raises(ConfigError, match=r"FORMAPP_DATA_KEYS: key '.+' is not the key"):
        _sqlite_app(url, tmp_path / "data", FORMAPP_DATA_KEYS=same_id_other_key,
                    FORMAPP_LOOKUP_KEYS=lookup)
    with pytest.raises(ConfigError, match="which FORMAPP_DATA_KEYS does not list"):
        _sqlite_app(url, tmp_path / "data", FORMAPP_DATA_KEYS=new_key_entry(),
                    FORMAPP_LOOKUP_KEYS=lookup)
    other_lookup = lookup.partition(":")[0] + ":" + new_key_entry().partition(":")[2]
    with pytest.raises(ConfigError, match=r"FORMAPP_LOOKUP_KEYS: key '.+' is not the key"):
        _sqlite_app(url, tmp_path / "data", FORMAPP_DATA_KEYS=data,
                    FORMAPP_LOOKUP_KEYS=other_lookup)
    # A new key in front, the old one kept: starts, and reads what the old key wrote.
    app = _sqlite_app(url, tmp_path / "data", FORMAPP_DATA_KEYS=f"{new_key_entry()},{data}",
                      FORMAPP_LOOKUP_KEYS=lookup)
    with app.app_context():
        assert db.session.scalars(db.select(Person)).one().name == "Testperson Exempelsson"
        db.engine.dispose()


def test_the_command_says_which_key_is_missing_without_a_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMAPP_")}
    env.update(FORMAPP_ENV="production", FORMAPP_SECRET_KEY="s" * 40,
               FORMAPP_DATA_DIR=str(tmp_path), FORMAPP_DATA_KEYS=new_key_entry())
    result = subprocess.run([FORMAPP, "routes"], env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode != 0
    assert "FORMAPP_LOOKUP_KEYS required in production" in result.stderr
    assert "Traceback" not in result.stderr
