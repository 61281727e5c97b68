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
