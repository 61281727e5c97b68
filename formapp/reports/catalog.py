"""The seven follow-up reports of issue 7, as data: each a function from filters to tables.

Which participations a report counts (the ``year`` filter):
- end reasons, results, support before/after: those **ended** in the year;
- participants by kön and age, education, time on support, per inriktning: those taking part
  at some time **during** the year (started before its end, not ended before its start);
- priority groups: per year, those ongoing during it and those newly registered in it;
- national reporting: those **registered** (started) in the year, plus the anonymous counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select

from formapp.domain import insatser as vocab
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.records.models import Forbund, Insats, Registration
from formapp.reports import queries
from formapp.reports.filters import KONS, Filters, insats_conditions
from formapp.reports.grid import Grid, Percent, RowSpec
from formapp.reports.labels import (
    AGE_LABELS,
    KON_LABELS,
    TOTAL,
    YOUNG_LABELS,
    choices,
    end_reasons,
    support_kinds,
)
from formapp.reports.model import ChartSpec, Column, Report, Table
from formapp.reports.suppression import SumGroup

PRIORITY_YEARS = 7  # as many years as seeds/004's tables show

Builder = Callable[[Filters, int], tuple[list[Table], int]]


@dataclass(frozen=True)
class ReportSpec:
    id: str
    title: object
    description: object
    build: Builder


def _kon_columns(share: bool = True) -> list[Column]:
    columns = [Column(k, KON_LABELS[k]) for k in KONS] + [Column("totalt", TOTAL)]
    if share:
        columns.append(Column("andel", _lo("Andel av totalt (%)"), "percent"))
    return columns


def _kon_grid(key: str, title: object, categories: list[tuple[str, object]],
              counts: dict[tuple[str, str], int], note: object = "") -> Grid:
    """Categories × kön with totals both ways and each category's share of all."""
    rows = [RowSpec(code, label) for code, label in categories]
    rows.append(RowSpec("totalt", TOTAL, total=True))
    grid = Grid(key, title, rows, _kon_columns(), note=note,
                chart=ChartSpec(("kvinna", "man")))
    grid.percents["andel"] = Percent("totalt", base_row="totalt")
    for code, _ in categories:
        for kon in KONS:
            grid.set(code, kon, counts.get((code, kon), 0))
        grid.set(code, "totalt", sum(counts.get((code, kon), 0) for kon in KONS))
    for column in ("kvinna", "man", "totalt"):
        grid.set("totalt", column, sum(grid.values[(c, column)] for c, _ in categories))
    grid.columns_sum("totalt", list(KONS))
    grid.rows_sum("totalt", [code for code, _ in categories])
    return grid


def _built(grids: list[Grid], threshold: int) -> tuple[list[Table], int]:
    tables, hidden = [], 0
    for grid in grids:
        table, count = grid.build(threshold)
        tables.append(table)
        hidden += count
    return tables, hidden


# 1. SUS's participant report: end reasons × kön (seeds/002) -----------------------------------

def end_reason_report(filters: Filters, threshold: int) -> tuple[list[Table], int]:
    counts = queries.end_reasons_by_kon(filters)
    grid = _kon_grid("avslutsanledning", _lo("Avslutsanledning"), end_reasons(), counts,
                     note=_lo("Deltagare som avslutat insatsen under perioden. Felregistreringar "
                              "tas bort och räknas inte."))
    return _built([grid], threshold)


# 2. Kön and age group at start -----------------------------------------------------------------

def age_report(filters: Filters, threshold: int) -> tuple[list[Table], int]:
    counts = queries.marginal(queries.by_kon(filters, queries.age_group()), 0)
    grid = _kon_grid("alder", _lo("Kön och ålder vid start"), list(AGE_LABELS.items()), counts,
                     note=_lo("Deltagare som deltagit någon gång under perioden. Okänd ålder: "
                              "samordningsnummer utan fullständigt födelsedatum."))
    return _built([grid], threshold)


# 3. Education, time on public support, support before and after -------------------------------

def background_report(filters: Filters, threshold: int) -> tuple[list[Table], int]:
    during = _lo("Deltagare som deltagit någon gång under perioden.")
    both = queries.by_kon(filters, Registration.utbildning, Registration.forsorjning_tid)
    education = _kon_grid(
        "utbildning", _lo("Högsta slutförda utbildning"), choices("9448", "utbildning"),
        queries.marginal(both, 0), note=during)
    support_time = _kon_grid(
        "forsorjning_tid", _lo("Tid i offentlig försörjning före insatsen"),
        choices("9448", "forsorjning_tid"), queries.marginal(both, 1), note=during)
    return _built([education, support_time, _support_grid(filters)], threshold)


# One base for every before/after table (queries.measured_endings), named the same under each.
MEASURED_ROW = _lo("Avslutade deltagare med mätning efter")
MEASURED_NOTE = _lo("Räknat på deltagare som avslutat insatsen under perioden med en mätning "
                    "efter, det vill säga alla avslutsanledningar utom 6 och 7. Före och efter "
                    "gäller samma deltagare.")


def _support_grid(filters: Filters) -> Grid:
    public, other = support_kinds()
    counts = queries.supports(filters, [code for code, _ in public])
    rows = [RowSpec("bas", MEASURED_ROW, total=True)]
    rows += [RowSpec(code, label) for code, label in public]
    rows.append(RowSpec("nagon_offentlig", _lo("Någon offentlig försörjning")))
    for code, label in other:
        if code == "studiestod":
            label = _lo("%(label)s (räknas inte som offentlig försörjning)", label=label)
        rows.append(RowSpec(code, label))
    columns = [Column("fore", _lo("Före")), Column("fore_andel", _lo("Före (%)"), "percent"),
               Column("efter", _lo("Efter")), Column("efter_andel", _lo("Efter (%)"), "percent")]
    grid = Grid("forsorjning", _lo("Offentlig försörjning direkt före och direkt efter"), rows,
                columns, chart=ChartSpec(("fore_andel", "efter_andel"), "percent"),
                note=_lo("%(base)s En deltagare kan ha flera försörjningar. Studiestöd "
                         "räknas inte som offentlig försörjning.", base=MEASURED_NOTE))
    for when in ("fore", "efter"):
        grid.percents[f"{when}_andel"] = Percent(when, base_row="bas")
        grid.set("bas", when, counts.base)
        for row in rows[1:]:
            if row.key == "nagon_offentlig":
                grid.set(row.key, when, counts.any_public.get(when, 0))
            else:
                grid.set(row.key, when, counts.kinds.get((when, row.key), 0))
    return grid


# 4. Work or study before and directly after, extent, job seeking (seeds/003 §4.3) -------------

OUTCOME_GROUPS: tuple[tuple[str, object], ...] = (
    ("alla", _lo("Alla")), ("kvinna", KON_LABELS["kvinna"]), ("man", KON_LABELS["man"]),
    ("under_30", YOUNG_LABELS["under_30"]), ("30_plus", YOUNG_LABELS["30_plus"]))


def _in_group(group: str, kon: str, is_young: bool | None) -> bool:
    """An unknown age (``None``) counts in "alla" and its kön, in neither age group."""
    return (group == "alla" or group == kon or (group == "under_30" and is_young is True)
            or (group == "30_plus" and is_young is False))


def _group_sums(filters: Filters) -> dict[str, dict[str, int]]:
    raw = queries.outcomes(filters)
    sums = {g: dict.fromkeys(queries.OUTCOME_MEASURES, 0) for g, _ in OUTCOME_GROUPS}
    for (kon, is_young), measures in raw.items():
        for group, _ in OUTCOME_GROUPS:
            if _in_group(group, kon, is_young):
                for name, value in measures.items():
                    sums[group][name] += value
    return sums


def outcome_report(filters: Filters, threshold: int) -> tuple[list[Table], int]:
    sums = _group_sums(filters)
    measures = (("arbete_studier", _lo("Arbetar eller studerar")),
                ("inte_subventionerat", _lo("Ej subventionerat arbete")),
                ("subventionerat", _lo("Subventionerat arbete")),
                ("eget_foretag", _lo("Eget företag")), ("studier", _lo("Studier")))
    rows = [RowSpec("avslutade", MEASURED_ROW, total=True)]
    for key, label in measures:
        rows.append(RowSpec(f"{key}_fore", _lo("%(measure)s – före", measure=label)))
        rows.append(RowSpec(f"{key}_efter", _lo("%(measure)s – direkt efter", measure=label)))
    rows.append(RowSpec("arbetssokande_efter", _lo("Aktivt arbetssökande – direkt efter")))
    columns: list[Column] = []
    for group, label in OUTCOME_GROUPS:
        columns.append(Column(group, label))
        columns.append(Column(f"{group}_andel", _lo("%(group)s (%%)", group=label), "percent"))
    work = Grid("arbete_studier", _lo("Arbete eller studier före och direkt efter insatsen"),
                rows, columns, chart=ChartSpec(("alla_andel",), "percent"),
                note=_lo("%(base)s Andel av dem i respektive grupp. Samma person kan både "
                         "arbeta och studera.", base=MEASURED_NOTE))
    for group, _ in OUTCOME_GROUPS:
        work.percents[f"{group}_andel"] = Percent(group, base_row="avslutade")
        work.set("avslutade", group, sums[group]["n"])
        for row in rows[1:]:
            work.set(row.key, group, sums[group][row.key])
    work.columns_sum("alla", ["kvinna", "man"])
    work.columns_sum("alla", ["under_30", "30_plus"])
    return _built([work, _extent_grid(sums)], threshold)


def _extent_grid(sums: dict[str, dict[str, int]]) -> Grid:
    rows = [RowSpec("fore", _lo("Före")), RowSpec("efter", _lo("Direkt efter"))]
    columns = [Column(group, label, "mean") for group, label in OUTCOME_GROUPS]
    grid = Grid("omfattning", _lo("Omfattning av arbete eller studier (medeltal, % av heltid)"),
                rows, columns, chart=ChartSpec(tuple(g for g, _ in OUTCOME_GROUPS), "mean"),
                note=_lo("Medeltal bland dem som arbetar eller studerar i någon omfattning; "
                         "arbete och studier tillsammans, högst 100 %."))
    for group, _ in OUTCOME_GROUPS:
        for when in ("fore", "efter"):
            n = sums[group][f"arbete_studier_{when}"]
            grid.mean_n[(when, group)] = n
            if n:
                grid.set(when, group, sums[group][f"extent_sum_{when}"] / n)
    for when in ("fore", "efter"):
        for parts in (["kvinna", "man"], ["under_30", "30_plus"]):
            grid.mean_groups.append(SumGroup((when, "alla"), tuple((when, p) for p in parts)))
    return grid


# 5. Insatser per inriktning (seeds/003 Tabell 1 and 2, §4.1) ---------------------------------

INRIKTNING_TITLES = {
    vocab.INDIVIDINRIKTAD: _lo("Individinriktade insatser per inriktning"),
    vocab.STRUKTUROVERGRIPANDE: _lo("Strukturövergripande insatser per inriktning"),
}


def inriktning_report(filters: Filters, threshold: int) -> tuple[list[Table], int]:
    counts = queries.insats_counts(filters)
    grids = []
    for kind in vocab.KINDS:
        mine = [c for c in counts if c.insats.kind == kind.code]
        categories = [(c.code, c.label) for c in vocab.INRIKTNINGAR[kind.code]]
        rows = [RowSpec(code, label) for code, label in categories]
        rows.append(RowSpec("totalt", TOTAL, total=True))
        columns = [Column("insatser", _lo("Antal insatser"), "number"),
                   Column("andel", _lo("Andel av insatserna (%)"), "percent"),
                   Column("personuppgifter", _lo("Deltagare med personuppgifter")),
                   Column("anonyma", _lo("Anonyma deltagare")),
                   Column("volym", _lo("Deltagare i volyminsatser"), "number")]
        grid = Grid(kind.code, INRIKTNING_TITLES[kind.code],
                    rows, columns, chart=ChartSpec(("insatser",), "number"),
                    note=_lo("Insatser som pågått någon gång under perioden. Deltagare med "
                             "personuppgifter: som deltagit under perioden; anonyma: "
                             "inregistrerade under perioden; volyminsatser: antal utan "
                             "uppdelning på kön."))
        grid.percents["andel"] = Percent("insatser", base_row="totalt")
        for code, _ in categories:
            here = [c for c in mine if c.insats.inriktning == code]
            grid.set(code, "insatser", len(here))
            grid.set(code, "personuppgifter", sum(c.personal for c in here))
            grid.set(code, "anonyma", sum(sum(c.anonymous_by_kon.values()) for c in here))
            grid.set(code, "volym", sum(c.volume for c in here))
        for column in ("insatser", "personuppgifter", "anonyma", "volym"):
            grid.set("totalt", column, sum(grid.values[(c, column)] for c, _ in categories))
        grid.rows_sum("totalt", [code for code, _ in categories])
        grids.append(grid)
    return _built(grids, threshold)


# 6. Priority groups: sjukpenning and aktivitetsersättning at start (seeds/004 Tabell 1–4) ------

def _priority_years(filters: Filters) -> list[int]:
    if filters.year is not None:
        return list(range(filters.year - PRIORITY_YEARS + 1, filters.year + 1))
    return queries.registration_years(filters.forbund_id)


def priority_report(filters: Filters, threshold: int) -> tuple[list[Table], int]:
    kinds = {"aktivitetsersattning": _lo("aktivitetsersättning"),
             "sjukpenning": _lo("sjukpenning/rehabiliteringspenning")}
    years = _priority_years(filters)
    raw = queries.priority_support(filters, kinds, years)
    grids = []
    for kind, kind_label in kinds.items():
        for mode, title in (
                ("pagaende", _lo("Pågående deltagare med %(kind)s vid start", kind=kind_label)),
                ("nya", _lo("Nyregistrerade deltagare med %(kind)s vid start",
                            kind=kind_label))):
            grids.append(_priority_grid(f"{mode}_{kind}", title, raw, kind, mode, years))
    tables, hidden = _built(grids, threshold)
    tables.append(_priority_insatser(filters, years))
    return tables, hidden


def _priority_grid(key: str, title: object, raw: dict, kind: str, mode: str,
                   years: list[int]) -> Grid:
    rows = [RowSpec(str(year), str(year)) for year in years]
    columns = [Column("kvinna", KON_LABELS["kvinna"]),
               Column("kvinna_andel", _lo("Kvinna (%)"), "percent"),
               Column("man", KON_LABELS["man"]),
               Column("man_andel", _lo("Man (%)"), "percent"),
               Column("totalt", TOTAL)]
    grid = Grid(key, title, rows, columns, chart=ChartSpec(("kvinna", "man")))
    for kon in KONS:
        grid.percents[f"{kon}_andel"] = Percent(kon, base_column="totalt")
    for year in years:
        for kon in KONS:
            grid.set(str(year), kon, sum(
                count for (k, person_kon, first, last), count in raw.items()
                if k == kind and person_kon == kon and _counts_in(mode, year, first, last)))
        grid.set(str(year), "totalt", sum(grid.values[(str(year), kon)] for kon in KONS))
    grid.columns_sum("totalt", list(KONS))
    return grid


def _counts_in(mode: str, year: int, first: int, last: int | None) -> bool:
    if mode == "nya":
        return first == year
    return first <= year and (last is None or last >= year)


def _priority_insatser(filters: Filters, years: list[int]) -> Table:
    """Insatser marked for each priority group, per year (seeds/004 Tabell 5): counts of
    insatser, not of persons, so never suppressed."""
    insatser = list(db.session.scalars(select(Insats).where(*insats_conditions(filters))))
    rows = [RowSpec(str(year), str(year)) for year in years]
    columns = [Column(choice.code, choice.label, "number") for choice in vocab.PRIORITY_GROUPS]
    grid = Grid("insatser_prioriterade", _lo("Antal insatser riktade till prioriterade grupper"),
                rows, columns, chart=ChartSpec(tuple(c.key for c in columns), "number"))
    for year in years:
        running = [i for i in insatser if i.start_date.year <= year
                   and (i.end_date is None or i.end_date.year >= year)]
        for choice in vocab.PRIORITY_GROUPS:
            grid.set(str(year), choice.code, sum(bool(getattr(i, choice.code)) for i in running))
    table, _ = grid.build(1)
    return table


# 7. National aggregate reporting: insatser, women and men registered -------------------------

@dataclass(frozen=True)
class Registered:
    """One row of national reporting: women and men registered in the year (with personal data
    and anonymously), participants of volyminsatser, and the insatser they are in."""

    key: str
    label: object
    by_kon: dict[str, int]
    volume: int
    insatser: int


def _registered(key: str, label: object, counts: list[queries.InsatsCounts]) -> Registered:
    return Registered(key, label, {kon: sum(c.personal_by_kon[kon] + c.anonymous_by_kon[kon]
                                            for c in counts) for kon in KONS},
                      sum(c.volume for c in counts), len(counts))


def _registered_grid(key: str, title: object, rows: list[Registered], total_label: object,
                     insatser_column: bool) -> Grid:
    """Report 7's table, one row per insats (a förbund's) or per förbund (the national
    collation), with the same columns, totals and suppression."""
    specs = [RowSpec(r.key, r.label) for r in rows]
    specs.append(RowSpec("totalt", total_label, total=True))
    columns = [Column("insatser", _lo("Antal insatser"), "number")] if insatser_column else []
    columns += [Column("kvinna", _lo("Kvinnor")), Column("man", _lo("Män")),
                Column("totalt", TOTAL),
                Column("volym", _lo("Deltagare i volyminsats"), "number")]
    grid = Grid(key, title, specs, columns, chart=ChartSpec(("kvinna", "man")),
                note=_lo("Inregistrerade under perioden: med personuppgifter och anonymt. "
                         "Volyminsatser räknas utan uppdelning på kön."))
    for row in rows:
        for kon in KONS:
            grid.set(row.key, kon, row.by_kon[kon])
        grid.set(row.key, "totalt", sum(row.by_kon.values()))
        grid.set(row.key, "volym", row.volume)
        grid.set(row.key, "insatser", row.insatser)
    for column in ("kvinna", "man", "totalt", "volym", "insatser"):
        grid.set("totalt", column, sum(grid.values[(r.key, column)] for r in rows))
    grid.columns_sum("totalt", list(KONS))
    grid.rows_sum("totalt", [r.key for r in rows])
    return grid


def national_report(filters: Filters, threshold: int) -> tuple[list[Table], int]:
    counts = queries.insats_counts(filters, only_registered=True)
    rows = [_registered(f"insats_{c.insats.id}", c.insats.name, [c]) for c in counts]
    grid = _registered_grid("nationell", _lo("Insatser och inregistrerade kvinnor och män"),
                            rows, _lo("Totalt (%(count)d insatser)", count=len(counts)),
                            insatser_column=False)
    return _built([grid], threshold)


def national_collation(filters: Filters, threshold: int) -> tuple[list[Table], int]:
    """Report 7 of several förbund at once (``filters.forbund_id`` a tuple): one row per
    förbund, the sum of its own report 7, and their total. The same queries as one förbund's,
    run once over all of them (an index range per förbund), not once per förbund."""
    ids = filters.forbund_id if isinstance(filters.forbund_id, tuple) else (filters.forbund_id,)
    counts = queries.insats_counts(filters, only_registered=True)
    mine: dict[int, list[queries.InsatsCounts]] = {forbund_id: [] for forbund_id in ids}
    for c in counts:
        mine[c.insats.forbund_id].append(c)
    forbunds = db.session.execute(select(Forbund.id, Forbund.name).where(
        Forbund.id.in_(ids)).order_by(Forbund.name))
    rows = [_registered(f"forbund_{forbund_id}", name, mine[forbund_id])
            for forbund_id, name in forbunds]
    grid = _registered_grid("riket", _lo("Inregistrerade kvinnor och män per förbund"), rows,
                            _lo("Totalt (%(count)d förbund)", count=len(rows)),
                            insatser_column=True)
    return _built([grid], threshold)


REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec("avslut", _lo("Avslutsanledningar"),
               _lo("Avslutade deltagare per avslutsanledning och kön (SUS deltagarrapport)."),
               end_reason_report),
    ReportSpec("kon-alder", _lo("Kön och ålder"),
               _lo("Deltagare per kön och åldersgrupp vid start."), age_report),
    ReportSpec("bakgrund", _lo("Utbildning och försörjning"),
               _lo("Högsta utbildning, tid i offentlig försörjning och försörjning före och "
                   "efter insatsen."), background_report),
    ReportSpec("resultat", _lo("Arbete och studier"),
               _lo("Arbete eller studier före och direkt efter, omfattning och aktivt "
                   "arbetssökande, per kön och ålder."), outcome_report),
    ReportSpec("inriktning", _lo("Insatser per inriktning"),
               _lo("Individinriktade och strukturövergripande insatser per inriktning med "
                   "deltagare med personuppgifter, anonyma och i volyminsatser."),
               inriktning_report),
    ReportSpec("prioriterade", _lo("Prioriterade grupper"),
               _lo("Deltagare med sjukpenning eller aktivitetsersättning vid start, pågående "
                   "och nyregistrerade per år och kön."), priority_report),
    ReportSpec("nationell", _lo("Nationell rapportering"),
               _lo("Insatser och antal inregistrerade kvinnor och män per insats och år."),
               national_report),
)
REPORT_IDS = tuple(spec.id for spec in REPORTS)


def report_spec(report_id: str) -> ReportSpec:
    """The spec; ``KeyError`` for an unknown id."""
    for spec in REPORTS:
        if spec.id == report_id:
            return spec
    raise KeyError(report_id)


# Not among REPORTS (the pages of one förbund's officers): no role sees several förbund.
NATIONAL = ReportSpec(
    "riket", _lo("Nationell rapportering, alla förbund"),
    _lo("Inregistrerade kvinnor och män, deltagare i volyminsatser och antal insatser per "
        "förbund och för alla förbund tillsammans."), national_collation)


def build_report(report_id: str, filters: Filters, threshold: int,
                 scope: dict[str, str] | None = None) -> Report:
    return _made(report_spec(report_id), filters, threshold, scope)


def build_national_report(year: int | None, threshold: int,
                          forbund_ids: Iterable[int] | None = None) -> Report:
    """Report 7 of every förbund (or of ``forbund_ids``) in one report (``national_collation``)."""
    ids = tuple(forbund_ids) if forbund_ids is not None else tuple(
        db.session.scalars(select(Forbund.id).order_by(Forbund.id)))
    return _made(NATIONAL, Filters(ids, year), threshold, None)


def _made(spec: ReportSpec, filters: Filters, threshold: int,
          scope: dict[str, str] | None) -> Report:
    tables, hidden = spec.build(filters, threshold)
    return Report(spec.id, spec.title, spec.description, tuple(tables), threshold, hidden,
                  dict(scope or {}))
