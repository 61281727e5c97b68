"""``formapp import-excel``: the web page's Excel import from the command line (run by the
server's operator: without ``--by`` the audit trail names "system"). It checks the sheet
(``imports.reading``) and stores it through the import case (``cases.importing``). At the top,
as ``archive_cli`` is: ``cases`` imports ``imports``, so the command in ``imports`` would close
a cycle."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from formapp.cases.importing import import_rows
from formapp.clock import today
from formapp.extensions import db
from formapp.imports.reading import SheetRefused, read_sheet
from formapp.imports.scans import Scan
from formapp.records.errors import RuleViolation
from formapp.records.models import Insats, User


@click.command("import-excel")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--insats", "insats_id", type=int, required=True)
@click.option("--valid-only", is_flag=True,
              help="Import the valid rows even when others have errors.")
@click.option("--reason", default="Import från Excel (formapp import-excel)", show_default=True)
@click.option("--scans", "scans_dir", type=click.Path(exists=True, file_okay=False,
                                                      path_type=Path),
              help="A folder of scanned signed paper FK 9443, one PDF per row, named by the "
                   "row number (12.pdf) or the personnummer.")
@click.option("--by", "by_email",
              help="E-mail of the officer who imports and attests the paper consents "
                   "(required with --scans).")
@with_appcontext
def import_excel_command(file: Path, insats_id: int, valid_only: bool, reason: str,
                         scans_dir: Path | None, by_email: str | None) -> None:
    """Check every row of a participant sheet and import it into an insats.

    Personal data only for rows with evidence of consent (a consent in formapp, or a scan);
    the other rows are counted as anonymous participations."""
    insats = db.session.get(Insats, insats_id)
    if insats is None:
        raise click.ClickException(f"No insats with id {insats_id}.")
    by = None
    if by_email:
        by = db.session.scalar(select(User).where(User.email == by_email.strip().lower()))
        if by is None or by.forbund_id != insats.forbund_id:
            raise click.ClickException(f"No user {by_email} in the insats's förbund.")
    scans = [Scan(path.name, path.read_bytes()) for path in sorted(scans_dir.iterdir())
             if path.is_file()] if scans_dir else []
    config = current_app.config
    try:
        plan = read_sheet(file.read_bytes(), insats, today=today(),
                          max_bytes=config["FORMAPP_IMPORT_MAX_BYTES"],
                          max_rows=config["FORMAPP_IMPORT_MAX_ROWS"], scans=scans)
    except SheetRefused as exc:
        raise click.ClickException(str(exc.message)) from exc
    for error in plan.errors:
        click.echo(error.described(), err=True)
    try:
        result = import_rows(plan, insats, by=by, reason=reason, valid_only=valid_only)
    except RuleViolation as violation:
        db.session.rollback()
        click.echo(str(violation.message), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"imported {result.imported} participations: {result.with_consent} with a "
               f"consent already in formapp, {result.with_paper} with a paper consent, "
               f"{result.anonymous} as anonymous participations (no personnummer or name); "
               f"{result.skipped} rows with errors not imported; {result.already_present} "
               "rows already present (same person, insats and start date) skipped")
