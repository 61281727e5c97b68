"""Extraction, update, compile and check on the Babel API; check on temporary catalogs."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from formapp.definitions import message_ids
from formapp.i18n.registry import load_registry
from formapp.translation import catalogs
from formapp.translation.catalogs import check_catalog, placeholders
from formapp.translation.cli import i18n_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> catalogs.I18nConfig:
    return catalogs.load_config(ROOT)


@pytest.fixture(scope="module")
def templates(config: catalogs.I18nConfig) -> dict[str, Catalog]:
    return catalogs.extract_all(config)


def _locations(catalog: Catalog, msgid: object) -> list[str]:
    message = catalog.get(msgid)
    assert message is not None, msgid
    return [path for path, _line in message.locations]


def test_extract_finds_python_templates_and_definitions(templates: dict[str, Catalog]) -> None:
    officer, participant = templates["officer"], templates["messages"]
    # Python, eager and lazy
    assert "formapp/web/auth.py" in _locations(
        officer, "Fel e-postadress eller lösenord, eller kontot är inte aktivt.")
    assert "formapp/webforms/admin.py" in _locations(officer, "Ange din e-postadress.")
    assert "formapp/web/errors.py" in _locations(participant, "Sidan finns inte")
    assert "formapp/domain/personnummer.py" in _locations(
        participant, "Ange personnumret med 12 siffror (ÅÅÅÅMMDD-NNNN).")
    # Jinja templates, with placeholders and plurals
    assert "formapp/templates/home/index.html" in _locations(officer, "Välkommen, %(name)s")
    plural = ("%(num)d behörighet går ut inom 60 dagar. Be administratören förnya den.",
              "%(num)d behörigheter går ut inom 60 dagar. Be administratören förnya dem.")
    assert officer.get(plural) is not None and officer.get(plural).pluralizable
    assert "formapp/templates/base.html" in _locations(participant, "Hoppa till innehållet")
    # every string of the 9448/9449 definitions, located in its TOML file
    definition_ids = message_ids()
    assert len(definition_ids) > 50
    for item in definition_ids:
        assert participant.get(item.msgid) is not None, item
    assert any(path.startswith("forms/9448/") for path in
               _locations(participant, definition_ids[5].msgid))


def test_domains_are_told_apart_by_the_marking_function(templates: dict[str, Catalog]) -> None:
    officer, participant = templates["officer"], templates["messages"]
    assert participant.get("Logga ut") is None and officer.get("Logga ut") is not None
    assert officer.get("Hoppa till innehållet") is None
    assert officer.get("Frågan måste besvaras.") is None


def test_no_string_escapes_the_two_domains() -> None:
    """No ``_``/``gettext`` in templates and no Flask-Babel gettext outside formapp.i18n:
    such a string would land in no catalog's domain by intent."""
    bad = []
    for path in (ROOT / "formapp" / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"(?<![\w.])(_|gettext|ngettext|lazy_gettext)\(|{%-?\s*trans", text):
            bad.append(str(path.relative_to(ROOT)))
    for path in (ROOT / "formapp").rglob("*.py"):
        if "i18n" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"from flask_babel import .*gettext", text):
            bad.append(str(path.relative_to(ROOT)))
    assert bad == []


def _fill(path: Path, locale: str, mutate=None) -> None:
    """Translate every entry (a copy of the source: placeholders and markup match)."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(message.id[-1] for _ in range(catalog.num_plurals))
        else:
            message.string = message.id
        if mutate:
            mutate(message)
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    path.write_bytes(buffer.getvalue())


@pytest.fixture(scope="module")
def complete(tmp_path_factory: pytest.TempPathFactory, config: catalogs.I18nConfig,
             templates: dict[str, Catalog]) -> Path:
    """A temporary catalog directory with every locale completely translated."""
    directory = tmp_path_factory.mktemp("translations")
    registry = load_registry(config.forms / "locales.toml")
    results = catalogs.update(config, registry, templates, directory)
    assert {(r.domain, r.locale) for r in results if r.created} == {
        *(("messages", i) for i in registry.translated_ids), ("officer", "en")}
    empty = catalogs.check(config, registry, templates, directory)
    assert not empty.ok
    assert all(r.untranslated and not r.ok for r in empty.catalogs)
    for result in results:
        _fill(result.path, result.locale)
    return directory


def _copy(complete: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(complete, tmp_path / "translations"))


def _run_check(directory: Path) -> tuple[int, str]:
    result = CliRunner().invoke(i18n_command, ["check", "--translations", str(directory)])
    return result.exit_code, result.output


def test_check_passes_on_a_complete_catalog_directory(complete: Path) -> None:
    code, output = _run_check(complete)
    assert code == 0, output
    assert "all translations complete" in output
    assert "ok   messages  ckb" in output and "ok   officer   en" in output


def test_check_fails_on_untranslated_and_names_the_locale(complete: Path,
                                                         tmp_path: Path) -> None:
    directory = _copy(complete, tmp_path)
    _fill(directory / "ti/LC_MESSAGES/messages.po", "ti",
          lambda m: setattr(m, "string", "") if m.id == "Frågan måste besvaras." else None)
    code, output = _run_check(directory)
    assert code == 1
    assert "FAIL messages  ti     1 untranslated, 0 fuzzy" in output
    assert "untranslated: Frågan måste besvaras." in output
    assert "ok   messages  th" in output


def test_check_fails_on_fuzzy(complete: Path, tmp_path: Path) -> None:
    directory = _copy(complete, tmp_path)
    _fill(directory / "en/LC_MESSAGES/officer.po", "en",
          lambda m: m.flags.add("fuzzy") if m.id == "Logga ut" else None)
    code, output = _run_check(directory)
    assert code == 1 and "FAIL officer   en     0 untranslated, 1 fuzzy" in output


def test_check_fails_on_placeholder_mismatch(complete: Path, tmp_path: Path) -> None:
    directory = _copy(complete, tmp_path)

    def drop_placeholder(message) -> None:
        if message.id == "Välkommen, %(name)s":
            message.string = "Välkommen, %(namn)s"

    _fill(directory / "en/LC_MESSAGES/officer.po", "en", drop_placeholder)
    code, output = _run_check(directory)
    assert code == 1 and "1 placeholder" in output and "%(namn)s" in output


def test_check_fails_on_a_missing_catalog(complete: Path, tmp_path: Path) -> None:
    directory = _copy(complete, tmp_path)
    (directory / "fa_AF/LC_MESSAGES/messages.po").unlink()
    code, output = _run_check(directory)
    assert code == 1 and "FAIL messages  fa_AF  no catalog" in output


def _pair(source: str, translation: str, flags: tuple[str, ...] = ()) -> object:
    template, catalog = Catalog(), Catalog(locale="en")
    template.add(source)
    catalog.add(source, translation, flags=flags)
    return check_catalog(template, catalog, domain="messages", locale="en", path=Path("x"))


def test_check_compares_placeholders_and_markup() -> None:
    assert _pair("Hej %(name)s, %(n)d år", "Hi %(name)s, %(n)d years").ok
    assert _pair("Hej %(name)s, %(n)d år", "%(n)d years, hi %(name)s").ok  # order may change
    assert _pair("Hej %(name)s", "Hi %(name)d").placeholders
    assert _pair("Hej {name}", "Hi").placeholders
    assert _pair("Hej {name}", "Hi {name}").ok
    assert _pair("Läs <strong>noga</strong>", "Read <strong>carefully</strong>").ok
    assert _pair("Läs <strong>noga</strong>", "Read carefully").markup
    assert _pair("Läs <strong>noga</strong>", "Read <em>carefully</em>").markup
    assert _pair("A &amp; B", "A and B").markup
    # "50 % i" is no placeholder; a lone % in a string Flask-Babel formats is an error
    assert placeholders("Arbetar 50 % i veckan") == placeholders("")
    assert _pair("%(p)d procent", "%(p)d % of it").placeholders
    assert _pair("%(p)d procent", "%(p)d %% of it").placeholders  # %% is a placeholder too
    assert not _pair("Hej", "Hi", flags=("fuzzy",)).ok


def test_consent_text_required_for_every_registry_locale(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    shutil.copytree(ROOT / "forms" / "9443" / "texts", texts)
    (texts / "so.toml").unlink()
    registry = load_registry(ROOT / "forms" / "locales.toml")
    missing, mismatch = catalogs._check_consent_texts(texts, registry)
    assert missing == ["so"] and mismatch == []
    (texts / "ar.toml").write_text((texts / "ar.toml").read_text(encoding="utf-8")
                                   .replace('direction = "rtl"', 'direction = "ltr"'),
                                   encoding="utf-8")
    _missing, mismatch = catalogs._check_consent_texts(texts, registry)
    assert mismatch and mismatch[0].startswith("ar: ar.toml says direction = 'ltr'")


def test_update_is_idempotent_and_marks_changed_strings_fuzzy(
        complete: Path, tmp_path: Path, config: catalogs.I18nConfig,
        templates: dict[str, Catalog]) -> None:
    directory = _copy(complete, tmp_path)
    registry = load_registry(config.forms / "locales.toml")
    assert not any(r.written for r in catalogs.update(config, registry, templates, directory))
    changed = Catalog()
    for message in templates["officer"]:
        if message.id:
            msgid = "Du är nu utloggad." if message.id == "Du är utloggad." else message.id
            changed.add(msgid, locations=message.locations)
    catalogs.update(config, registry, {**templates, "officer": changed}, directory)
    with (directory / "en/LC_MESSAGES/officer.po").open("rb") as handle:
        entry = read_po(handle).get("Du är nu utloggad.")
    assert entry is not None and entry.fuzzy and entry.string == "Du är utloggad."


def test_compile_leaves_fuzzy_entries_out(complete: Path, tmp_path: Path,
                                          config: catalogs.I18nConfig) -> None:
    directory = _copy(complete, tmp_path)
    _fill(directory / "en/LC_MESSAGES/officer.po", "en",
          lambda m: (m.flags.add("fuzzy"), setattr(m, "string", "Log out"))
          if m.id == "Logga ut" else setattr(m, "string", "EN"))
    registry = load_registry(config.forms / "locales.toml")
    written = catalogs.compile_catalogs(config, registry, directory)
    assert len(written) == 19
    with (directory / "en/LC_MESSAGES/officer.mo").open("rb") as handle:
        compiled = read_mo(handle)
    assert compiled.get("Logga ut") is None or not compiled.get("Logga ut").string
    assert compiled.get("Spara").string == "EN"
