"""The national bench's bulk load (issue 22): COPY writes the same participations as the
INSERT path (encrypted columns included), and the indexes dropped for the load come back."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select, text

from formapp.bench.national_cases import national_cases
from formapp.bench.report_cases import _rows
from formapp.domain import insatser as vocab
from formapp.extensions import db
from formapp.records.models import Forbund, Insats, Person, Registration
from formapp.reports.catalog import REPORT_IDS, build_report
from formapp.reports.filters import Filters
from formapp.tooling.synthetic import bulk_load, insert_participations, placeholder_document

TABLES = ("person", "consent", "registration", "registration_support")


def _indexes() -> set[str]:
    return set(db.session.scalars(text(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = ANY(:tables)"), {"tables": list(TABLES)}))


def _forbund(name: str, copy: bool) -> Forbund:
    forbund = Forbund(name=name)
    insats = Insats(forbund=forbund, name="Insats", start_date=date(2015, 1, 1),
                    kind=vocab.INDIVIDINRIKTAD,
                    inriktning=vocab.INRIKTNINGAR[vocab.INDIVIDINRIKTAD][0].code,
                    finansieringsform="finsam")
    db.session.add_all([forbund, insats])
    db.session.flush()
    document = placeholder_document(forbund.id, name)
    insert_participations(forbund.id, _rows(300, [insats.id], date(2015, 1, 1), 2024),
                          document, batch=120, copy=copy)
    return forbund


def _figures(forbund: Forbund) -> list[object]:
    """Every cell of the seven reports over all years."""
    cells: list[object] = []
    for report_id in REPORT_IDS:
        for table in build_report(report_id, Filters(forbund.id), 0).tables:
            cells += [[cell.value for cell in row.cells] for row in table.rows]
    return cells


def test_copy_writes_what_insert_writes(app: Flask) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    before = _indexes()
    with bulk_load((Person, Registration)):
        assert _indexes() < before  # the secondary indexes are off during the load
        copied = _forbund("Kopierat", copy=True)
    assert _indexes() == before
    inserted = _forbund("Infogat", copy=False)
    db.session.commit()
    assert _figures(copied) == _figures(inserted) and _figures(copied)
    numbers = [sorted(p.personnummer for p in db.session.scalars(
        select(Person).where(Person.forbund_id == f.id))) for f in (copied, inserted)]
    assert numbers[0] == numbers[1] and len(numbers[0]) == 300  # decrypted alike
    registration = db.session.scalar(select(Registration).where(
        Registration.forbund_id == copied.id).order_by(Registration.id).limit(1))
    assert registration.answers["namn"] == "Test Testsson"  # decrypts: written through its type


def test_national_cases_measure_every_forbund(app: Flask) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the national cases run on PostgreSQL")
    results = {r.name: r for r in national_cases(240, 3, 1)}
    assert results["reports_national"].extra["forbund"] == 3
    assert results["reports_forbund"].extra["reports"] == len(REPORT_IDS)
    assert db.session.scalar(select(db.func.count(Registration.id))) == 240
