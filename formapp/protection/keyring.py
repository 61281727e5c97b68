"""The keys that protect personal data at rest, from configuration, never from the database.

Two kinds, each a list ``id:base64`` separated by commas, the first one current:

* ``FORMAPP_DATA_KEYS``: AES-256-GCM keys. New values are encrypted with the first; the others
  are kept only to read values written before a rotation.
* ``FORMAPP_LOOKUP_KEYS``: HMAC-SHA256 keys for the keyed hashes that find a person by
  personnummer (``person.personnummer_hmac``, ``audit_entry.person_key``). The first writes;
  the others still find what was hashed under them.

Outside production, when the variables are not set, both are generated once into
``<data dir>/data_keys`` (mode 0600) in the same ``NAME=value`` form.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from formapp.config import ConfigError
from formapp.private_files import private_dir

KEY_FILE = "data_keys"
DATA_VARIABLE = "FORMAPP_DATA_KEYS"
LOOKUP_VARIABLE = "FORMAPP_LOOKUP_KEYS"
KEY_BYTES = 32
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def new_key_entry() -> str:
    """A fresh ``id:base64`` entry (id from the date would collide; random does not)."""
    key = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
    return f"k{secrets.token_hex(4)}:{key}"


def _parse(variable: str, raw: str) -> dict[str, bytes]:
    """``id:base64, …`` in order, the first current; a clear message for every mistake."""
    keys: dict[str, bytes] = {}
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, encoded = part.partition(":")
        if not sep or not _KEY_ID.fullmatch(key_id):
            raise ConfigError(f"{variable}: each key is written 'id:base64' with an id of "
                              f"letters, digits, '-' or '_'; got {part[:12]!r}…")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ConfigError(f"{variable}: key {key_id!r} is not valid base64") from exc
        if len(key) != KEY_BYTES:
            raise ConfigError(f"{variable}: key {key_id!r} has {len(key)} bytes, "
                              f"{KEY_BYTES} are needed (AES-256 / HMAC-SHA256)")
        if key_id in keys:
            raise ConfigError(f"{variable}: key id {key_id!r} appears twice")
        keys[key_id] = key
    if not keys:
        raise ConfigError(f"{variable} holds no key")
    return keys


@dataclass(frozen=True)
class Keyring:
    data_keys: Mapping[str, bytes]  # in order: the first encrypts
    lookup_keys: Mapping[str, bytes]  # in order: the first hashes new values

    @property
    def data_key_id(self) -> str:
        return next(iter(self.data_keys))

    @property
    def lookup_key_id(self) -> str:
        return next(iter(self.lookup_keys))

    def data_key(self, key_id: str) -> bytes:
        try:
            return self.data_keys[key_id]
        except KeyError:
            raise MissingKeyError(
                f"a value is encrypted with data key {key_id!r}, which {DATA_VARIABLE} does "
                "not list: add it back (after the current key)") from None

    def lookup_hash(self, purpose: bytes, value: str, key_id: str | None = None) -> str:
        """HMAC-SHA256 of ``purpose:value``; purposes keep one hash from standing in for
        another (a person's lookup hash is not their audit key)."""
        key = self.lookup_keys[key_id or self.lookup_key_id]
        return hmac.new(key, purpose + b":" + value.encode("utf-8"), hashlib.sha256).hexdigest()

    def lookup_hashes(self, purpose: bytes, value: str) -> list[str]:
        """The hash under every lookup key: finds values hashed before a rotation too."""
        return [self.lookup_hash(purpose, value, key_id) for key_id in self.lookup_keys]


class MissingKeyError(ConfigError):
    """A stored value names a key the configuration does not hold."""


def parse_keyring(data: str, lookup: str) -> Keyring:
    return Keyring(_parse(DATA_VARIABLE, data), _parse(LOOKUP_VARIABLE, lookup))


def read_key_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text(encoding="ascii").splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip() in (DATA_VARIABLE, LOOKUP_VARIABLE):
            values[name.strip()] = value.strip()
    return values


def write_key_file(path: Path, values: Mapping[str, str]) -> None:
    """Replace the key file atomically, readable by the owner only."""
    private_dir(path.parent)
    temp = path.with_name(path.name + ".tmp")
    temp.unlink(missing_ok=True)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write("# formapp development keys: never commit, keep with the data directory\n")
        for name in (DATA_VARIABLE, LOOKUP_VARIABLE):
            handle.write(f"{name}={values[name]}\n")
    os.replace(temp, path)


def load_keyring(config: Mapping[str, object]) -> Keyring:
    """From the configuration, or (outside production) the data directory's key file."""
    data = config.get(DATA_VARIABLE)
    lookup = config.get(LOOKUP_VARIABLE)
    if data and lookup:
        return parse_keyring(str(data), str(lookup))
    if config.get("FORMAPP_ENV") == "production":
        missing = " and ".join(n for n, v in ((DATA_VARIABLE, data), (LOOKUP_VARIABLE, lookup))
                               if not v)
        raise ConfigError(f"{missing} required in production (README: Personal data at rest)")
    if data or lookup:
        raise ConfigError(f"set both {DATA_VARIABLE} and {LOOKUP_VARIABLE}, or neither "
                          "(development: generated into the data directory)")
    path = key_file(config)
    if not path.exists():
        write_key_file(path, {DATA_VARIABLE: new_key_entry(), LOOKUP_VARIABLE: new_key_entry()})
    values = read_key_file(path)
    if DATA_VARIABLE not in values or LOOKUP_VARIABLE not in values:
        raise ConfigError(f"{path} must hold {DATA_VARIABLE}= and {LOOKUP_VARIABLE}= lines")
    return parse_keyring(values[DATA_VARIABLE], values[LOOKUP_VARIABLE])


def key_file(config: Mapping[str, object]) -> Path:
    return Path(str(config["FORMAPP_DATA_DIR"])) / KEY_FILE
