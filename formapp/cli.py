"""formapp's own commands of ``formapp`` (the group and its entry point: formapp.launcher)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from formapp.archive_check import maintain, verify_all, verify_files
from formapp.backup import BackupError, backup, restore
from formapp.cases.accounts import UserInput, grant_role, save_user
from formapp.cases.retention import dispose
from formapp.clock import today
from formapp.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
from formapp.documents.consent import FORMAPP_TEXT
from formapp.documents.consent_pdf import render_consent_pdf
from formapp.documents.errors import DocumentError
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.launcher import cli
from formapp.launcher import main as launcher_main
from formapp.records.audit import checkpoint, verify_chain
from formapp.records.errors import RuleViolation
from formapp.records.models import Forbund, Role
from formapp.records.retention import plan_retention
from formapp.tooling.sample_consent import SAMPLE_NAME, SAMPLE_PERSONNUMMER, TEXTS, sample_document


@cli.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo förbund, insatser and users (never in production)."""
    if not current_app.config["FORMAPP_DEMO_ALLOWED"]:
        raise click.ClickException("Demo data is never loaded in production (FORMAPP_ENV).")
    created = load_demo(today())
    db.session.commit()
    if created:
        click.echo("Demo data loaded. Log in with one of these (password "
                   f"{DEMO_PASSWORD!r}):")
    else:
        click.echo("Demo data already present. Users (password "
                   f"{DEMO_PASSWORD!r}):")
    for user in DEMO_USERS:
        roles = ", ".join(r.value for r in user.roles) or "system administrator"
        click.echo(f"  {user.email:34} {roles}")


@cli.command("create-user")
@click.argument("email")
@click.option("--name", "full_name", required=True, help="Full name, shown in the UI.")
@click.option("--forbund", "forbund_name",
              help="The förbund's exact name (not with --system-admin).")
@click.option("--system-admin", is_flag=True, help="Creates förbund and their administrators.")
@click.option("--role", "roles", multiple=True,
              type=click.Choice([r.value for r in Role if r != Role.DELTAGARANSVARIG]),
              help="A förbund-wide permission for two years; repeat for several.")
@click.option("--employed-by-forbund", is_flag=True, help="An employee of the förbund.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(email: str, full_name: str, forbund_name: str | None,
                        system_admin: bool, roles: tuple[str, ...], employed_by_forbund: bool,
                        password_stdin: bool) -> None:
    """Create a user; asks for the password unless --password-stdin."""
    if system_admin == bool(forbund_name):
        raise click.UsageError("Give either --forbund NAME or --system-admin.")
    forbund = None
    if forbund_name:
        forbund = db.session.scalar(select(Forbund).where(Forbund.name == forbund_name))
        if forbund is None:
            raise click.ClickException(f"No förbund named {forbund_name!r}.")
    if system_admin and roles:
        raise click.UsageError("A system administrator holds no förbund permissions.")
    password = sys.stdin.readline().rstrip("\n") if password_stdin else click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    day = today()
    try:
        user = save_user(forbund, UserInput(email=email, full_name=full_name, password=password,
                                            employed_by_forbund=employed_by_forbund,
                                            is_system_admin=system_admin), today=day)
        for role in roles:
            grant_role(user, Role(role), valid_from=day, valid_until=None, insats=None,
                       granted_by=None, today=day)
    except RuleViolation as violation:
        db.session.rollback()
        raise click.ClickException(f"{violation.field}: {violation.message}") from violation
    db.session.commit()
    click.echo(f"Created {user.email} (id {user.id}).")


@cli.command("sample-pdf")
@click.argument("form", type=click.Choice(["9443"]))
@click.option("--lang", "locale", required=True,
              help="Locale id of the text read (sv, ar, fa_AF …).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", default=SAMPLE_NAME, show_default=True)
@click.option("--personnummer", default=SAMPLE_PERSONNUMMER, show_default=True)
@click.option("--unsealed", is_flag=True, help="Skip the seal (to look at the layout alone).")
@click.option("--text", "text", type=click.Choice(TEXTS), default=FORMAPP_TEXT,
              show_default=True,
              help="formapp's own text (filled in for a sample förbund) or FK 9443's.")
@with_appcontext
def sample_pdf_command(form: str, locale: str, out: Path, name: str, personnummer: str,
                       unsealed: bool, text: str) -> None:
    """Write a sealed sample consent PDF/A-3b with clearly fake data for one language."""
    try:
        document = sample_document(
            locale, name, personnummer, text=text,
            retention_years=current_app.config["FORMAPP_RETENTION_YEARS"])
        data = render_consent_pdf(document, sealable=not unsealed)
        if not unsealed:
            data = evidence().sealer.seal(data, reason="EXEMPEL – inte ett riktigt samtycke")
    except DocumentError as exc:
        raise click.ClickException(str(exc)) from exc
    out.write_bytes(data)
    state = "unsealed" if unsealed else "sealed"
    click.echo(f"wrote {out} ({len(data)} bytes, FK {form}, {text}, {locale}, {state})")


@cli.command("verify")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "check_all", is_flag=True,
              help="Check every archived document and report orphans either way.")
@click.option("--at", "at", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
              help="Validate as of this UTC time instead of now (would the proof still hold?).")
@with_appcontext
def verify_command(files: tuple[Path, ...], check_all: bool, at: datetime | None) -> None:
    """Check sealed PDFs: seal intact and trusted, hash as in the database; each line says the
    time the check relied on (a timestamp's, or the seal's own signing time). Exit 0 if all
    is."""
    if not files and not check_all:
        raise click.UsageError("Give PDF files to check, or --all.")
    moment = at.replace(tzinfo=UTC) if at else None
    findings = verify_files(files, moment) + (verify_all(at=moment) if check_all else [])
    for finding in findings:
        click.echo(f"{'OK  ' if finding.ok else 'FAIL'} {finding.subject}: {finding.message}")
    failed = sum(not f.ok for f in findings)
    click.echo(f"{len(findings) - failed} OK, {failed} failed.")
    if failed:
        sys.exit(1)


@cli.command("maintenance")
@click.option("--min-age", "min_age", default=600, show_default=True,
              help="Leave files younger than this many seconds (a transaction may be running).")
@with_appcontext
def maintenance_command(min_age: int) -> None:
    """Finish or remove what crashes left in the archive and purge abandoned consent drafts
    (FORMAPP_DRAFT_PURGE_HOURS). Safe to run at any time, e.g. hourly from cron."""
    for finding in maintain(min_age):
        click.echo(f"{finding.subject}: {finding.message}")


@cli.command("backup")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="A new, empty directory.")
@with_appcontext
def backup_command(out: Path) -> None:
    """Write the database (one snapshot) and the archived PDFs it names to OUT."""
    try:
        summary = backup(out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up {sum(summary.rows.values())} rows in {len(summary.rows)} tables and "
               f"{summary.files} archived PDFs to {out}. It holds personal data: keep it safe.")


@cli.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(source: Path) -> None:
    """Restore a backup into an empty, migrated database and a new data directory."""
    try:
        summary = restore(source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {sum(summary.rows.values())} rows and {summary.files} archived PDFs. "
               "Now run `formapp verify --all` and `formapp audit verify`.")


@cli.group("retention")
def retention_group() -> None:
    """Dispose of consents and participations past their retention period."""


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Say what would go; change nothing.")
@with_appcontext
def retention_run_command(dry_run: bool) -> None:
    """Dispose of what is past FORMAPP_RETENTION_YEARS and say exactly what."""
    years = current_app.config["FORMAPP_RETENTION_YEARS"]
    plan = plan_retention(today(), years)
    verb = "Would dispose of" if dry_run else "Disposed of"
    for item in plan.disposals:
        what = f"consent {item.consent_id} ({item.insats}; {item.reason})"
        if item.registration_id is not None:
            what += f", participation {item.registration_id}"
        if item.person_removed:
            what += ", and the person (nothing else left)"
        click.echo(f"{verb} {what}; {len(item.documents)} sealed PDFs")
    if not dry_run:
        dispose(plan)
        db.session.commit()
    click.echo(f"{verb} {len(plan.disposals)} consents and {plan.documents} PDFs "
               f"(retention {years} years: before {plan.cutoff.isoformat()}).")


@cli.group("audit")
def audit_group() -> None:
    """The audit trail of personal data: verify its hash chain."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command() -> None:
    """Recompute the chain against its head and its sealed checkpoints: exit 0 only if no
    entry was changed, removed or inserted; then seal a new checkpoint."""
    report = verify_chain()
    for problem in report.problems:
        click.echo(f"FAIL {problem}")
    click.echo(f"{report.entries} entries, {report.checkpoints} checkpoints, "
               f"{len(report.problems)} problems.")
    if not report.ok:
        click.echo("No checkpoint written: the chain has problems.")
        sys.exit(1)
    try:
        written = checkpoint(report)
    except DocumentError as exc:
        raise click.ClickException(f"checkpoint not written: {exc}") from exc
    if written is not None:
        click.echo(f"Sealed checkpoint: {written}")


def main() -> None:
    """The console script of an install made before the entry moved to formapp.launcher."""
    launcher_main()
