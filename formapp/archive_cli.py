"""``formapp archive export|encrypt``: the commands around ``formapp.archive_tools``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from formapp.archive_tools import ExportError, encrypt_archive, export_document
from formapp.evidence import evidence
from formapp.private_files import write_private


@click.group("archive")
def archive_group() -> None:
    """The archive of sealed PDFs: export one in plain, encrypt those stored in plain."""


@archive_group.command("export")
@click.argument("ident", metavar="ID")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (readable by you only).")
@with_appcontext
def export_command(ident: str, out: Path) -> None:
    """Write the plain sealed PDF named by ID (its SHA-256, or a consent's id) to OUT, as it
    was sealed, whether or not the archive keeps it encrypted. The export is audited."""
    try:
        document, data = export_document(ident)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    write_private(out, data)
    click.echo(f"wrote {out}: {document.kind} {document.sha256} ({len(data)} bytes), "
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
