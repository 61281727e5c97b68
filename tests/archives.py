"""Archive settings a test module can run over: import ``each_archive`` into the module (it
overrides the ``archive_config`` fixture of tests/conftest.py there), or parametrize
``archive_config`` with some of ``ARCHIVES``."""

from __future__ import annotations

import atexit
import logging
import uuid
from functools import cache
from typing import Any

import pytest

ARCHIVES: dict[str, dict[str, object]] = {
    "local": {},  # the default: this machine's disk, plain
    "local-encrypted": {"FORMAPP_ARCHIVE_ENCRYPTION": True},
    "database-encrypted": {"FORMAPP_ARCHIVE_BACKEND": "database",
                           "FORMAPP_ARCHIVE_ENCRYPTION": True},
    # A bucket of its own per app (``with_bucket``), on moto's S3 server on 127.0.0.1.
    "s3-encrypted": {"FORMAPP_ARCHIVE_BACKEND": "s3", "FORMAPP_ARCHIVE_ENCRYPTION": True},
}
S3 = {"FORMAPP_ARCHIVE_BACKEND": "s3"}  # plain
# Restored into the next one (backup tests): each backend is restored from and into.
NEXT_BACKEND = {"local": "database", "database": "s3", "s3": "local"}
REGION = "eu-north-1"


@pytest.fixture(params=list(ARCHIVES), name="archive_config")
def each_archive(request: pytest.FixtureRequest) -> dict[str, object]:
    return with_bucket(ARCHIVES[request.param])


@cache
def s3_endpoint() -> str:
    """moto's S3 API (a real HTTP server, in this process, on a free port of 127.0.0.1):
    started on first use, stopped when the test process ends."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server.start()
    atexit.register(server.stop)
    host, port = server.get_host_and_port()
    return f"http://{host}:{port}"


def s3_client() -> Any:
    import boto3

    return boto3.client("s3", endpoint_url=s3_endpoint(), region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test")


def new_bucket(object_lock: bool = True) -> str:
    """A fresh bucket (with Object Lock, as production needs, unless told otherwise)."""
    name = f"formapp-test-{uuid.uuid4().hex[:20]}"
    s3_client().create_bucket(Bucket=name, ObjectLockEnabledForBucket=object_lock,
                              CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


def s3_settings(bucket: str) -> dict[str, object]:
    return {"FORMAPP_ARCHIVE_S3_ENDPOINT_URL": s3_endpoint(), "FORMAPP_ARCHIVE_S3_BUCKET": bucket,
            "FORMAPP_ARCHIVE_S3_REGION": REGION, "FORMAPP_ARCHIVE_S3_PREFIX": "archive/",
            "FORMAPP_ARCHIVE_S3_ACCESS_KEY_ID": "test",
            "FORMAPP_ARCHIVE_S3_SECRET_ACCESS_KEY": "test"}


def with_bucket(settings: dict[str, object]) -> dict[str, object]:
    """``settings`` with a new bucket when they name the S3 backend without one."""
    if settings.get("FORMAPP_ARCHIVE_BACKEND") != "s3" or "FORMAPP_ARCHIVE_S3_BUCKET" in settings:
        return settings
    return {**s3_settings(new_bucket()), **settings}


def put_back_trigger(table: str, name: str) -> None:
    """Create ``table``'s write-once trigger ``name`` again after a test dropped it: the tables
    of a PostgreSQL test schema outlive the test (they are emptied, not dropped)."""
    from formapp.documents.archive_blob_ddl import table_ddl
    from formapp.extensions import db

    db.session.rollback()
    for statement in table_ddl(table, db.engine.dialect.name):
        if f"TRIGGER {name} " in statement or statement.startswith("CREATE OR REPLACE"):
            db.session.connection().exec_driver_sql(statement)
    db.session.commit()
