"""The SQL behind the reports: every figure is a GROUP BY in the database, so a report over
300,000 participations moves a few hundred aggregate rows into Python, never the participations.

Each function returns plain dicts keyed by the grouping values. Conditions: ``filters``.
Everything a query reads from ``registration`` is in its covering index
(``ix_registration_report``): kön is the registration's own copy, no join to ``person``, and
the wide rows (the answers) are never read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    Integer,
    Select,
    and_,
    case,
    cast,
    extract,
    func,
    literal_column,
    or_,
    select,
)

from formapp.extensions import db
from formapp.records.form_values import support_bits
from formapp.records.models import (
    SUPPORT_BITS,
    AnonymousCount,
    Insats,
    Registration,
    VolumeCount,
)
from formapp.reports.filters import (
    Filters,
    active_parts,
    active_parts_between,
    ended_in,
    in_forbund,
    insats_conditions,
    insats_runs_in,
    registration_conditions,
    started_in,
    year_range,
)

AGE_GROUPS = ("under_30", "30_44", "45_59", "60_plus", "okand")
WORK_TYPES = ("inte_subventionerat", "subventionerat", "eget_foretag")
NO_MEASUREMENT = ("6", "7")  # end reasons without an after-measurement


# Grouping expressions carry their constants inline, not as bound parameters: PostgreSQL
# matches a GROUP BY expression to the selected one by its text, and two parameters differ.
def _age_below(years: int) -> ColumnElement[bool]:
    return Registration.age_at_start < literal_column(str(int(years)))


def age_group() -> ColumnElement[str]:
    # No age (a samordningsnummer without a full birth date) is its own group, not the last.
    return case((Registration.age_at_start.is_(None), literal_column("'okand'")),
                (_age_below(30), literal_column("'under_30'")),
                (_age_below(45), literal_column("'30_44'")),
                (_age_below(60), literal_column("'45_59'")),
                else_=literal_column("'60_plus'"))


def young() -> ColumnElement[bool]:
    """Under 30 at start; NULL when the age is unknown (in neither age group)."""
    return _age_below(30)


def _base(filters: Filters, *columns: Any) -> Select:
    query = select(*columns).select_from(Registration).where(
        *registration_conditions(filters))
    if filters.priority is not None:
        query = query.join(Insats, Registration.insats_id == Insats.id)
    return query


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _rows(query: Select) -> Iterable[Sequence[Any]]:
    """Core execution on the session's connection: aggregate rows need no ORM loading."""
    return db.session.connection().execute(query)


def _pairs(query: Select) -> dict[tuple, int]:
    return _summed([query])


def _summed(queries: Iterable[Select]) -> dict[tuple, int]:
    """Grouping values -> the last column, added up over ``queries`` (disjoint parts)."""
    result: dict[tuple, int] = defaultdict(int)
    for query in queries:
        for row in _rows(query):
            result[tuple(row[:-1])] += int(row[-1] or 0)
    return dict(result)


def _during(filters: Filters, query: Select) -> list[Select]:
    """``query`` once per part of the year (``active_parts``): add the results up."""
    return [query.where(part) for part in active_parts(filters.year)]


def end_reasons_by_kon(filters: Filters) -> dict[tuple[str, str], int]:
    """(end reason, kön) -> participations ended in the year."""
    query = _base(filters, Registration.end_reason, Registration.kon, func.count()).where(
        ended_in(filters.year)).group_by(Registration.end_reason, Registration.kon)
    return _pairs(query)


def by_kon(filters: Filters, *groups: ColumnExpressionArgument[str]
           ) -> dict[tuple[str, ...], int]:
    """(group values…, kön) -> participations during the year (participants of the year).
    Several groups in one pass; ``marginal`` gives each one's counts."""
    query = _base(filters, *groups, Registration.kon, func.count()).group_by(
        *groups, Registration.kon)
    return _summed(_during(filters, query))


def marginal(counts: dict[tuple[str, ...], int], index: int) -> dict[tuple[str, str], int]:
    """(value of group ``index``, kön) -> count, from ``by_kon`` over several groups."""
    result: dict[tuple[str, str], int] = defaultdict(int)
    for key, count in counts.items():
        result[(key[index], key[-1])] += count
    return dict(result)


@dataclass(frozen=True)
class SupportCounts:
    """Among participations ended in the year with an after-measurement: how many had each
    kind of support before and after, and how many any public support."""

    base: int
    kinds: dict[tuple[str, str], int]  # (measurement, kind) -> participations
    any_public: dict[str, int]  # measurement -> participations with some public support


def measured_endings(year: int | None) -> ColumnElement[bool]:
    """THE definition of "before and directly after" in every report (support and work or
    study alike): participations ended in the year with an after-measurement, i.e. every end
    reason but 6 and 7. Before and after are counted over the same people, so a change between
    them is a change in the people's situation, not in who is counted; reasons 6 and 7 have no
    after-measurement, so they can not be among them."""
    return and_(ended_in(year), Registration.end_reason.not_in(NO_MEASUREMENT))


def supports(filters: Filters, public_kinds: Iterable[str]) -> SupportCounts:
    # Grouped by the choices themselves (the support rows as bits, a few dozen combinations);
    # each kind's count is then the sum over the combinations that hold it.
    measured = measured_endings(filters.year)
    fore, efter = Registration.forsorjning_fore_bits, Registration.forsorjning_efter_bits
    query = _base(filters, fore, efter, func.count()).where(measured).group_by(fore, efter)
    public = support_bits(public_kinds)
    base = 0
    kinds: dict[tuple[str, str], int] = defaultdict(int)
    any_public: dict[str, int] = defaultdict(int)
    for fore_bits, efter_bits, count in _rows(query):
        base += count
        for measurement, bits in (("fore", fore_bits), ("efter", efter_bits)):
            for kind in _kinds(bits):
                kinds[(measurement, kind)] += count
            if bits & public:
                any_public[measurement] += count
    return SupportCounts(base, dict(kinds), dict(any_public))


def _kinds(bits: int) -> list[str]:
    return [kind for kind, bit in SUPPORT_BITS.items() if bits & bit]


# Outcome measures of participations ended in the year (seeds/003 §4.3), each a count.
def _works_or_studies(suffix: str) -> ColumnElement[bool]:
    works = getattr(Registration, f"arbetar{suffix}")
    studies = getattr(Registration, f"studerar{suffix}")
    return or_(works.is_(True), studies.is_(True))


def _extent(suffix: str) -> ColumnElement[int]:
    """% of full time working and studying together, at most 100 (one cannot do more)."""
    total = (func.coalesce(getattr(Registration, f"arbete_procent{suffix}"), 0)
             + func.coalesce(getattr(Registration, f"studie_procent{suffix}"), 0))
    return case((total > 100, 100), else_=total)


def _outcome_columns() -> dict[str, ColumnElement[int]]:
    columns: dict[str, ColumnElement[int]] = {"n": func.count()}
    for when, suffix in (("fore", "_fore"), ("efter", "_efter")):
        columns[f"arbete_studier_{when}"] = _count(_works_or_studies(suffix))
        kind = getattr(Registration, f"arbete_typ{suffix}")
        for work_type in WORK_TYPES:
            columns[f"{work_type}_{when}"] = _count(kind == work_type)
        columns[f"studier_{when}"] = _count(getattr(Registration, f"studerar{suffix}").is_(True))
        columns[f"extent_sum_{when}"] = func.coalesce(func.sum(
            case((_works_or_studies(suffix), _extent(suffix)), else_=0)), 0)
    columns["arbetssokande_efter"] = _count(Registration.aktivt_arbetssokande_efter.is_(True))
    return columns


OUTCOME_MEASURES = tuple(_outcome_columns())


def outcomes(filters: Filters) -> dict[tuple[str, bool | None], dict[str, int]]:
    """(kön, under 30 or None when the age is unknown) -> every outcome measure, for
    participations ended in the year with an after-measurement (``measured_endings``)."""
    columns = _outcome_columns()
    query = _base(filters, Registration.kon, young(), *columns.values()).where(
        measured_endings(filters.year)).group_by(Registration.kon, young())
    result: dict[tuple[str, bool | None], dict[str, int]] = {}
    for row in _rows(query):
        result[(row[0], None if row[1] is None else bool(row[1]))] = {name: int(value or 0)
                                          for name, value in zip(columns, row[2:], strict=True)}
    return result


@dataclass(frozen=True)
class InsatsCounts:
    insats: Insats
    personal: int  # participations with personal data during the year
    personal_by_kon: dict[str, int]  # started in the year, by kön (national reporting)
    anonymous_by_kon: dict[str, int]  # anonymous counts of the year, by kön
    volume: int


def insats_counts(filters: Filters, only_registered: bool = False) -> list[InsatsCounts]:
    """Every insats running in the year, with its participants counted four ways.

    ``only_registered``: only those registered (started) in the year are read, all national
    reporting needs (``personal`` then counts those too). Far fewer index entries: the open
    participations started in the year are one range of the report index (end date NULL,
    start date), where every open one takes part in the year."""
    insatser = list(db.session.scalars(
        select(Insats).where(*insats_conditions(filters), insats_runs_in(filters.year))
        .order_by(Insats.name)))
    ids = [insats.id for insats in insatser]
    if not ids:
        return []
    plain = Filters(filters.forbund_id, filters.year, None, filters.kon, None)
    # One pass for both: those started in the year took part in it too.
    query = _base(plain, Registration.insats_id, Registration.kon, func.count(),
                  _count(started_in(filters.year))).where(
        Registration.insats_id.in_(ids)).group_by(Registration.insats_id, Registration.kon)
    if only_registered:
        query = query.where(started_in(filters.year))
    personal: dict[int, int] = defaultdict(int)
    started: dict[tuple[int, str], int] = defaultdict(int)
    for part in _during(filters, query):
        for insats_id, kon, during, new in _rows(part):
            personal[insats_id] += int(during)
            started[(insats_id, kon)] += int(new or 0)
    anonymous_query = select(AnonymousCount.insats_id, AnonymousCount.kon,
                             func.sum(AnonymousCount.count)).where(
        AnonymousCount.insats_id.in_(ids)).group_by(AnonymousCount.insats_id, AnonymousCount.kon)
    if filters.year is not None:
        anonymous_query = anonymous_query.where(AnonymousCount.year == filters.year)
    if filters.kon is not None:
        anonymous_query = anonymous_query.where(AnonymousCount.kon == filters.kon)
    anonymous = _pairs(anonymous_query)
    volume_query = select(VolumeCount.insats_id, func.sum(VolumeCount.count)).where(
        VolumeCount.insats_id.in_(ids)).group_by(VolumeCount.insats_id)
    if filters.year is not None:
        volume_query = volume_query.where(VolumeCount.year == filters.year)
    # Volume counts have no kön: with a kön filter they cannot be counted.
    volume = {} if filters.kon is not None else _pairs(volume_query)
    return [InsatsCounts(
        insats=insats, personal=personal.get(insats.id, 0),
        personal_by_kon={kon: started.get((insats.id, kon), 0) for kon in ("kvinna", "man")},
        anonymous_by_kon={kon: anonymous.get((insats.id, kon), 0) for kon in ("kvinna", "man")},
        volume=volume.get((insats.id,), 0)) for insats in insatser]


def priority_support(filters: Filters, kinds: Iterable[str], years: list[int]
                     ) -> dict[tuple[str, str, int, int | None], int]:
    """(support kind at start, kön, start year, end year or None) -> participations: enough to
    count, per year, those ongoing and those newly registered (seeds/004 Tabell 1–4)."""
    wanted = tuple(kinds)
    # Integers: PostgreSQL's EXTRACT gives a numeric, slower to sort and group by.
    start_year = cast(extract("year", Registration.start_date), Integer)
    end_year = cast(extract("year", Registration.end_date), Integer)
    bits = Registration.forsorjning_fore_bits
    query = _base(filters, bits, Registration.kon, start_year, end_year, func.count()).where(
        bits.bitwise_and(support_bits(wanted)) != 0).group_by(
        bits, Registration.kon, start_year, end_year)
    # Only those taking part in one of the years shown, in index ranges (``active_parts``).
    parts = [query] if not years else [query.where(part) for part in active_parts_between(
        date(min(years), 1, 1), year_range(max(years))[1])]
    result: dict[tuple[str, str, int, int | None], int] = defaultdict(int)
    for part in parts:
        for fore_bits, kon, first, last, count in _rows(part):
            for kind in _kinds(fore_bits):
                if kind in wanted:
                    result[(kind, kon, int(first), None if last is None else int(last))] += \
                        int(count)
    return dict(result)


def registration_years(forbund_id: int | tuple[int, ...]) -> list[int]:
    """Every year from the förbund's first registration to its last start or end."""
    first, last_start, last_end = db.session.execute(
        select(func.min(Registration.start_date), func.max(Registration.start_date),
               func.max(Registration.end_date)).where(
            in_forbund(Registration.forbund_id, forbund_id))).one()
    if first is None:
        return []
    last = max(d for d in (last_start, last_end) if d is not None)
    return list(range(first.year, last.year + 1))
