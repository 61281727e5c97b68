"""The ``formapp`` command's entry point: Flask's CLI group, with formapp's commands loaded on use.

Start-up cost is the one reason for this module: ``formapp --help`` (and ``formapp run``) must
not import the record store, the PDF stack, pyHanko or the benchmark (issue 16). So the group
knows each command by name, module and one-line help, and imports the module only when that
command runs (or its own ``--help`` is asked for). The commands themselves live in
``formapp.cli``, in ``formapp.commands`` (those of a foundation package that need the record
store) and in the ``cli`` modules of the packages above ``records``.

A new command: write it (in ``formapp.cli``, decorated ``@cli.command``, or in one of those
modules) and add its line to ``COMMANDS``; tests/test_cli.py checks the two agree.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click
from flask.cli import FlaskGroup

if TYPE_CHECKING:
    from flask import Flask


@dataclass(frozen=True)
class LazyCommand:
    """Where a command is (``module:attribute``) and its one-line help for ``--help``."""

    target: str
    help: str


def _own(attribute: str, help: str) -> LazyCommand:
    return LazyCommand(f"formapp.cli:{attribute}", help)


COMMANDS: dict[str, LazyCommand] = {
    "archive": LazyCommand("formapp.archive_cli:archive_group",
                          "The archive of sealed PDFs: export, encryption at rest, long-term "
                          "proof."),
    "audio": LazyCommand("formapp.commands.audio:audio_command",
                         "Read aloud: recordings and machine readings of the consent texts "
                         "(issue 19)."),
    "audit": _own("audit_group", "The audit trail of personal data: verify its hash chain."),
    "backup": _own("backup_command",
                   "Write the database (one snapshot) and the archived PDFs it names to OUT."),
    "bench": LazyCommand("formapp.bench.cli:bench_command",
                         "Time formapp's cases against their floors in a fresh, throw-away app "
                         "(a few minutes)."),
    "create-user": _own("create_user_command",
                        "Create a user; asks for the password unless --password-stdin."),
    "db": LazyCommand("flask_migrate.cli:db", "Perform database migrations."),
    "demo": _own("demo_command",
                 "Load the demo förbund, insatser and users (never in production)."),
    "export-excel": LazyCommand("formapp.excel_cli:export_excel_command",
                                "Write closed participations as an .xlsx (the fields of "
                                "seeds/000)."),
    "i18n": LazyCommand("formapp.translation.cli:i18n_command",
                        "Message catalogs (translations/) and web fonts."),
    "import-excel": LazyCommand("formapp.excel_cli:import_excel_command",
                                "Check every row of a participant sheet and import it into an "
                                "insats."),
    "maintenance": _own("maintenance_command",
                        "Finish or remove what crashes left in the archive and purge abandoned "
                        "consent drafts (FORMAPP_DRAFT_PURGE_HOURS)."),
    "restore": _own("restore_command",
                    "Restore a backup into an empty, migrated database and a new data "
                    "directory."),
    "retention": _own("retention_group",
                      "Dispose of consents and participations past their retention period."),
    "rotate-key": LazyCommand("formapp.commands.rotate_key:rotate_key_command",
                              "Re-encrypt every personal value with the current (first) data "
                              "key and recompute the lookup hashes with the current lookup "
                              "key."),
    "sample-pdf": _own("sample_pdf_command",
                       "Write a sealed sample consent PDF/A-3b with clearly fake data for one "
                       "language."),
    "verify": _own("verify_command",
                   "Check sealed PDFs: seal intact and trusted, hash as in the database; each "
                   "line says the time the check relied on (a timestamp's, or the seal's own "
                   "signing time)."),
}


class LazyFlaskGroup(FlaskGroup):
    """FlaskGroup whose commands are imported when used; listing them imports nothing.

    Unlike FlaskGroup, listing does not load the app to ask for ``app.cli`` commands: formapp
    registers none there (a name not in ``COMMANDS`` still goes to FlaskGroup, app included).
    """

    def __init__(self, lazy: dict[str, LazyCommand], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy and name not in self.commands:
            module, _, attribute = self.lazy[name].target.partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click's, with the registered help of commands not imported yet."""
        commands: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            loaded = self.commands.get(name)
            command = loaded or click.Command(name, help=self.lazy[name].help)
            if not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit))
                                    for name, command in commands])


def _create_app() -> Flask:
    from formapp.app import create_app  # the app only when a command needs it (start-up)

    return create_app()


cli = LazyFlaskGroup(COMMANDS, create_app=_create_app,
                     help="formapp: consent, registration and follow-up for samordningsförbund.")


def main() -> None:
    try:
        cli(prog_name="formapp")
    except Exception as exc:
        # A missing or wrong setting: its message, not a traceback. A ConfigError comes only
        # from formapp.config, loaded by then; importing it here would cost --help its speed.
        config = sys.modules.get("formapp.config")
        if config is None or not isinstance(exc, config.ConfigError):
            raise
        sys.exit(f"formapp: {exc}")
