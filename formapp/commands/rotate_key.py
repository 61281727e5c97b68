"""``formapp rotate-key``: the command around ``formapp.protection.rotation``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from formapp.archive_tools import rewrap_archive
from formapp.extensions import db
from formapp.protection.cipher import MisplacedValue
from formapp.protection.current import forget_keyring, keyring
from formapp.protection.keyring import (
    DATA_VARIABLE,
    LOOKUP_VARIABLE,
    key_file,
    new_key_entry,
    read_key_file,
    write_key_file,
)
from formapp.protection.rotation import BATCH, rotate
from formapp.records.audit import log_event


def _add_development_key(variable: str) -> str:
    """Put a new key first in the data directory's key file (development only)."""
    if current_app.config.get(DATA_VARIABLE) or current_app.config.get(LOOKUP_VARIABLE):
        raise click.ClickException(
            f"The keys come from {DATA_VARIABLE}/{LOOKUP_VARIABLE}: put the new key first in "
            "the variable (keep the old one after it), restart, then run `formapp rotate-key`.")
    path = key_file(current_app.config)
    values = read_key_file(path)
    entry = new_key_entry()
    values[variable] = f"{entry},{values[variable]}"
    write_key_file(path, values)
    forget_keyring()
    return entry.partition(":")[0]


@click.command("rotate-key")
@click.option("--new-data-key", is_flag=True,
              help="Development: add a new data key to <data dir>/data_keys first.")
@click.option("--new-lookup-key", is_flag=True,
              help="Development: add a new lookup key to <data dir>/data_keys first.")
@click.option("--batch", default=BATCH, show_default=True, help="Rows per committed batch.")
@with_appcontext
def rotate_key_command(new_data_key: bool, new_lookup_key: bool, batch: int) -> None:
    """Re-encrypt every personal value with the current (first) data key and recompute the
    lookup hashes with the current lookup key. Safe to interrupt and run again."""
    if new_data_key:
        click.echo(f"New data key {_add_development_key(DATA_VARIABLE)} added.")
    if new_lookup_key:
        click.echo(f"New lookup key {_add_development_key(LOOKUP_VARIABLE)} added.")
    ring = keyring()
    # The archive's document keys first: the old data key's check value is dropped at the
    # end, and nothing may still need that key then.
    archive = rewrap_archive()
    for failure in archive.failed:
        click.echo(f"FAIL {failure}")
    if archive.failed:
        raise click.ClickException("archived documents whose key could not be re-wrapped: "
                                   "keep every old data key and run `formapp verify --all`")
    click.echo(f"  archive: {archive.changed} document keys re-wrapped")
    try:
        report = rotate(db.session(), ring, db.metadata, batch=batch)
    except MisplacedValue as exc:
        db.session.rollback()  # the batches before it are committed: run again once resolved
        raise click.ClickException(
            f"{exc}. Not re-encrypted: that would make it pass for the row's own value. Run "
            "`formapp verify --all` for every such value, restore them (e.g. from a backup), "
            "then run `formapp rotate-key` again.") from exc
    for purpose, count in report.reencrypted.items():
        click.echo(f"  {purpose}: {count} re-encrypted")
    click.echo(f"  person.personnummer_hmac: {report.rehashed} recomputed")
    log_event(actor=None, action="keys.rotated", subject="data_keys",
              why="formapp rotate-key",
              details={"data_key": report.data_key_id, "lookup_key": report.lookup_key_id,
                       "reencrypted": report.total, "rehashed": report.rehashed,
                       "archive_rewrapped": archive.changed})
    db.session.commit()
    click.echo(f"Every value is under data key {report.data_key_id} and every lookup hash "
               f"under lookup key {report.lookup_key_id}.")
    old_data = [k for k in ring.data_keys if k != report.data_key_id]
    if old_data:
        click.echo(f"Data keys no longer needed (remove them from {DATA_VARIABLE}): "
                   f"{', '.join(old_data)}.")
    old_lookup = [k for k in ring.lookup_keys if k != report.lookup_key_id]
    if old_lookup:
        click.echo(f"Older lookup keys ({', '.join(old_lookup)}) still find audit entries "
                   "written under them and check their MACs (the trail is never "
                   "rewritten): keep them listed for that.")
