"""``formapp export-excel``: the web page's export from the command line (run by the server's
operator: the audit trail names "system"). Its import is ``formapp.import_cli``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from formapp.extensions import db
from formapp.records.audit import log_event
from formapp.records.models import Forbund, Insats
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
