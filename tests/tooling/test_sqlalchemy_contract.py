"""The contract of formapp's one reach around SQLAlchemy's statements
(tooling/_sqlalchemy_internals.py): after an upgrade, a failure here names it before COPY
writes a value an INSERT would not."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from formapp.tooling._sqlalchemy_internals import bind_processor, copy_values


class Reversed(TypeDecorator[str]):
    """Stands for protection.columns' encrypted types: a TypeDecorator that changes the value
    on the way in (deterministically, so what an INSERT sends can be compared)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else f"bound:{value[::-1]}"


def _table() -> sa.Table:
    return sa.Table(
        "contract_copy", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", Reversed()), sa.Column("kon", sa.String(10)),
        sa.Column("start_date", sa.Date), sa.Column("signed_at", sa.DateTime(timezone=True)),
        sa.Column("active", sa.Boolean), sa.Column("answers", sa.JSON),
        prefixes=["TEMPORARY"])


ROW = {"id": 7, "name": "Åsa Öberg", "kon": "kvinna", "start_date": date(2024, 5, 17),
       "signed_at": datetime(2024, 5, 17, 9, 30, tzinfo=UTC), "active": True,
       "answers": {"namn": "Åsa"}}
PLAIN = [name for name in ROW if name != "answers"]  # COPY writes JSON as text itself


def _sent_by_insert(database_url: str, table: sa.Table) -> dict[str, Any]:
    """The parameters an INSERT of ROW hands the driver, by column name."""
    engine = sa.create_engine(database_url)
    sent: dict[str, Any] = {}

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                executemany: bool) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            names = [column.name for column in table.columns]  # all given: the table's order
            sent.update(parameters if isinstance(parameters, Mapping)
                        else dict(zip(names, parameters, strict=True)))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        with engine.connect() as connection:
            table.create(connection)
            connection.execute(sa.insert(table), [ROW])
            connection.rollback()
    finally:
        engine.dispose()
    return sent


def test_copy_values_are_what_an_insert_sends(database_url: str) -> None:
    table = _table()
    sent = _sent_by_insert(database_url, table)
    dialect = sa.create_engine(database_url).dialect
    copied = dict(zip(ROW, copy_values(table, list(ROW), dialect)(ROW), strict=True))
    assert {name: copied[name] for name in PLAIN} == {name: sent[name] for name in PLAIN}
    assert copied["name"] == "bound:grebÖ asÅ"  # the TypeDecorator's own step is applied


def test_json_goes_to_copy_as_text_and_a_decorated_type_as_its_processor_says() -> None:
    table = _table()
    dialect = sa.create_engine("postgresql+psycopg://").dialect  # no connection is made
    values = copy_values(table, ["answers", "name"], dialect)({"answers": {"namn": "Åsa"},
                                                                "name": "ab"})
    assert values == ['{"namn": "Åsa"}', "bound:ba"]
    process = bind_processor(Reversed(), dialect)
    assert process is not None and process("ab") == "bound:ba"
