"""``formapp bench``: the benchmark's commands (loaded only when they run, formapp.launcher)."""

from __future__ import annotations

import json

import click

from formapp.bench.environment import machine
from formapp.bench.load import MAX_SECONDS, run_load
from formapp.bench.run import FULL, QUICK, run_bench


@click.group("bench", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object keyed by case name.")
@click.option("--quick", is_flag=True, help="A few runs of each case: checks it all works.")
@click.option("--database-url", "pg_url", envvar="FORMAPP_BENCH_DATABASE_URL",
              help="Also run the database cases on PostgreSQL (a new schema there, dropped "
                   "after).")
@click.pass_context
def bench_command(ctx: click.Context, as_json: bool, quick: bool, pg_url: str | None) -> None:
    """Time formapp's cases against their floors in a fresh, throw-away app (a few minutes).

    `formapp bench load` is the load test: gunicorn with 2 workers, sealed consents per second.
    """
    if ctx.invoked_subcommand is not None:
        return
    sizes = QUICK if quick else FULL
    say = (lambda _: None) if as_json else click.echo
    measured_on = machine()
    say("machine: " + ", ".join(f"{k} {v}" for k, v in measured_on.items()))
    results = run_bench(sizes, progress=say)
    if pg_url:
        results.update(run_bench(sizes, pg_url, progress=say))
    if as_json:
        data = {name: r.as_json() for name, r in results.items()}
        data["machine"] = measured_on  # not a case: where the cases were measured
        click.echo(json.dumps(data, indent=2))


@bench_command.command("load")
@click.option("--seconds", default=60.0, show_default=True,
              help=f"How long to drive consents (at most {MAX_SECONDS}).")
@click.option("--users", default=4, show_default=True, help="Officers taking consents at once.")
@click.option("--workers", default=2, show_default=True, help="gunicorn workers.")
@click.option("--database-url", envvar="FORMAPP_BENCH_DATABASE_URL",
              help="PostgreSQL (a new schema there, dropped after) instead of SQLite.")
@click.option("--json", "as_json", is_flag=True, help="The figures as one JSON object.")
def bench_load_command(seconds: float, users: int, workers: int, database_url: str | None,
                       as_json: bool) -> None:
    """Sealed consents per second from formapp under gunicorn, p50/p99 latency and errors
    (loopback only, bounded in time and requests)."""
    result = run_load(seconds=seconds, users=users, workers=workers, database_url=database_url)
    if as_json:
        click.echo(json.dumps({**result.as_json(), "machine": machine()}, indent=2))
    else:
        click.echo("machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()))
        for line in result.lines():
            click.echo(line)
    if result.errors:
        raise SystemExit(1)


