"""Archive settings a test module can run over: import ``each_archive`` into the module (it
overrides the ``archive_config`` fixture of tests/conftest.py there), or parametrize
``archive_config`` with some of ``ARCHIVES``."""

from __future__ import annotations

import pytest

ARCHIVES: dict[str, dict[str, object]] = {
    "local": {},  # the default: this machine's disk, plain
    "local-encrypted": {"FORMAPP_ARCHIVE_ENCRYPTION": True},
    "database-encrypted": {"FORMAPP_ARCHIVE_BACKEND": "database",
                           "FORMAPP_ARCHIVE_ENCRYPTION": True},
}


@pytest.fixture(params=list(ARCHIVES), name="archive_config")
def each_archive(request: pytest.FixtureRequest) -> dict[str, object]:
    return ARCHIVES[request.param]


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
