"""FK 9448 / 9449 as PDF/A-3b, generated from the definitions: every option word for word, the
chosen ones marked in the text layer (☒/☐), questions not asked shown as "Ej aktuellt"."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from formapp.definitions import FormDefinition, check, default_forms_dir, load_form, load_form_file
from formapp.definitions.form_pdf import CELL_TYPES, NOT_ASKED, asked_fields, render_form_pdf
from formapp.documents.page import CHECKED, UNCHECKED
from formapp.documents.pdfa import pdfa3b_violations

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils is not installed (make system-deps)")

FORBUND = "Samordningsförbundet Exempelstad"
INSATS = "Steget vidare"
CREATED = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)

ANSWERS_9448: dict[str, Any] = {
    "personnummer": "19121212-1212", "namn": "Testperson Exempelsson",
    "startdatum": "2025-01-10", "kommun": "0180", "stadsdel": "Kungsholmen",
    "utbildning": "gymnasium", "forsorjning_tid": "upp_till_2",
    "forsorjning_fore": ["sjukpenning", "studiestod"], "aktivt_arbetssokande_fore": "nej",
    "arbetar_fore": "ja", "arbete_procent_fore": 50, "arbete_typ_fore": "subventionerat",
    "studerar_fore": "ja", "studie_procent_fore": 25,
}
CONTEXT_9448 = {"samverkansorganisation": FORBUND, "insats": INSATS,
                "insats_start": date(2024, 1, 1)}
AFTER_9449: dict[str, Any] = {
    "forsorjning_efter": ["ingen"], "aktivt_arbetssokande_efter": "ja", "arbetar_efter": "ja",
    "arbete_procent_efter": 100, "arbete_typ_efter": "inte_subventionerat",
    "studerar_efter": "nej",
}
CONTEXT_9449 = {"samverkansorganisation": FORBUND, "insats": INSATS,
                "startdatum": date(2025, 1, 10)}


def _cleaned(definition: FormDefinition, answers: Mapping[str, Any],
             context: Mapping[str, Any]) -> Mapping[str, Any]:
    checked = check(definition, answers, today=date(2025, 7, 1), context=context)
    assert checked.ok, {k: [str(m) for m in v] for k, v in checked.errors.items()}
    return checked.values


def _answers_9449(reason: str) -> dict[str, Any]:
    answers: dict[str, Any] = {"personnummer": "19121212-1212", "namn": "Testperson Exempelsson",
                               "avslutningsdatum": "2025-06-10", "avslutningsanledning": reason}
    if reason not in ("6", "7", "8"):
        answers.update(AFTER_9449)
    return answers


def _render(definition: FormDefinition, values: Mapping[str, Any], context: Mapping[str, Any],
            document_id: str, record: Mapping[str, Any] | None = None,
            validate: bool = False) -> bytes:
    return render_form_pdf(definition, values, document_id=document_id, forbund=FORBUND,
                           insats=INSATS, officer="Handläggare Exempel",
                           record=record or {"form": definition.id, "document_id": document_id},
                           context=context, created=CREATED, validate=validate)


def _record(values: Mapping[str, Any]) -> dict[str, Any]:
    """A record as the records layer would store it: JSON types only."""
    def plain(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, tuple):
            return list(value)
        return getattr(value, "digits", value)

    return {k: plain(v) for k, v in values.items()} | {"kommun_namn": "Stockholm"}


@pytest.fixture(scope="module")
def doc_9448() -> tuple[bytes, Mapping[str, Any], dict[str, Any]]:
    definition = load_form("9448")
    values = _cleaned(definition, ANSWERS_9448, CONTEXT_9448)
    record = _record(values)
    return (_render(definition, values, CONTEXT_9448, "DOC-9448", record, validate=True), values,
            record)


def _text(data: bytes, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")


def _marked(text: str, label: str) -> str | None:
    """The marker in front of ``label`` (☒, ☐), or None when it has none; the label ends its
    line or the next option's marker follows (short lists run on after their question)."""
    match = re.search(rf"([{CHECKED}{UNCHECKED}]) {re.escape(label)}(?=$| [{CHECKED}{UNCHECKED}])",
                      text, re.MULTILINE)
    return match.group(1) if match else None


def test_9448_is_pdfa3b_with_record(doc_9448: tuple[bytes, Mapping[str, Any], dict]) -> None:
    data, _, record = doc_9448
    assert pdfa3b_violations(data) == []
    assert data[:8] in (b"%PDF-1.4", b"%PDF-1.5", b"%PDF-1.6", b"%PDF-1.7")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        spec = pdf.attachments["record.json"]
        assert spec.obj.AFRelationship == pikepdf.Name.Data
        assert json.loads(spec.get_file().read_bytes()) == record
        assert len(pdf.pages) == 1  # as the paper form


@needs_poppler
def test_9448_shows_every_option_word_for_word_and_marks_the_chosen(
        doc_9448: tuple[bytes, Mapping[str, Any], dict]) -> None:
    data, values, _ = doc_9448
    definition = load_form("9448")
    text = _text(data)
    for name in ("utbildning", "forsorjning_tid", "forsorjning_fore", "arbete_typ_fore"):
        field = definition.field(name)
        assert field.options is not None
        chosen = values[name] if isinstance(values[name], tuple) else (values[name],)
        for option in field.options.options:
            expected = CHECKED if option.code in chosen else UNCHECKED
            assert _marked(text, option.label) == expected, (name, option.label)
    assert text.count(f"{CHECKED} Ja") == 2 and text.count(f"{CHECKED} Nej") == 1
    assert text.count(f"{UNCHECKED} Ja") == 1 and text.count(f"{UNCHECKED} Nej") == 2
    # Every question's wording and help, the identifying cells, the footer.
    for field in definition.fields.values():
        if field.type in CELL_TYPES:  # a cell: its paper label says it (kommun: folkbokföring)
            continue
        for paragraph in field.help:
            assert paragraph in text.replace("\n", " "), paragraph
    for needle in ("Underlag", "Inregistrering av deltagare", "1. Uppgifter om deltagaren",
                   "2. Måttillfälle - inregistrering", "Samverkansorganisation", FORBUND,
                   "19121212-1212", "Testperson Exempelsson", "Inregistrering", "2025-01-10",
                   "Stockholm (0180)", "Kungsholmen", definition.footer, "Dokument-id DOC-9448",
                   "1 (1)", "Handläggare Exempel", "2024-01-01"):
        assert needle in text, needle
    # A question and its answer on one line of the page (pdftotext's reading order may put a
    # percent after the columns that follow it, so the physical layout is asked for).
    layout = _text(data, "-layout")
    assert re.search(r"arbetar: +50 %", layout) and re.search(r"studerar: +25 %", layout)
    assert re.search(r"före denna insats\? +☒ Ja +☐ Nej", layout)
    assert NOT_ASKED not in text  # everything was asked


@needs_poppler
def test_questions_not_asked_show_ej_aktuellt_and_no_boxes() -> None:
    definition = load_form("9448")
    answers = {**ANSWERS_9448, "kommun": "1280", "arbetar_fore": "nej", "studerar_fore": "nej"}
    for name in ("stadsdel", "arbete_procent_fore", "arbete_typ_fore", "studie_procent_fore"):
        del answers[name]
    values = _cleaned(definition, answers, CONTEXT_9448)
    text = _text(_render(definition, values, CONTEXT_9448, "DOC-9448-nej"))
    assert "Malmö (1280)" in text
    assert text.count(NOT_ASKED) == 4  # stadsdel, both percents, the kind of work
    for option in definition.field("arbete_typ_fore").options.options:  # type: ignore[union-attr]
        assert option.label not in text


@needs_poppler
def test_9449_reason_1_marks_the_reason_and_the_after_block() -> None:
    definition = load_form("9449")
    values = _cleaned(definition, _answers_9449("1"), CONTEXT_9449)
    data = _render(definition, values, CONTEXT_9449, "DOC-9449", validate=True)
    assert pdfa3b_violations(data) == []
    text = _text(data)
    reasons = definition.field("avslutningsanledning").options
    assert reasons is not None
    for option in reasons.options:
        expected = CHECKED if option.code == "1" else UNCHECKED
        assert _marked(text, f"{option.code} {option.label}") == expected, option.code
    assert _marked(text, "Ingen offentlig försörjning") == CHECKED
    assert _marked(text, "inte subventionerat arbete") == CHECKED
    assert reasons.get("1").help.split(" (")[0] in text  # the chosen reason explained
    assert re.search(r"arbetar: +100 %", _text(data, "-layout"))
    assert "Startdatum (inregistrering)" in text and "2025-01-10" in text
    assert definition.footer in text and "2. Måttillfälle - utregistrering" in text


@needs_poppler
@pytest.mark.parametrize("dirty", [False, True])
def test_9449_reason_7_shows_no_after_block_answers(dirty: bool) -> None:
    definition = load_form("9449")
    values: Mapping[str, Any] = _cleaned(definition, _answers_9449("7"), CONTEXT_9449)
    if dirty:  # a caller passing answers the form did not ask: never drawn
        values = {**values, **AFTER_9449, "forsorjning_efter": ("ingen",)}
    data = _render(definition, values, CONTEXT_9449, "DOC-9449-7")
    text = _text(data)
    after = text.split("2. Måttillfälle - utregistrering", 1)[1]
    assert f"{NOT_ASKED}: Avslutningsanledning är ”7 Utskrivning - utan mätning”." in after
    assert CHECKED not in after and UNCHECKED not in after
    assert text.count(CHECKED) == 1 and _marked(text, "7 Utskrivning - utan mätning") == CHECKED
    for field in definition.section_fields(definition.sections[1]):
        assert field.label not in after
    assert "100" not in after and "Ingen offentlig försörjning" not in after


def test_asked_fields_follows_the_conditions() -> None:
    definition = load_form("9449")
    asked = asked_fields(definition, {"avslutningsanledning": "8", "arbetar_efter": "ja"})
    assert not asked["arbetar_efter"] and not asked["arbete_procent_efter"]
    asked = asked_fields(definition, {"avslutningsanledning": "9", "arbetar_efter": True})
    assert asked["arbetar_efter"] and asked["arbete_procent_efter"]
    assert not asked["studie_procent_efter"]


@needs_poppler
def test_a_change_of_the_form_is_a_change_of_data(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(default_forms_dir(), forms)
    path = forms / "9448" / "form.toml"
    source = path.read_text(encoding="utf-8")
    changed = source.replace('label = "Saknas/okänd"', 'label = "Uppgift saknas eller okänd"')
    assert changed != source
    path.write_text(changed.replace("(002.F.001)", "(003.F.001)"), encoding="utf-8")
    definition = load_form_file(path, forms_dir=forms)
    answers = {**ANSWERS_9448, "utbildning": "saknas"}
    text = _text(_render(definition, _cleaned(definition, answers, CONTEXT_9448),
                         CONTEXT_9448, "DOC-X"))
    assert _marked(text, "Uppgift saknas eller okänd") == CHECKED
    assert "Saknas/okänd" not in text
    assert "FK 9448 (003.F.001) Fastställt av Försäkringskassan" in text
