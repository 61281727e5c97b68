"""The i18n tests read the real catalogs: compile them first (as `make test` does)."""

from __future__ import annotations

import pytest

from formapp.translation import catalogs


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    config = catalogs.load_config()
    catalogs.compile_catalogs(config, catalogs.registry_for(config))
