"""The ``formapp`` command: a Flask CLI group (run, routes, shell, db …) plus formapp's own."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from formapp.app import create_app

cli = FlaskGroup(create_app=lambda: create_app(), help=__doc__)


def main() -> None:
    cli(prog_name="formapp")
