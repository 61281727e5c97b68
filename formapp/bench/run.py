"""Runs every case on a fresh app and returns the results by case name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from formapp.bench.archive_cases import verify_case
from formapp.bench.cli_cases import cli_start_case
from formapp.bench.consent_cases import ConsentDriver, consent_case, reset_tablet
from formapp.bench.environment import BenchEnv, bench_env, bench_officer, personnummer_stream
from formapp.bench.import_case import import_case
from formapp.bench.national_cases import FORBUND, national_cases
from formapp.bench.page_cases import page_case
from formapp.bench.peer_case import WEASYPRINT_MISSING, peer_case
from formapp.bench.registration_cases import registration_cases, registration_pages
from formapp.bench.render_cases import render_cases
from formapp.bench.report_cases import report_cases
from formapp.bench.timing import CaseResult, SkippedCase
from formapp.definitions.consent_texts import builtin_locales


@dataclass(frozen=True)
class Sizes:
    runs: int
    peer_runs: int  # consent_peer: WeasyPrint takes about a second a consent
    verify_pdfs: int
    participations: int  # the reports and export cases (issue 7)
    report_runs: int
    render_locales: tuple[str, ...] | None  # None: every locale with a consent text
    import_rows: int = 10_000  # import_10k: rows of the Excel file (issue 21)
    import_runs: int = 3
    two_nodes_seconds: float = 30  # load_two_nodes (issue 22): a node is killed at 40 %
    national_participations: int = 3_000_000  # reports_national (issue 22), PostgreSQL only


FULL = Sizes(runs=40, peer_runs=10, verify_pdfs=1000, participations=300_000, report_runs=5,
             render_locales=None)
QUICK = Sizes(runs=3, peer_runs=1, verify_pdfs=5, participations=2_000, report_runs=2,
              render_locales=("sv", "ar", "th"), import_rows=300, import_runs=1,
              two_nodes_seconds=8, national_participations=8_000)


def _page_cases(env: BenchEnv, sizes: Sizes, numbers: Iterator[str]) -> list[CaseResult]:
    officer = env.officer
    reset_tablet(officer)
    results = [page_case("9443_start", officer, f"/insatser/{env.insats.id}/samtycke",
                         sizes.runs)]
    # One reading page per web-font script; Tigrinya's Ethiopic is the largest subset. The
    # language picker is measured last, shown in the last locale (Thai).
    for locale in ("sv", "ar", "ti", "th"):
        driver = ConsentDriver(env, numbers, locale)
        driver.prepare()
        results.append(page_case(f"9443_read_{locale}", officer, driver.sign_url, sizes.runs))
    language_url = driver.sign_url.rsplit("/", 1)[0] + "/sprak"
    results.append(page_case("9443_language", officer, language_url, sizes.runs))
    return results


def run_bench(sizes: Sizes, database_url: str | None = None,
              progress: Callable[[str], None] = lambda _: None,
              ) -> dict[str, CaseResult | SkippedCase]:
    results: dict[str, CaseResult | SkippedCase] = {}
    if database_url is None:  # no database work: the SQLite run says it all
        start = cli_start_case(sizes.runs)
        results[start.name] = start
        progress(start.line())
    numbers = personnummer_stream()
    with bench_env(database_url) as env:
        suffix = "" if env.database == "sqlite" else "_postgresql"
        for make in (lambda: consent_case(env, numbers, sizes.runs),
                     lambda: consent_case(env, numbers, sizes.runs, locale="ar")):
            result = make()
            results[result.name + suffix] = result
            progress(result.line())
        if not suffix:  # the peer's route has no database work: SQLite's run says it all
            peer = (SkippedCase("consent_peer", WEASYPRINT_MISSING) if WEASYPRINT_MISSING
                    else peer_case(env, numbers, sizes.peer_runs))
            results[peer.name] = peer
            progress(peer.line())
        for result in registration_cases(env, numbers, sizes.runs):
            results[result.name + suffix] = result
            progress(result.line())
        for result in _page_cases(env, sizes, numbers) + registration_pages(env, numbers,
                                                                            sizes.runs):
            results[result.name] = result
            progress(result.line())
        if not suffix:  # rendering touches no database
            for result in render_cases(sizes.render_locales or builtin_locales(), sizes.runs):
                results[result.name] = result
                progress(result.line())
        result = import_case(bench_officer(), sizes.import_rows, sizes.import_runs)
        results[result.name + suffix] = result
        progress(result.line())
        result = verify_case(env.insats, sizes.verify_pdfs)
        results["verify" + suffix] = result
        progress(result.line())
        for result in report_cases(sizes.participations, sizes.report_runs):
            results[result.name + suffix] = result
            progress(result.line())
    return results


def run_national(sizes: Sizes, database_url: str) -> list[CaseResult]:
    """``reports_forbund``, ``reports_national`` and ``page_9448_national`` over
    ``sizes.national_participations`` across 80 förbund, in an app of their own (a fresh
    schema, dropped after)."""
    with bench_env(database_url) as env:
        results = national_cases(sizes.national_participations, FORBUND, sizes.report_runs)
        # The FK 9448 page of a fresh consent among all of those rows (issue 22: ≤ 15 ms).
        page = registration_pages(env, personnummer_stream(), sizes.runs)[0]
        page.name = "page_9448_national"
        page.extra["participations"] = sizes.national_participations
        return [*results, page]
