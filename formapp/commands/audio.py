"""``formapp audio``: what participants can listen to, and machine readings made in advance."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from formapp.extensions import db
from formapp.readaloud.machine import MachineReadingError, cache_dir
from formapp.records.models import Forbund
from formapp.records.read_aloud import audio_listing


@click.group("audio")
def audio_command() -> None:
    """Read aloud: recordings and machine readings of the consent texts (issue 19)."""


def _forbund(forbund_id: int | None) -> list[Forbund | None]:
    if forbund_id is not None:
        forbund = db.session.get(Forbund, forbund_id)
        if forbund is None:
            raise click.ClickException(f"No förbund with id {forbund_id}.")
        return [forbund]
    found: list[Forbund | None] = list(db.session.scalars(select(Forbund).order_by(Forbund.id)))
    return found or [None]  # no förbund yet: the built-in texts


@audio_command.command("list")
@click.option("--forbund", "forbund_id", type=int, help="Only this förbund (its id).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@with_appcontext
def list_command(forbund_id: int | None, as_json: bool) -> None:
    """Per locale, the audio of each current text version: source (recorded or machine),
    SHA-256 and seconds. Machine readings not yet made are made now."""
    cache = cache_dir(current_app.config)
    try:
        listing = {"forbund": [audio_listing(f, cache) for f in _forbund(forbund_id)]}
    except MachineReadingError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    for forbund in listing["forbund"]:
        click.echo(forbund["name"] or "(built-in texts)")
        for locale, entry in forbund["locales"].items():
            audio = entry["audio"]
            if not audio:
                what = "NEEDS A RECORDING" if entry["needs_recording"] else "no audio"
            elif audio[0]["source"] == "recorded":
                what = f"recorded {audio[0]['sha256']} {audio[0]['seconds']:.1f} s"
            else:
                seconds = sum(a["seconds"] for a in audio)
                what = f"machine ({audio[0]['voice']}), {len(audio)} sections, {seconds:.1f} s"
            click.echo(f"  {locale:6} {entry['text_version']:24} {what}")


@audio_command.command("generate")
@click.option("--forbund", "forbund_id", type=int, help="Only this förbund (its id).")
@with_appcontext
def generate_command(forbund_id: int | None) -> None:
    """Make every machine reading in advance (otherwise each is made at its first play)."""
    cache = cache_dir(current_app.config)
    try:
        for forbund in _forbund(forbund_id):
            audio_listing(forbund, cache)
    except MachineReadingError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Machine readings are in {cache}.")
