"""``formapp export-excel`` and ``formapp import-excel``: the web page's export and import from
the command line (run by the server's operator: the audit trail names "system", or the officer
of ``--by``).

At the top, as ``archive_cli`` is, not in ``reports`` (which only reads: the export's audit
entry and the import are writes) nor in ``imports`` (``cases`` imports ``imports``, so the
import command there would close a cycle). The import checks the sheet (``imports.reading``)
and stores it through the import case (``cases.importing``).
"""

from __future__ import annotations

import sys
from datetime import datetime
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
from formapp.records.audit import log_event
from formapp.records.errors import RuleViolation
from formapp.records.models import Forbund, Insats, User
from formapp.reports.export import ExportRequest, write_export


def _forbund_id(insats_id: int | None, forbund_id: int | None) -> int:
    if insats_id is not None:
        insats = db.session.get(Insats, insats_id)
        if insats is None:
            raise click.ClickException(f"No insats with id {insats_id}.")
        if forbund_id is not None and forbund_id != insats.forbund_id:
            raise click.ClickException("The insats belongs to another förbund.")
        return insats.forbund_id
    if forbund_id is not None:
        if db.session.get(Forbund, forbund_id) is None:
            raise click.ClickException(f"No förbund with id {forbund_id}.")
        return forbund_id
    ids = list(db.session.scalars(select(Forbund.id)))
    if len(ids) != 1:
        raise click.UsageError("Several förbund: give --forbund ID or --insats ID.")
    return ids[0]


@click.command("export-excel")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="Participations ended in this year (default: all).")
@click.option("--insats", "insats_id", type=int, help="Only this insats.")
@click.option("--forbund", "forbund_id", type=int, help="The förbund (when there are several).")
@click.option("--full", is_flag=True, help="Every answer of the forms (what an import needs).")
@click.option("--with-identity", is_flag=True, help="Personnummer and name (needs --reason).")
@click.option("--reason", default="", help="Why personnummer and names are exported (audited).")
@with_appcontext
def export_excel_command(out: Path, year: int | None, insats_id: int | None,
                         forbund_id: int | None, full: bool, with_identity: bool,
                         reason: str) -> None:
    """Write closed participations as an .xlsx (the fields of seeds/000)."""
    if with_identity and not reason.strip():
        raise click.UsageError("--with-identity needs --reason: it goes to the audit trail.")
    request = ExportRequest(_forbund_id(insats_id, forbund_id), year, insats_id,
                            with_identity, full)
    with out.open("wb") as handle:
        count = write_export(request, handle, datetime.now())
    log_event(actor=None, action="export_excel_identity" if with_identity else "export_excel",
              subject=f"forbund:{request.forbund_id}", why=reason.strip(),
              forbund_id=request.forbund_id,
              details={"rows": count, "year": year, "insats_id": insats_id, "full": full,
                       "identity": with_identity, "via": "cli"})
    db.session.commit()
    click.echo(f"wrote {out} ({count} participations)")


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
