"""``formapp archive export|encrypt|renew``: the commands around ``formapp.archive_tools`` and
``formapp.cases.renewal``."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext

from formapp.archive_tools import ExportError, encrypt_archive, export_document
from formapp.cases.renewal import renew
from formapp.clock import today
from formapp.documents.errors import DocumentError
from formapp.evidence import evidence
from formapp.private_files import write_private


@click.group("archive")
def archive_group() -> None:
    """The archive of sealed PDFs: export, encryption at rest, long-term proof."""


@archive_group.command("export")
@click.argument("ident", metavar="ID")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (readable by you only).")
@with_appcontext
def export_command(ident: str, out: Path) -> None:
    """Write the plain sealed PDF named by ID (its SHA-256, or a consent's id) to OUT, with
    its renewals (long-term proof), whether or not the archive keeps it encrypted. The export
    is audited."""
    try:
        document, data = export_document(ident)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    write_private(out, data)
    renewed = f", renewed {document.renewed_at:%Y-%m-%d}" if document.renewed_at else ""
    click.echo(f"wrote {out}: {document.kind} {document.sha256} ({len(data)} bytes{renewed}), "
               "the plain sealed PDF. It holds personal data: keep it safe.")


@archive_group.command("encrypt")
@with_appcontext
def encrypt_command() -> None:
    """Encrypt every archived PDF still stored in plain (written before
    FORMAPP_ARCHIVE_ENCRYPTION was on) under the current data key. Safe to interrupt and run
    again."""
    if not evidence().archive.at_rest.encrypt:
        raise click.ClickException("FORMAPP_ARCHIVE_ENCRYPTION is off: turn it on first, or "
                                   "new documents would still be stored in plain.")
    progress = encrypt_archive()
    for failure in progress.failed:
        click.echo(f"FAIL {failure}")
    click.echo(f"{progress.changed} encrypted, {progress.unchanged} were already, "
               f"{len(progress.failed)} failed.")
    if progress.failed:
        raise click.ClickException("some documents were not encrypted: run "
                                   "`formapp verify --all`")


@archive_group.command("renew")
@click.option("--before", "before", type=click.DateTime(["%Y-%m-%d"]),
              help="Renew proofs that lapse before this date (default: a year from today).")
@with_appcontext
def archive_renew_command(before: datetime | None) -> None:
    """Add a document timestamp (PAdES B-LTA) to every archived PDF whose latest timestamp or
    seal certificate expires before the date. Needs FORMAPP_TSA_URL; run it e.g. monthly."""
    limit = (before.replace(tzinfo=UTC) if before
             else datetime.combine(today() + timedelta(days=365), time(), UTC))
    try:
        renewals = renew(limit)
    except DocumentError as exc:
        raise click.ClickException(str(exc)) from exc
    for item in renewals:
        if item.until is None:
            click.echo(f"FAIL {item.sha256} ({item.kind}): {item.problem}")
        else:
            click.echo(f"renewed {item.sha256} ({item.kind}): its proof lapsed "
                       f"{item.expired:%Y-%m-%d}, now {item.until:%Y-%m-%d}")
    failed = sum(item.until is None for item in renewals)
    click.echo(f"{len(renewals) - failed} renewed, {failed} failed (proofs lapsing before "
               f"{limit:%Y-%m-%d}).")
    if failed:
        sys.exit(1)
