"""The S3 archive backend (``FORMAPP_ARCHIVE_BACKEND=s3``): sealed PDFs as objects in an
S3-compatible object store with Object Lock, which every app node reaches.

Keys, under ``FORMAPP_ARCHIVE_S3_PREFIX``: ``<sha256>.pdf`` for a document (the plain sealed PDF
or its envelope, as the other backends keep it), ``<sha256>.<n>.tail`` for its renewals, and
``staging/`` for what waits for its record's commit.

Write-once, twice over:

* formapp never overwrites a key: a document or renewal is written with ``If-None-Match: *``
  (the store refuses a second object under the key), with Content-MD5 and a SHA-256 checksum
  the store checks on arrival;
* every object is written with an Object Lock retention (``FORMAPP_ARCHIVE_S3_LOCK_MODE``,
  COMPLIANCE by default) until ``FORMAPP_ARCHIVE_S3_LOCK_YEARS`` from now: the store itself
  refuses to delete or change that version before then, whoever asks. The bucket must have
  Object Lock enabled (and so versioning); ``check_bucket`` refuses to start without.

The two changes encryption at rest makes (encrypting a plain document, re-wrapping a key after a
data key rotation) are, as in the database's rule, the only replacements: a new version
written with ``If-Match`` on the version read, locked as long as the first. The earlier version
stays in the bucket, locked, until its retention ends: on S3, ``formapp archive encrypt`` does
not take a plain document's bytes out of the bucket before then.

Like the local backend, a document waits under ``staging/`` (unlocked) until its record
commits and is then written locked under its name; ``archive_check.recover_staged`` finishes
what a crash interrupted. Removal (retention, erasure) deletes every version the lock allows
and hides the rest behind a delete marker: a locked version stays until its retention ends
(a lifecycle rule on noncurrent versions then removes it; README: Production).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from formapp.config import ConfigError
from formapp.documents.archive import sha256_hex
from formapp.documents.archive_store import DOOMED, AtRest, Leftovers, tail_name, tail_of
from formapp.documents.envelope import MAGIC, is_envelope, parse
from formapp.documents.errors import DocumentError

STAGING = "staging/"
_MISSING = {"NoSuchKey", "404", "NotFound"}
_EXISTS = {"PreconditionFailed", "412", "ConditionalRequestConflict", "409"}


class S3Settings:
    """What the backend needs of the configuration (``config.py`` reads the environment)."""

    def __init__(self, config: Any) -> None:
        self.bucket: str = config["FORMAPP_ARCHIVE_S3_BUCKET"]
        prefix = config.get("FORMAPP_ARCHIVE_S3_PREFIX") or ""
        self.prefix = prefix if prefix == "" or prefix.endswith("/") else prefix + "/"
        self.endpoint_url: str | None = config.get("FORMAPP_ARCHIVE_S3_ENDPOINT_URL")
        self.region: str | None = config.get("FORMAPP_ARCHIVE_S3_REGION")
        self.access_key_id: str | None = config.get("FORMAPP_ARCHIVE_S3_ACCESS_KEY_ID")
        self.secret_access_key: str | None = config.get("FORMAPP_ARCHIVE_S3_SECRET_ACCESS_KEY")
        self.lock_mode: str = config.get("FORMAPP_ARCHIVE_S3_LOCK_MODE") or "COMPLIANCE"
        self.lock_years = int(config.get("FORMAPP_ARCHIVE_S3_LOCK_YEARS")
                              or config.get("FORMAPP_RETENTION_YEARS") or 10)

    def client(self) -> Any:
        """A boto3 client; boto3 is the optional extra ``formapp[s3]``."""
        try:
            import boto3
            from botocore.config import Config
        except ImportError as exc:  # pragma: no cover - the extra is part of `test`
            raise DocumentError("FORMAPP_ARCHIVE_BACKEND=s3 needs boto3: pip install "
                                "'formapp[s3]'") from exc
        explicit = ({"aws_access_key_id": self.access_key_id,
                     "aws_secret_access_key": self.secret_access_key}
                    if self.access_key_id else {})
        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=self.region,
                            config=Config(retries={"max_attempts": 5, "mode": "standard"}),
                            **explicit)


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _client_error() -> type[Exception]:
    from botocore.exceptions import ClientError
    return ClientError


def _years_from_now(years: int) -> datetime:
    now = datetime.now(UTC)
    try:
        return now.replace(year=now.year + years)
    except ValueError:  # 29 February
        return now.replace(year=now.year + years, day=28)


def _integrity(stored: bytes) -> dict[str, str]:
    """Content-MD5 and the SHA-256 checksum: the store refuses bytes changed on the way."""
    return {"ContentMD5": base64.b64encode(hashlib.md5(stored).digest()).decode(),
            "ChecksumSHA256": base64.b64encode(hashlib.sha256(stored).digest()).decode()}


class S3Archive:
    backend = "s3"

    def __init__(self, settings: S3Settings, at_rest: AtRest | None = None,
                 client: Any | None = None) -> None:
        self.settings = settings
        self.at_rest = at_rest or AtRest()
        self.s3 = client or settings.client()
        self.bucket = settings.bucket

    # Keys.

    def key(self, digest: str) -> str:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise DocumentError(f"not a SHA-256 hex digest: {digest!r}")
        return f"{self.settings.prefix}{digest}.pdf"

    def _tail_key(self, name: str) -> str:
        tail_of(name)  # a tail's name, nothing else
        return f"{self.settings.prefix}{name}"

    def _staging_key(self, name: str) -> str:
        return f"{self.settings.prefix}{STAGING}{name}"

    def location(self, digest: str) -> str:
        return f"s3://{self.bucket}/{self.key(digest)}"

    # The bucket.

    def bucket_problems(self) -> list[str]:
        """What keeps the bucket from holding the archive write-once."""
        error = _client_error()
        try:
            lock = self.s3.get_object_lock_configuration(Bucket=self.bucket)
        except error as exc:
            if _code(exc) == "ObjectLockConfigurationNotFoundError":
                return [f"the bucket {self.bucket} does not have S3 Object Lock enabled: create "
                        "it with Object Lock on (README: Production)"]
            return [f"the bucket {self.bucket}: {exc}"]
        configuration = lock.get("ObjectLockConfiguration", {})
        if configuration.get("ObjectLockEnabled") != "Enabled":
            return [f"the bucket {self.bucket} does not have S3 Object Lock enabled"]
        if configuration.get("Rule", {}).get("DefaultRetention"):
            # Staged uploads a rollback discards would be locked too (formapp locks each
            # archived object itself).
            return [f"the bucket {self.bucket} has a default retention rule: remove it, "
                    "formapp locks every archived object itself"]
        return []

    def check_bucket(self) -> None:
        """At start: refuse a bucket without Object Lock."""
        problems = self.bucket_problems()
        if problems:
            raise ConfigError("FORMAPP_ARCHIVE_BACKEND=s3: " + "; ".join(problems))

    def guard_problems(self) -> list[str]:
        return self.bucket_problems()

    # Objects.

    def _get(self, key: str, **extra: str) -> dict[str, Any] | None:
        try:
            return dict(self.s3.get_object(Bucket=self.bucket, Key=key, **extra))
        except _client_error() as exc:
            if _code(exc) in _MISSING:
                return None
            raise

    def _read(self, key: str, what: str) -> tuple[bytes, str]:
        """The object's bytes and ETag; DocumentError when missing."""
        found = self._get(key)
        if found is None:
            raise DocumentError(f"{what} is not in the archive")
        return found["Body"].read(), found["ETag"]

    def _has(self, key: str) -> bool:
        try:
            self.s3.head_object(Bucket=self.bucket, Key=key)
        except _client_error() as exc:
            if _code(exc) in _MISSING:
                return False
            raise
        return True

    def _lock(self) -> dict[str, Any]:
        return {"ObjectLockMode": self.settings.lock_mode,
                "ObjectLockRetainUntilDate": _years_from_now(self.settings.lock_years)}

    def _put_once(self, key: str, stored: bytes) -> None:
        """Write ``key`` locked, unless it exists (never overwritten)."""
        try:
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=stored, IfNoneMatch="*",
                               **_integrity(stored), **self._lock())
        except _client_error() as exc:
            if _code(exc) not in _EXISTS:
                raise

    def _replace(self, key: str, stored: bytes, etag: str) -> None:
        """The version encrypting or re-wrapping makes, only over the version read."""
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=stored, IfMatch=etag,
                           **_integrity(stored), **self._lock())

    def _put_staged(self, key: str, stored: bytes) -> None:
        """Unlocked: a rollback discards it."""
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=stored, **_integrity(stored))

    def _purge(self, key: str) -> None:
        """Every version of ``key`` the lock lets go; a delete marker hides the others."""
        error = _client_error()
        listed = self.s3.list_object_versions(Bucket=self.bucket, Prefix=key)
        kept = False
        for version in [*listed.get("Versions", []), *listed.get("DeleteMarkers", [])]:
            if version["Key"] != key:
                continue
            try:
                self.s3.delete_object(Bucket=self.bucket, Key=key,
                                      VersionId=version["VersionId"])
            except error as exc:
                if _code(exc) != "AccessDenied":
                    raise
                kept = True  # locked: it stays until its retention ends
        if kept:
            self.s3.delete_object(Bucket=self.bucket, Key=key)

    def _names(self, prefix: str) -> Iterator[dict[str, Any]]:
        """The current objects directly under ``prefix`` (not in its sub-folders)."""
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix, Delimiter="/"):
            yield from page.get("Contents", [])

    # Documents.

    def store(self, data: bytes) -> str:
        digest = sha256_hex(data)
        if not self.exists(digest):
            self._put_once(self.key(digest), self.at_rest.pack(data, digest))
        return digest

    def store_at_rest(self, stored: bytes, digest: str) -> None:
        self._put_once(self.key(digest), self.at_rest.restorable(stored, digest))

    def stage(self, data: bytes) -> str:
        digest = sha256_hex(data)
        if not self.exists(digest):
            self._put_staged(self._staging_key(f"{digest}.pdf"), self.at_rest.pack(data, digest))
        return digest

    def promote(self, digest: str) -> None:
        staged = self._staging_key(f"{digest}.pdf")
        found = self._get(staged)
        if found is not None:
            self._put_once(self.key(digest), found["Body"].read())
            self._purge(staged)

    def discard(self, digest: str) -> None:
        self._purge(self._staging_key(f"{digest}.pdf"))

    def _staged_names(self, suffix: str) -> Iterator[tuple[str, float]]:
        start = len(self._staging_key(""))
        for item in self._names(self._staging_key("")):
            name = item["Key"][start:]
            if name.endswith(suffix):
                yield name, item["LastModified"].timestamp()

    def staged(self) -> Iterator[tuple[str, float]]:
        for name, modified in self._staged_names(".pdf"):
            yield name.removesuffix(".pdf"), modified

    def read_at_rest(self, digest: str) -> bytes:
        return self._read(self.key(digest), f"document {digest}")[0]

    def read(self, digest: str) -> bytes:
        """The plain document with its renewals; a just-committed one may still be on its way
        out of staging (or left there by a failed promotion, until maintenance finishes it)."""
        found = self._get(self.key(digest)) or self._get(self._staging_key(f"{digest}.pdf"))
        if found is None:
            raise DocumentError(f"document {digest} is not in the archive")
        first = self.at_rest.unpack(found["Body"].read(), digest)
        return first + b"".join(self.at_rest.unpack_part(self.read_tail_at_rest(name))
                                for name in self.tail_names(digest))

    def exists(self, digest: str) -> bool:
        return self._has(self.key(digest))

    # Renewals (long-term proof): write-once, locked objects beside the document.

    def tail_names(self, digest: str) -> list[str]:
        names = []
        for item in self._names(f"{self.settings.prefix}{digest}."):
            name = item["Key"][len(self.settings.prefix):]
            if name.endswith(".tail"):
                names.append(name)
        return sorted(names, key=lambda name: tail_of(name)[1])

    def stage_tail(self, digest: str, tail: bytes) -> str:
        name = tail_name(digest, len(self.tail_names(digest)) + 1)
        self._put_staged(self._staging_key(name), self.at_rest.pack_part(tail))
        return name

    def promote_tail(self, name: str) -> None:
        staged = self._staging_key(name)
        found = self._get(staged)
        if found is not None:
            self._put_once(self._tail_key(name), found["Body"].read())
            self._purge(staged)

    def discard_tail(self, name: str) -> None:
        self._purge(self._staging_key(name))

    def staged_tails(self) -> Iterator[tuple[str, float]]:
        return self._staged_names(".tail")

    def read_staged_tail(self, name: str) -> bytes:
        found = self._get(self._staging_key(name))
        if found is None:
            raise DocumentError(f"renewal {name} is not staged")
        return self.at_rest.unpack_part(found["Body"].read())

    def read_tail_at_rest(self, name: str) -> bytes:
        return self._read(self._tail_key(name), f"renewal {name}")[0]

    def restore_tail(self, name: str, stored: bytes) -> None:
        self._put_once(self._tail_key(name), self.at_rest.restorable_part(stored))

    def is_encrypted(self, digest: str) -> bool:
        """The document and each of its renewals (their first bytes only)."""
        for key in [self.key(digest), *map(self._tail_key, self.tail_names(digest))]:
            found = self._get(key, Range=f"bytes=0-{len(MAGIC) - 1}")
            if found is None or found["Body"].read() != MAGIC:
                return False
        return True

    # Removal: after the record's commit, as on disk.

    def remove_on_commit(self, session: Session, digest: str) -> None:
        session.info.setdefault(DOOMED, []).append((self, digest))

    def remove(self, digest: str) -> None:
        """Renewals first (a crash between leaves the document, which verify still finds)."""
        for name in self.tail_names(digest):
            self._purge(self._tail_key(name))
        self._purge(self.key(digest))

    def digests(self) -> Iterator[str]:
        """Streamed page by page, in key order (= digest order)."""
        for item in self._names(self.settings.prefix):
            name = item["Key"][len(self.settings.prefix):]
            if name.endswith(".pdf"):
                yield name.removesuffix(".pdf")

    def is_empty(self) -> bool:
        return next(self.digests(), None) is None

    def clear_incoming(self, min_age_seconds: float,
                       committed: Callable[[str], bool]) -> Leftovers:
        return Leftovers(0, 0)  # a PUT is whole or nothing: no half-written objects

    # Encryption at rest: the two replacements.

    def encrypt_plain(self, digest: str) -> bool:
        changed = False
        key = self.key(digest)
        stored, etag = self._read(key, f"document {digest}")
        if not is_envelope(stored):
            if sha256_hex(stored) != digest:
                raise DocumentError(f"{self.location(digest)} no longer has the SHA-256 it is "
                                    "stored under: not encrypted (run `formapp verify --all`)")
            self._replace(key, self.at_rest.envelope(stored, digest).to_bytes(), etag)
            changed = True
        for name in self.tail_names(digest):
            tail, etag = self._read(self._tail_key(name), f"renewal {name}")
            if not is_envelope(tail):
                self._replace(self._tail_key(name), self.at_rest.pack_part(tail, encrypt=True),
                              etag)
                changed = True
        return changed

    def rewrap(self, digest: str) -> bool:
        changed = False
        keys: list[tuple[str, str | None]] = [(self.key(digest), digest)]
        keys += [(self._tail_key(name), None) for name in self.tail_names(digest)]
        for key, name in keys:
            stored, etag = self._read(key, key)
            if not is_envelope(stored):
                continue
            envelope = parse(stored)  # a tail's envelope is named by its own SHA-256
            fresh = self.at_rest.rewrapped(envelope, name or envelope.sha256)
            if fresh is not None:
                self._replace(key, fresh.to_bytes(), etag)
                changed = True
        return changed
