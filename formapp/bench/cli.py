"""``formapp bench``: the benchmark's commands (loaded only when they run, formapp.launcher)."""

from __future__ import annotations

import json
from dataclasses import replace

import click

from formapp.bench.environment import machine
from formapp.bench.load import MAX_SECONDS, run_load
from formapp.bench.nodes import NodesResult, run_two_nodes
from formapp.bench.run import FULL, QUICK, Sizes, run_bench, run_national
from formapp.bench.timing import CaseResult, SkippedCase


def two_nodes_case(pg_url: str | None, sizes: Sizes) -> NodesResult | SkippedCase:
    """``load_two_nodes``: the two-node load with a node killed (PostgreSQL only)."""
    if not pg_url:
        return SkippedCase("load_two_nodes", "PostgreSQL only: set FORMAPP_BENCH_DATABASE_URL "
                                             "(or --database-url)")
    return run_two_nodes(pg_url, seconds=sizes.two_nodes_seconds)


@click.group("bench", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object keyed by case name.")
@click.option("--quick", is_flag=True, help="A few runs of each case: checks it all works.")
@click.option("--database-url", "pg_url", envvar="FORMAPP_BENCH_DATABASE_URL",
              help="Also run the database cases on PostgreSQL (a new schema there, dropped "
                   "after).")
@click.option("--participations", type=click.IntRange(min=80), default=None,
              help="Participations across 80 förbund for reports_national and "
                   "reports_forbund (PostgreSQL only; default 3,000,000, --quick 8,000).")
@click.pass_context
def bench_command(ctx: click.Context, as_json: bool, quick: bool, pg_url: str | None,
                  participations: int | None) -> None:
    """Time formapp's cases against their floors in a fresh, throw-away app (a few minutes).

    `formapp bench load` is the load test: gunicorn with 2 workers, sealed consents per second.
    """
    if ctx.invoked_subcommand is not None:
        return
    sizes = QUICK if quick else FULL
    if participations is not None:
        sizes = replace(sizes, national_participations=participations)
    say = (lambda _: None) if as_json else click.echo
    measured_on = machine()
    say("machine: " + ", ".join(f"{k} {v}" for k, v in measured_on.items()))
    results: dict[str, CaseResult | SkippedCase | NodesResult] = dict(
        run_bench(sizes, progress=say))
    if pg_url:
        results.update(run_bench(sizes, pg_url, progress=say))
        for case in run_national(sizes, pg_url):
            results[case.name] = case
            say(case.line())
    else:
        for name in ("reports_forbund", "reports_national", "page_9448_national"):
            results[name] = SkippedCase(name, "PostgreSQL only: set FORMAPP_BENCH_DATABASE_URL "
                                              "(or --database-url)")
            say(results[name].line())
    two_nodes = two_nodes_case(pg_url, sizes)
    results[two_nodes.name] = two_nodes
    say(two_nodes.line())
    if as_json:
        data = {name: r.as_json() for name, r in results.items()}
        data["machine"] = measured_on  # not a case: where the cases were measured
        click.echo(json.dumps(data, indent=2))


@bench_command.command("load")
@click.option("--seconds", default=60.0, show_default=True,
              help=f"How long to drive consents (at most {MAX_SECONDS}).")
@click.option("--users", default=4, show_default=True, help="Officers taking consents at once.")
@click.option("--workers", default=2, show_default=True,
              help="gunicorn workers (of each node with --nodes 2).")
@click.option("--nodes", type=click.IntRange(1, 2), default=1, show_default=True,
              help="2: two app nodes behind a round-robin proxy, one killed with SIGKILL "
                   "mid-run; reports consents lost, duplicated, orphans and errors "
                   "(PostgreSQL only).")
@click.option("--database-url", envvar="FORMAPP_BENCH_DATABASE_URL",
              help="PostgreSQL (a new schema there, dropped after) instead of SQLite.")
@click.option("--json", "as_json", is_flag=True, help="The figures as one JSON object.")
def bench_load_command(seconds: float, users: int, workers: int, nodes: int,
                       database_url: str | None, as_json: bool) -> None:
    """Sealed consents per second from formapp under gunicorn, p50/p99 latency and errors
    (loopback only, bounded in time and requests)."""
    if nodes == 2:
        _two_nodes(seconds, users, workers, database_url, as_json)
        return
    result = run_load(seconds=seconds, users=users, workers=workers, database_url=database_url)
    if as_json:
        click.echo(json.dumps({**result.as_json(), "machine": machine()}, indent=2))
    else:
        click.echo("machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()))
        for line in result.lines():
            click.echo(line)
    if result.errors:
        raise SystemExit(1)




def _two_nodes(seconds: float, users: int, workers: int, database_url: str | None,
               as_json: bool) -> None:
    if not database_url or not database_url.startswith("postgresql"):
        raise click.UsageError("--nodes 2 needs PostgreSQL: --database-url or "
                               "FORMAPP_BENCH_DATABASE_URL (two nodes share one database)")
    result = run_two_nodes(database_url, seconds=seconds, users=users, workers=workers)
    if as_json:
        click.echo(json.dumps({**result.as_json(), "machine": machine()}, indent=2))
    else:
        click.echo("machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()))
        for line in result.lines():
            click.echo(line)
    if not result.ok:
        raise SystemExit(1)
