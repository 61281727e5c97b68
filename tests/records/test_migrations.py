"""Migrations from empty build exactly the schema the models describe, on each backend."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from formapp.extensions import db
from tests.conftest import make_app


def test_upgrade_from_empty_matches_the_models(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path / "data")
    with app.app_context():
        db.drop_all()  # the PostgreSQL schema is shared with other tests: start empty
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), db.metadata)
            assert diff == [], f"models and migrations disagree: {diff}"
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()  # and back up again: the downgrade left nothing in the way
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()
