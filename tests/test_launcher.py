"""``formapp`` starts without importing what only some commands need (issue 16), and its list
of commands agrees with the commands that exist."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

import formapp.cli  # noqa: F401  (registers formapp's own commands on the group)
from formapp.launcher import COMMANDS, cli

# What `formapp --help` must not import: the record store, the web layer, the PDF stack,
# pyHanko, the benchmark and the peer's WeasyPrint.
HEAVY = ("formapp.cli", "formapp.app", "formapp.web", "formapp.records", "formapp.documents",
         "formapp.bench", "sqlalchemy", "reportlab", "pyhanko", "pikepdf", "weasyprint")


def _imported_after(code: str) -> list[str]:
    """The modules a fresh interpreter holds after ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=120)
    return json.loads(done.stdout.splitlines()[-1])


def _heavy(modules: list[str], names: tuple[str, ...] = HEAVY) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


def test_help_imports_nothing_heavy() -> None:
    modules = _imported_after(
        "from formapp.launcher import cli\n"
        "try:\n"
        "    cli.main(['--help'], prog_name='formapp')\n"
        "except SystemExit:\n"
        "    pass")
    assert "formapp.launcher" in modules
    assert _heavy(modules) == []


def test_the_app_imports_neither_the_bench_nor_the_cli() -> None:
    """What `formapp run` loads: the app, not the benchmark (nor its WeasyPrint)."""
    modules = _imported_after("from formapp.app import create_app")
    assert _heavy(modules, ("formapp.bench", "formapp.cli", "weasyprint")) == []


def test_the_running_app_never_imports_the_tooling() -> None:
    """The app made, with every blueprint and the import's pages: no synthetic or demo data
    (formapp.tooling is for the bench, the tests and `formapp demo` alone)."""
    modules = _imported_after(
        "import tempfile\n"
        "from formapp.app import create_app\n"
        "create_app({'TESTING': True, 'FORMAPP_DATA_DIR': tempfile.mkdtemp(),\n"
        "            'SQLALCHEMY_DATABASE_URI': 'sqlite://'})")
    assert "formapp.web.import_progress" in modules and "formapp.cases.importing" in modules
    assert _heavy(modules, ("formapp.tooling", "formapp.bench", "formapp.cli")) == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_listed_command_loads_with_the_listed_help(name: str) -> None:
    ctx = click.Context(cli)
    command = cli.get_command(ctx, name)
    assert command is not None, name
    listed = click.Command(name, help=COMMANDS[name].help)
    for limit in (40, 60, 200):
        assert listed.get_short_help_str(limit) == command.get_short_help_str(limit), name


def test_every_command_is_listed() -> None:
    """A command added to formapp.cli needs its line in formapp.launcher.COMMANDS."""
    builtin = {"run", "shell", "routes"}  # Flask's own
    assert set(cli.commands) - builtin <= set(COMMANDS)


def test_help_lists_the_commands() -> None:
    result = subprocess.run([sys.executable, "-m", "formapp", "--help"], capture_output=True,
                            text=True, check=True, timeout=120)
    for name in (*COMMANDS, "run", "routes"):
        assert f"\n  {name} " in result.stdout, name
    assert "Load the demo förbund" in result.stdout
