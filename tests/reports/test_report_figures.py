"""Every figure of every report against counts worked out by hand from tests/reports/dataset.py
(on SQLite and PostgreSQL: the ``app`` fixture runs each test on both)."""

from __future__ import annotations

import pytest
from flask import Flask

from formapp.reports.catalog import build_report
from formapp.reports.filters import Filters
from formapp.reports.model import Report, Table
from tests.reports.dataset import build_dataset
from tests.world import World, build_world

NO_SUPPRESSION = 1  # every count shown: the figures themselves are under test here


@pytest.fixture
def world(app: Flask) -> World:
    world = build_world()
    build_dataset(world)
    return world


def report(world: World, report_id: str, **filters: object) -> Report:
    return build_report(report_id, Filters(world.forbund_a.id, **filters), NO_SUPPRESSION)


def grid(table: Table, columns: tuple[str, ...]) -> dict[str, tuple]:
    """Row key -> the shown values of ``columns`` (percents rounded to one decimal)."""
    result = {}
    for row in table.rows:
        values = []
        for column in columns:
            value = table.value(row.key, column)
            values.append(round(value, 1) if isinstance(value, float) else value)
        result[row.key] = tuple(values)
    return result


def test_end_reasons_by_kon(world: World) -> None:
    table = report(world, "avslut", year=2024).table("avslutsanledning")
    # Ended 2024: #1 K1, #2 K1, #3 M2, #4 M3, #5 K6, #6 M7, #7 K9, #12 K4; never B's, never 2023.
    assert grid(table, ("kvinna", "man", "totalt", "andel")) == {
        "1": (2, 0, 2, 25.0), "2": (0, 1, 1, 12.5), "3": (0, 1, 1, 12.5),
        "4": (1, 0, 1, 12.5), "5": (0, 0, 0, 0.0), "6": (1, 0, 1, 12.5),
        "7": (0, 1, 1, 12.5), "9": (1, 0, 1, 12.5), "totalt": (5, 3, 8, 100.0)}
    assert "8" not in {row.key for row in table.rows}  # Felregistrering is never stored


def test_end_reasons_other_years_and_filters(world: World) -> None:
    assert report(world, "avslut", year=2023).table("avslutsanledning").value("2", "kvinna") == 1
    every = report(world, "avslut").table("avslutsanledning")  # all years: #10 too
    assert every.value("totalt", "totalt") == 9
    only_men = report(world, "avslut", year=2024, kon="man").table("avslutsanledning")
    assert only_men.value("totalt", "totalt") == 3 and only_men.value("totalt", "kvinna") == 0
    a2 = report(world, "avslut", year=2024, insats_id=world.insats_a2.id)
    assert grid(a2.table("avslutsanledning"), ("totalt",))["totalt"] == (1,)
    marked = report(world, "avslut", year=2024, priority="prio_langtidssjukskrivna")
    assert marked.table("avslutsanledning").value("totalt", "totalt") == 7  # A1 only
    unmarked = report(world, "avslut", year=2024, priority="prio_unga_aktivitetsersattning")
    assert unmarked.table("avslutsanledning").value("totalt", "totalt") == 0


def test_kon_and_age(world: World) -> None:
    table = report(world, "kon-alder", year=2024).table("alder")
    # During 2024: #1–#9, #11 (open since 2023), #12; not #10 (ended 2023).
    assert grid(table, ("kvinna", "man", "totalt")) == {
        "under_30": (2, 2, 4), "30_44": (2, 1, 3), "45_59": (1, 2, 3), "60_plus": (1, 0, 1),
        "okand": (0, 0, 0), "totalt": (6, 5, 11)}
    assert round(table.value("under_30", "andel"), 2) == round(400 / 11, 2)


def test_education_and_time_on_support(world: World) -> None:
    tables = report(world, "bakgrund", year=2024)
    education = grid(tables.table("utbildning"), ("kvinna", "man", "totalt"))
    assert education == {
        "grundskola": (1, 3, 4), "gymnasium": (3, 1, 4), "hogskola_upp_till_1": (0, 0, 0),
        "hogskola_upp_till_3": (0, 0, 0), "hogskola_mer_an_3": (1, 0, 1),
        "saknas": (0, 1, 1), "annan_eftergymnasial": (1, 0, 1), "totalt": (6, 5, 11)}
    time = grid(tables.table("forsorjning_tid"), ("kvinna", "man", "totalt"))
    assert time["upp_till_1"] == (2, 2, 4) and time["upp_till_2"] == (2, 0, 2)
    assert time["upp_till_3"] == (1, 1, 2) and time["upp_till_5"] == (0, 1, 1)
    assert time["mer_an_9"] == (0, 1, 1) and time["ej_tillampligt"] == (1, 0, 1)
    assert time["totalt"] == (6, 5, 11)
    assert sum(v[2] for k, v in time.items() if k != "totalt") == 11


def test_support_before_and_after(world: World) -> None:
    table = report(world, "bakgrund", year=2024).table("forsorjning")
    # Ended 2024 with a measurement (not 6, 7): #1, #2, #3, #4, #7, #12.
    figures = grid(table, ("fore", "fore_andel", "efter", "efter_andel"))
    assert figures["bas"] == (6, 100.0, 6, 100.0)
    assert figures["forsorjningsstod"] == (2, 33.3, 1, 16.7)
    assert figures["sjukpenning"] == (2, 33.3, 0, 0.0)
    assert figures["aktivitetsersattning"] == (1, 16.7, 1, 16.7)
    assert figures["sjukersattning"] == (0, 0.0, 1, 16.7)
    assert figures["a_kassa"] == (0, 0.0, 0, 0.0)  # #5 has no measurement
    # Studiestöd apart, and not public support: #7 had only studiestöd.
    assert figures["studiestod"] == (2, 33.3, 0, 0.0)
    assert figures["nagon_offentlig"] == (5, 83.3, 3, 50.0)
    assert figures["ingen"] == (0, 0.0, 3, 50.0)


def test_work_and_study_before_and_after(world: World) -> None:
    tables = report(world, "resultat", year=2024)
    groups = ("alla", "kvinna", "man", "under_30", "30_plus")
    work = grid(tables.table("arbete_studier"), groups)
    # Ended 2024 with an after-measurement (not reasons 6, 7: #5, #6), as the support table:
    # K #1 #2 #7 #12, M #3 #4; under 30: #1 #3 #7.
    assert work["avslutade"] == (6, 4, 2, 3, 3)
    assert work["arbete_studier_fore"] == (2, 1, 1, 0, 2)  # #2 works, #4 studies
    assert work["arbete_studier_efter"] == (3, 3, 0, 2, 1)  # #1, #2, #7
    assert work["inte_subventionerat_fore"] == (1, 1, 0, 0, 1)
    assert work["inte_subventionerat_efter"] == (1, 1, 0, 0, 1)
    assert work["subventionerat_fore"] == (0, 0, 0, 0, 0)
    assert work["subventionerat_efter"] == (1, 1, 0, 1, 0)
    assert work["eget_foretag_efter"] == (0, 0, 0, 0, 0)  # B's own business never shows
    assert work["studier_fore"] == (1, 0, 1, 0, 1)
    assert work["studier_efter"] == (2, 2, 0, 1, 1)
    assert work["arbetssokande_efter"] == (1, 0, 1, 1, 0)
    shares = grid(tables.table("arbete_studier"), ("alla_andel", "kvinna_andel", "man_andel"))
    assert shares["arbete_studier_efter"] == (50.0, 75.0, 0.0)
    extent = grid(tables.table("omfattning"), groups)
    # Before: #2 25 %, #4 50 %. After: #1 50 %, #2 100 % (150 capped), #7 100 %.
    assert extent["fore"] == (37.5, 25.0, 50.0, None, 37.5)
    assert extent["efter"] == (83.3, 83.3, None, 75.0, 100.0)


def test_insatser_per_inriktning(world: World) -> None:
    tables = report(world, "inriktning", year=2024)
    individual = grid(tables.table("individinriktad"),
                      ("insatser", "andel", "personuppgifter", "anonyma", "volym"))
    # A1, A2 and Volym A are förberedande; 11 taking part in 2024 (#1–#9, #11, #12);
    # anonymous 2024: 3 + 2; the volyminsats 40.
    assert individual["forberedande"] == (3, 100.0, 11, 5, 40)
    assert individual["forebyggande"] == (0, 0.0, 0, 0, 0)
    assert individual["totalt"] == (3, 100.0, 11, 5, 40)
    structural = grid(tables.table("strukturovergripande"), ("insatser", "personuppgifter"))
    assert structural["totalt"] == (0, 0)
    # All years: the 2023 anonymous count too, and #10 (ended 2023).
    every = grid(report(world, "inriktning").table("individinriktad"),
                 ("personuppgifter", "anonyma"))
    assert every["totalt"] == (12, 12)


def test_priority_groups(world: World) -> None:
    tables = report(world, "prioriterade", year=2024)
    columns = ("kvinna", "man", "totalt")
    assert [t.key for t in tables.tables][:4] == [
        "pagaende_aktivitetsersattning", "nya_aktivitetsersattning", "pagaende_sjukpenning",
        "nya_sjukpenning"]
    # Sjukpenning at start: #2 K 2024, #4 M 2024, #8 M 2024 (open), #10 K 2023–2023.
    ongoing_sick = grid(tables.table("pagaende_sjukpenning"), columns)
    assert ongoing_sick["2024"] == (1, 2, 3) and ongoing_sick["2023"] == (1, 0, 1)
    assert ongoing_sick["2018"] == (0, 0, 0)
    new_sick = grid(tables.table("nya_sjukpenning"), columns)
    assert new_sick["2024"] == (1, 2, 3) and new_sick["2023"] == (1, 0, 1)
    # Aktivitetsersättning: #3 M 2024, #9 K 2024 (open), #11 M since 2023 (open).
    ongoing_ae = grid(tables.table("pagaende_aktivitetsersattning"), columns)
    assert ongoing_ae["2024"] == (1, 2, 3) and ongoing_ae["2023"] == (0, 1, 1)
    new_ae = grid(tables.table("nya_aktivitetsersattning"), columns)
    assert new_ae["2024"] == (1, 1, 2) and new_ae["2023"] == (0, 1, 1)
    assert round(tables.table("pagaende_sjukpenning").value("2024", "kvinna_andel"), 1) == 33.3
    marks = grid(tables.table("insatser_prioriterade"),
                 ("prio_langtidssjukskrivna", "prio_unga_aktivitetsersattning"))
    assert marks["2024"] == (1, 0) and marks["2023"] == (0, 0)  # A1 from 2024


def test_national_reporting(world: World) -> None:
    table = report(world, "nationell", year=2024).table("nationell")
    figures = grid(table, ("kvinna", "man", "totalt", "volym"))
    # Registered 2024 in A1: K #1 #2 #5 #7 #9 + 3 anonymous, M #3 #4 #6 #8 + 2 anonymous.
    assert figures[f"insats_{world.insats_a1.id}"] == (8, 6, 14, 0)
    assert figures[f"insats_{world.insats_a2.id}"] == (1, 0, 1, 0)
    assert figures[f"insats_{world.insats_volume.id}"] == (0, 0, 0, 40)
    assert figures["totalt"] == (9, 6, 15, 40)
    assert len(table.rows) == 4  # three insatser of A, none of B


def test_another_forbund_sees_only_its_own(world: World) -> None:
    table = build_report("avslut", Filters(world.forbund_b.id, 2024), 1).table(
        "avslutsanledning")
    assert table.value("totalt", "totalt") == 1 and table.value("1", "man") == 1


def test_one_definition_of_before_and_after_named_under_both_tables(world: World) -> None:
    """Arbete eller studier före/efter and offentlig försörjning före/efter count the same
    participations (ended in the year, with an after-measurement), and say so under each."""
    work = report(world, "resultat", year=2024).table("arbete_studier")
    support = report(world, "bakgrund", year=2024).table("forsorjning")
    assert work.value("avslutade", "alla") == support.value("bas", "fore") == 6
    base = "mätning efter, det vill säga alla avslutsanledningar utom 6 och 7"
    assert base in str(work.note) and base in str(support.note)
    assert str(work.rows[0].label) == str(support.rows[0].label) == (
        "Avslutade deltagare med mätning efter")
