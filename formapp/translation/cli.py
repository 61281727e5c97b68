"""``formapp i18n``: extract, update, compile and check the catalogs; build the web fonts."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from formapp.translation import catalogs, consent_po, roundtrip
from formapp.translation.webfonts import SUBSETS, build_webfonts, webfont_dir

_translations_option = click.option(
    "--translations", "translations", type=click.Path(file_okay=False, path_type=Path),
    help="Catalog directory (default: [tool.formapp.i18n] translations, i.e. translations/).")


@click.group("i18n")
def i18n_command() -> None:
    """Message catalogs (translations/) and web fonts."""


@i18n_command.command("extract")
def extract_command() -> None:
    """Write translations/messages.pot and officer.pot from code, templates and forms."""
    config = catalogs.load_config()
    for domain, template in catalogs.extract_all(config).items():
        written = catalogs.write_template(config, domain, template)
        count = sum(1 for message in template if message.id)
        click.echo(f"{domain}: {count} strings -> "
                   f"{config.template_path(domain).relative_to(config.root)}"
                   f"{'' if written else ' (unchanged)'}")


@i18n_command.command("update")
@_translations_option
def update_command(translations: Path | None) -> None:
    """Extract, then create or merge every locale's catalog (new strings empty, changed
    ones fuzzy)."""
    config = catalogs.load_config()
    templates = catalogs.extract_all(config)
    for domain, template in templates.items():
        catalogs.write_template(config, domain, template)
    for result in catalogs.update(config, catalogs.registry_for(config), templates,
                                  translations):
        state = "created" if result.created else "updated" if result.written else "unchanged"
        click.echo(f"{result.domain:9} {result.locale:6} {state}")


@i18n_command.command("compile")
@_translations_option
def compile_command(translations: Path | None) -> None:
    """Compile every catalog to .mo (fuzzy entries left out)."""
    config = catalogs.load_config()
    written = catalogs.compile_catalogs(config, catalogs.registry_for(config), translations)
    click.echo(f"compiled {len(written)} catalogs")


@i18n_command.command("check")
@_translations_option
@click.option("--details/--no-details", default=True, show_default=True,
              help="List each problem under its locale.")
def check_command(translations: Path | None, details: bool) -> None:
    """Exit 0 only if every locale's catalogs are complete (no untranslated or fuzzy entry,
    placeholders and markup as in the source) and every locale has its consent text."""
    config = catalogs.load_config()
    registry = catalogs.registry_for(config)
    report = catalogs.check(config, registry, catalogs.extract_all(config), translations)
    for item in report.catalogs:
        mark = "ok  " if item.ok else "FAIL"
        click.echo(f"{mark} {item.domain:9} {item.locale:6} {item.summary()}")
        if details and not item.ok:
            for problem in item.problems():
                click.echo(f"       {problem}")
    consent = config.forms / catalogs.CONSENT_TEXTS
    if report.consent_missing:
        click.echo(f"FAIL consent texts missing in {consent}: "
                   + ", ".join(f"{i}.toml" for i in report.consent_missing))
    for problem in report.consent_mismatch:
        click.echo(f"FAIL consent text {problem}")
    if not report.consent_missing and not report.consent_mismatch:
        click.echo(f"ok   consent texts: all {len(registry.locales)} locales in {consent}")
    for problem in report.formapp_problems:
        click.echo(f"FAIL formapp-samtycke {problem}")
    if report.formapp_pending:
        # Not an error: such a language is not offered with formapp's text until translated.
        click.echo("note formapp-samtycke not yet translated (not offered with it): "
                   + ", ".join(report.formapp_pending))
    for locale, problems in report.glossary.items():
        mark = "FAIL" if problems else "ok  "
        click.echo(f"{mark} glossary  {locale:6} "
                   f"{f'{len(problems)} term(s) rendered otherwise' if problems else 'OK'}")
        if details:
            for problem in problems:
                click.echo(f"       {problem}")
    for locale, counts in report.review.items():
        click.echo(f"{'FAIL' if counts.problems else 'ok  '} review    {locale:6} "
                   f"{counts.summary()}")
        for problem in counts.problems:
            click.echo(f"       {problem}")
    if not report.ok:
        failing = sorted({i.locale for i in report.catalogs if not i.ok}
                         | {locale for locale, problems in report.glossary.items() if problems}
                         | {locale for locale, counts in report.review.items() if counts.problems}
                         | set(report.consent_missing)
                         | {p.split(".toml")[0] for p in report.formapp_problems})
        raise click.ClickException(f"translations incomplete: {', '.join(failing) or 'see above'}")
    click.echo("all translations complete")


def _config(translations: Path | None, forms: Path | None) -> catalogs.I18nConfig:
    config = catalogs.load_config()
    return dataclasses.replace(config, translations=translations or config.translations,
                               forms=forms or config.forms)


_forms_option = click.option(
    "--forms", "forms", type=click.Path(file_okay=False, path_type=Path),
    help="Form definitions directory (default: [tool.formapp.i18n] forms, i.e. forms/).")


@i18n_command.command("export")
@click.option("--locale", "locale", required=True, help="A translated locale, e.g. ku.")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write (default: ./formapp-i18n-<locale>).")
@_translations_option
@_forms_option
def export_command(locale: str, out: Path | None, translations: Path | None,
                   forms: Path | None) -> None:
    """Write what a translator needs for LOCALE: the catalogs and both consent texts as PO
    (Swedish source, review status per string), the glossary (TBX) and a README."""
    directory = out or Path(f"formapp-i18n-{locale}")
    try:
        files = roundtrip.export(_config(translations, forms), locale, directory)
    except roundtrip.RoundTripError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in files:
        click.echo(f"wrote {path}")


@i18n_command.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reviewer", required=True, help="Who reviewed the strings (their name).")
@_translations_option
@_forms_option
def import_command(files: tuple[Path, ...], reviewer: str, translations: Path | None,
                   forms: Path | None) -> None:
    """Take back edited export files: every changed string is checked (placeholders, markup,
    glossary) and marked reviewed by REVIEWER today; a consent text change becomes a draft of
    the text's next version. One problem refuses all files, and nothing is written."""
    try:
        outcomes = roundtrip.import_files(_config(translations, forms), files,
                                          reviewer=reviewer, today=date.today())
    except roundtrip.ImportRefused as exc:
        for outcome in exc.outcomes:
            for problem in outcome.problems:
                click.echo(f"REFUSED {problem}", err=True)
        raise click.ClickException(str(exc)) from exc
    except roundtrip.RoundTripError as exc:
        raise click.ClickException(str(exc)) from exc
    for outcome in outcomes:
        click.echo(f"{outcome.path.name}: {outcome.what} {outcome.locale}: "
                   f"{len(outcome.changes)} string(s) taken, marked reviewed")
        for where, value in outcome.changes:
            click.echo(f"  changed {where} -> {value}")
        for note in outcome.skipped:
            click.echo(f"  skipped {note}")
        for path in outcome.written:
            click.echo(f"  wrote {path}")
        if outcome.what in consent_po.TEXTS and outcome.changes:
            click.echo("  the consent text change is a draft: review it, then "
                       f"`formapp i18n publish-text {outcome.written[0]}`")


@i18n_command.command("publish-text")
@click.argument("draft", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_forms_option
def publish_text_command(draft: Path, forms: Path | None) -> None:
    """Publish a consent text draft (from `formapp i18n import`) as its language's newest
    version: FK 9443 as a new file and manifest entry, formapp's text as its new template
    translation. Nothing published before changes."""
    try:
        version = consent_po.publish_draft(_config(None, forms).forms, draft,
                                           today=date.today())
    except (consent_po.ConsentPoError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"published {version}")


@i18n_command.command("fonts")
@click.option("--force", is_flag=True, help="Rebuild even if the subsets are up to date.")
@with_appcontext
def fonts_command(force: bool) -> None:
    """Subset the Noto fonts per script into WOFF2 (<data dir>/webfonts) and report sizes."""
    directory = webfont_dir(current_app.config)
    fonts = build_webfonts(directory, force=force)
    click.echo(f"web fonts in {directory}:")
    for subset in SUBSETS:
        parts = [f for f in fonts if f.subset == subset.name]
        total = sum(f.bytes for f in parts)
        sizes = ", ".join(f"{f.weight}: {f.bytes:,} B (from {f.source_bytes:,})" for f in parts)
        click.echo(f"  {subset.name:12} {'+'.join(subset.scripts):5} {total:>9,} B  {sizes}")
