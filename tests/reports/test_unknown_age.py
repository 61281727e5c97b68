"""An unknown age at start (a samordningsnummer without a full birth date) is counted as
unknown: its own row by age group, in neither under 30 nor 30 and older, "Okänd" in the export."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import update

from formapp.extensions import db
from formapp.records.models import Registration
from formapp.reports.catalog import build_report
from formapp.reports.export import ExportRequest, write_export
from formapp.reports.filters import Filters
from tests.reports.dataset import build_dataset
from tests.world import World, build_world


@pytest.fixture
def world(app: Flask) -> World:
    world = build_world()
    build_dataset(world)
    # #1 (K 25, ended 2024) and #8 (M 45, open): age unknown.
    for start, kon, age in ((date(2024, 1, 15), "kvinna", 25), (date(2024, 1, 15), "man", 45)):
        db.session.execute(update(Registration).where(
            Registration.start_date == start, Registration.kon == kon,
            Registration.age_at_start == age).values(age_at_start=None))
    db.session.commit()
    return world


def test_unknown_age_is_its_own_row(world: World) -> None:
    table = build_report("kon-alder", Filters(world.forbund_a.id, year=2024), 1).table("alder")
    assert table.value("okand", "kvinna") == 1 and table.value("okand", "man") == 1
    assert table.value("under_30", "kvinna") == 1 and table.value("45_59", "man") == 1
    assert table.value("totalt", "totalt") == 11  # still everyone


def test_unknown_age_is_in_neither_age_group_of_the_results(world: World) -> None:
    table = build_report("resultat", Filters(world.forbund_a.id, year=2024),
                         1).table("arbete_studier")
    # #1 is one of the three under 30 who ended in 2024: now only in "alla" and "kvinna".
    assert table.value("avslutade", "under_30") == 2
    assert table.value("avslutade", "30_plus") == 3
    assert table.value("avslutade", "kvinna") == 4 and table.value("avslutade", "alla") == 6


def test_the_export_says_okand(world: World) -> None:
    out = io.BytesIO()
    write_export(ExportRequest(world.forbund_a.id, year=2024), out, datetime(2026, 1, 15))
    sheet = list(load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows(
        values_only=True))
    header = sheet[0]
    ages = [(row[header.index("Ålder vid inskrivning")], row[header.index("Yngre än 30 år")])
            for row in sheet[1:]]
    assert (None, "Okänd") in ages
