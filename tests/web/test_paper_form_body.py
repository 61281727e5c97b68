"""The paper forms' body is rendered once per form and question language and filled with each
request's answers: the filled skeleton is exactly what rendering the whole template gives, and
nothing of one request's answers is kept for the next. The pages read each record once."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import event

from formapp.definitions import load_form
from formapp.domain.kommuner import stadsdelar
from formapp.extensions import db
from formapp.i18n import _lp, registry
from formapp.web.paper_form import PaperForm, render_paper_form
from tests.web.registration_helpers import register_one, take_consent
from tests.web.test_consent_flow import officer
from tests.world import build_world

REQUIRED = _lp("Frågan måste besvaras.")
PNR = {"personnummer": "19121212-1212"}
CONTEXT_9448 = {"samverkansorganisation": "Förbund <A> & B", "insats": 'Insats "1"',
                "insats_start": date(2024, 1, 1), "insats_slut": None}
CONTEXT_9449 = {"samverkansorganisation": "Förbund A", "insats": "Insats 1",
                "startdatum": date(2024, 3, 1)}

# (form, answers as typed, messages by field, fixed, context)
CASES = [
    ("9448", {"namn": "Testperson"}, {}, PNR, CONTEXT_9448),
    ("9448", {"namn": '<b>"Örjan" & Co</b>', "startdatum": "2023-01-01", "kommun": "0180",
              "stadsdel": stadsdelar("0180", date(2023, 1, 1))[2], "utbildning": "gymnasium",
              "forsorjning_fore": ["a_kassa", "forsorjningsstod"], "arbetar_fore": "ja",
              "arbete_procent_fore": "40"},
     {"namn": ["Högst 200 tecken.", "<script>"], "stadsdel": [REQUIRED],
      "forsorjning_fore": [REQUIRED, "två"], "arbetar_fore": [REQUIRED],
      "arbete_procent_fore": [REQUIRED]}, PNR, CONTEXT_9448),
    ("9448", {"kommun": "1480", "stadsdel": stadsdelar("1480", date.today())[5],
              "startdatum": "not a date", "forsorjning_tid": "mer_an_9"},
     {"kommun": [REQUIRED], "utbildning": [REQUIRED]}, PNR, CONTEXT_9448),
    ("9448", {}, {"personnummer": [REQUIRED]}, {}, {}),  # nothing fixed, no context
    ("9449", {"namn": "Testperson", "avslutningsanledning": "1",
              "forsorjning_efter": ["ingen"], "arbetar_efter": "ja",
              "arbete_procent_efter": 75, "arbete_typ_efter": "subventionerat"},
     {"avslutningsdatum": [REQUIRED], "arbete_procent_efter": ["1–100"]}, PNR, CONTEXT_9449),
]


@pytest.mark.parametrize("form_id, values, errors, fixed, context", CASES)
def test_the_filled_skeleton_is_the_whole_template_rendered(app: Flask, form_id, values,
                                                            errors, fixed, context) -> None:
    with app.test_request_context("/"):
        for locale_id in ("sv", "en", "ar", "th", "sv"):
            locale = registry()[locale_id]
            form = PaperForm(load_form(form_id), values=dict(values), errors=dict(errors),
                             fixed=dict(fixed), context=dict(context))
            reused = render_paper_form(form, locale)
            assert reused == render_paper_form(form, locale, reuse=False)
            assert f'class="paper-form" lang="{locale.bcp47}"' in reused


def test_one_requests_answers_are_not_kept_for_the_next(app: Flask) -> None:
    secret = "Hemlig Persson"
    with app.test_request_context("/"):
        sv = registry()["sv"]
        definition = load_form("9448")
        first = PaperForm(definition, values={"namn": secret, "kommun": "2480"},
                          errors={"namn": [f"{secret} är fel"]},
                          fixed={"personnummer": "19121212-1212"},
                          context={"samverkansorganisation": secret})
        assert render_paper_form(first, sv).count(secret) == 3  # the skeleton is made now
        second = render_paper_form(PaperForm(definition, fixed={"personnummer": "-"}), sv)
    assert secret not in second and "19121212-1212" not in second
    assert "2480" not in second.split('id="f-kommun"', 1)[1].split("</select>")[0].replace(
        '<option value="2480">', "")  # only as an option, never selected
    kept = app.extensions["formapp.paper_form_skeletons"]
    assert not any(secret in part or "19121212" in part
                   for skeleton in kept.values() for part in skeleton.parts)


def _selects_by_table(app: Flask, browser, url: str) -> Counter[str]:
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert browser.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    return Counter(match.group(1) for statement in statements
                   if statement.lstrip().upper().startswith("SELECT")
                   and (match := re.search(r"\bFROM (\w+)", statement)))


def test_the_form_pages_read_each_record_once(app: Flask) -> None:
    """Not again after the view's audit entry is committed, nor one relation at a time."""
    world = build_world()
    consent = take_consent(app, world)
    registration_id = register_one(app, world)
    browser = officer(app, world)
    for url in (f"/samtycken/{consent.id}/inregistrering",
                f"/registreringar/{registration_id}/utregistrering"):
        browser.get(url)
        selects = _selects_by_table(app, browser, url)
        assert selects and max(selects.values()) == 1, (url, selects)
        assert "insats" not in selects and "forbund" not in selects and (
            "permission_grant" not in selects), (url, selects)  # loaded with what needs them


def test_the_question_language_picker_marks_the_chosen_language(app: Flask) -> None:
    world = build_world()
    consent = take_consent(app, world)
    browser = officer(app, world)
    url = f"/samtycken/{consent.id}/inregistrering"
    for chosen in ("ar", "sv", "fa_AF"):
        html = browser.get(f"{url}?qlang={chosen}").get_data(as_text=True)
        picker = html.split('<select name="qlang"', 1)[1].split("</select>", 1)[0]
        options = re.findall(
            r'<option value="([^"]+)" lang="([^"]+)" dir="(?:ltr|rtl)" (selected)?>', picker)
        assert [code for code, _lang, _sel in options] == list(registry().ids)
        assert [code for code, _lang, selected in options if selected] == [chosen]
        assert (chosen, chosen.replace("_", "-"), "selected") in options
