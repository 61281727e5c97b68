"""validate()/check() on the real FK 9448 and 9449 definitions: every rule, both ways."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from formapp.definitions import FormDefinition, check, load_form, validate
from formapp.domain.personnummer import Personnummer

TODAY = date(2025, 6, 15)
CONTEXT_9448 = {"samverkansorganisation": "Samordningsförbundet Test", "insats": "Steget",
                "insats_start": date(2024, 1, 1), "insats_slut": date(2025, 12, 31)}
CONTEXT_9449 = {"samverkansorganisation": "Samordningsförbundet Test", "insats": "Steget",
                "startdatum": date(2024, 3, 1)}


@pytest.fixture(scope="module")
def f9448() -> FormDefinition:
    return load_form("9448")


@pytest.fixture(scope="module")
def f9449() -> FormDefinition:
    return load_form("9449")


def inreg(**changes: Any) -> dict[str, Any]:
    """A complete, valid FK 9448, as a form post would give it (strings)."""
    answers: dict[str, Any] = {
        "personnummer": "19900101-0017",
        "namn": "Anna  Andersson ",
        "startdatum": "2024-03-01",
        "kommun": "1280",
        "utbildning": "gymnasium",
        "forsorjning_tid": "upp_till_3",
        "forsorjning_fore": ["forsorjningsstod", "sjukpenning"],
        "aktivt_arbetssokande_fore": "ja",
        "arbetar_fore": "nej",
        "studerar_fore": "nej",
    }
    answers.update(changes)
    return {key: value for key, value in answers.items() if value is not None}


def utreg(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "personnummer": "19900101-0017",
        "namn": "Anna Andersson",
        "avslutningsdatum": date(2025, 1, 31),
        "avslutningsanledning": "2",
        "forsorjning_efter": ["sjukpenning"],
        "aktivt_arbetssokande_efter": "nej",
        "arbetar_efter": "nej",
        "studerar_efter": "nej",
    }
    answers.update(changes)
    return {key: value for key, value in answers.items() if value is not None}


def errors_9448(definition: FormDefinition, **changes: Any) -> dict[str, list[str]]:
    result = validate(definition, inreg(**changes), today=TODAY, context=CONTEXT_9448)
    return {name: [str(message) for message in messages] for name, messages in result.items()}


def errors_9449(definition: FormDefinition, **changes: Any) -> dict[str, list[str]]:
    result = validate(definition, utreg(**changes), today=TODAY, context=CONTEXT_9449)
    return {name: [str(message) for message in messages] for name, messages in result.items()}


def test_valid_9448_is_cleaned(f9448: FormDefinition) -> None:
    result = check(f9448, inreg(), today=TODAY, context=CONTEXT_9448)
    assert result.errors == {}
    assert result.ok
    values = result.values
    assert isinstance(values["personnummer"], Personnummer)
    assert values["namn"] == "Anna Andersson"
    assert values["startdatum"] == date(2024, 3, 1)
    assert values["forsorjning_fore"] == ("sjukpenning", "forsorjningsstod")  # form order
    assert values["mattillfalle"] == "Inregistrering"
    assert result.asked["stadsdel"] is False
    assert result.asked["arbete_procent_fore"] is False


def test_everything_missing_is_required(f9448: FormDefinition) -> None:
    result = validate(f9448, {}, today=TODAY, context=CONTEXT_9448)
    # Questions behind a yes/no or a kommun depend on an answer we lack: not required yet.
    assert set(result) == {
        "personnummer", "namn", "startdatum", "kommun", "utbildning", "forsorjning_tid",
        "forsorjning_fore", "aktivt_arbetssokande_fore", "arbetar_fore", "studerar_fore"}
    assert all(str(messages[0]) == "Frågan måste besvaras." for messages in result.values())


def test_personnummer_message_passes_through(f9448: FormDefinition) -> None:
    assert errors_9448(f9448, personnummer="19900101-0018") == {"personnummer": [
        "Personnumrets kontrollsiffra (den sista siffran) stämmer inte. Kontrollera alla "
        "siffror."]}
    assert "12 siffror" in errors_9448(f9448, personnummer="900101-001")["personnummer"][0]


# --- offentlig försörjning -------------------------------------------------------------------

def test_ingen_offentlig_forsorjning_excludes_the_others(f9448: FormDefinition) -> None:
    errors = errors_9448(f9448, forsorjning_fore=["a_kassa", "ingen", "studiestod"])
    assert errors == {"forsorjning_fore": [
        "”Ingen offentlig försörjning” kan inte väljas tillsammans med annan försörjning "
        "(A-kassa, Studiestöd/studiemedel)."]}
    assert errors_9448(f9448, forsorjning_fore=["ingen"], forsorjning_tid="ej_tillampligt") == {}


def test_ej_tillampligt_contradicts_a_public_support_and_names_both(
        f9448: FormDefinition) -> None:
    errors = errors_9448(f9448, forsorjning_tid="ej_tillampligt",
                         forsorjning_fore=["a_kassa", "studiestod", "sjukersattning"])
    expected = ("Svaren motsäger varandra: ”Ej tillämpligt” om hur länge deltagaren haft "
                "offentlig försörjning, men ”Sjukersättning, A-kassa” som offentlig försörjning "
                "direkt före insatsen.")
    assert errors == {"forsorjning_tid": [expected], "forsorjning_fore": [expected]}


def test_studiestod_alone_is_no_public_support(f9448: FormDefinition) -> None:
    assert errors_9448(f9448, forsorjning_tid="ej_tillampligt",
                       forsorjning_fore=["studiestod"]) == {}


@pytest.mark.parametrize("value", ["a_kassa", ["nope"], ["a_kassa", "a_kassa"], [1]])
def test_multi_choice_shape(f9448: FormDefinition, value: object) -> None:
    assert list(errors_9448(f9448, forsorjning_fore=value)) == ["forsorjning_fore"]


# --- work and study ---------------------------------------------------------------------------

def test_percent_and_kind_only_when_working(f9448: FormDefinition) -> None:
    errors = errors_9448(f9448, arbetar_fore="nej", arbete_procent_fore=50,
                         arbete_typ_fore="eget_foretag")
    expected = ("Frågan ska inte besvaras när ”Förvärvsarbetar deltagaren direkt före denna "
                "insats?” är ”Nej”.")
    assert errors == {"arbete_procent_fore": [expected], "arbete_typ_fore": [expected]}


def test_working_requires_percent_and_kind(f9448: FormDefinition) -> None:
    assert errors_9448(f9448, arbetar_fore="ja") == {
        "arbete_procent_fore": ["Frågan måste besvaras."],
        "arbete_typ_fore": ["Frågan måste besvaras."]}
    assert errors_9448(f9448, arbetar_fore=True, arbete_procent_fore="25 %",
                       arbete_typ_fore="subventionerat") == {}


@pytest.mark.parametrize(
    ("value", "ok"),
    [(1, True), (100, True), ("100", True), (" 40 ", True), (0, False), (101, False),
     ("-5", False), ("50.5", False), ("femtio", False), (True, False), (50.0, False)],
)
def test_percent_range(f9448: FormDefinition, value: object, ok: bool) -> None:
    errors = errors_9448(f9448, studerar_fore="ja", studie_procent_fore=value)
    assert errors == ({} if ok else {"studie_procent_fore": ["Ange ett heltal från 1 till 100."]})


def test_study_percent_only_when_studying(f9448: FormDefinition) -> None:
    assert list(errors_9448(f9448, studerar_fore="nej", studie_procent_fore=20)) == [
        "studie_procent_fore"]
    assert errors_9448(f9448, studerar_fore="ja") == {
        "studie_procent_fore": ["Frågan måste besvaras."]}


def test_unanswered_yes_no_leaves_its_follow_ups_open(f9448: FormDefinition) -> None:
    # Neither required nor refused until the controlling question is answered.
    errors = errors_9448(f9448, arbetar_fore=None, arbete_procent_fore=30)
    assert errors == {"arbetar_fore": ["Frågan måste besvaras."]}


# --- kommun and stadsdel -----------------------------------------------------------------------

def test_stadsdel_required_for_stockholm_and_goteborg(f9448: FormDefinition) -> None:
    assert errors_9448(f9448, kommun="0180") == {"stadsdel": ["Frågan måste besvaras."]}
    assert errors_9448(f9448, kommun="1480") == {"stadsdel": ["Frågan måste besvaras."]}
    assert errors_9448(f9448, kommun="0180", stadsdel="Järva") == {}
    assert errors_9448(f9448, kommun="1480", stadsdel="Angered") == {}


def test_stadsdel_refused_elsewhere(f9448: FormDefinition) -> None:
    assert errors_9448(f9448, kommun="1280", stadsdel="Järva") == {
        "stadsdel": ["Frågan ska inte besvaras när ”Kommun” är ”Malmö”."]}


def test_stadsdel_list_of_the_start_date(f9448: FormDefinition) -> None:
    # Rinkeby-Kista became part of Järva on 2023-07-01.
    older = {**CONTEXT_9448, "insats_start": date(2023, 1, 1)}
    assert validate(f9448, inreg(kommun="0180", stadsdel="Rinkeby-Kista", startdatum="2023-06-30"),
                    today=TODAY, context=older) == {}
    assert errors_9448(f9448, kommun="0180", stadsdel="Rinkeby-Kista") == {"stadsdel": [
        "”Rinkeby-Kista” är inte en stadsdel i Stockholm. Välj en i listan."]}
    assert list(errors_9448(f9448, kommun="0180", stadsdel="Angered")) == ["stadsdel"]


def test_unknown_kommun(f9448: FormDefinition) -> None:
    assert errors_9448(f9448, kommun="0000") == {"kommun": ["Välj en av Sveriges kommuner."]}


# --- dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-06-16", "Startdatum kan inte ligga i framtiden."),
        ("2023-12-31", "Startdatum kan inte vara före insatsens start (2024-01-01)."),
        ("2024-02-30", "Ange ett datum som finns, skrivet ÅÅÅÅ-MM-DD."),
        ("20240301", "Ange ett datum som finns, skrivet ÅÅÅÅ-MM-DD."),
        ("1 mars 2024", "Ange ett datum som finns, skrivet ÅÅÅÅ-MM-DD."),
        (20240301, "Ange ett datum som finns, skrivet ÅÅÅÅ-MM-DD."),
    ],
)
def test_start_date(f9448: FormDefinition, value: object, message: str) -> None:
    assert errors_9448(f9448, startdatum=value) == {"startdatum": [message]}


def test_start_date_edges(f9448: FormDefinition) -> None:
    assert errors_9448(f9448, startdatum=TODAY) == {}
    assert errors_9448(f9448, startdatum=date(2024, 1, 1)) == {}


def test_start_after_insats_end(f9448: FormDefinition) -> None:
    context = {**CONTEXT_9448, "insats_slut": date(2024, 2, 29)}
    errors = validate(f9448, inreg(), today=TODAY, context=context)
    assert [str(m) for m in errors["startdatum"]] == [
        "Startdatum kan inte vara efter insatsens slut (2024-02-29)."]
    open_ended = {key: value for key, value in CONTEXT_9448.items() if key != "insats_slut"}
    assert validate(f9448, inreg(), today=TODAY, context=open_ended) == {}


# --- FK 9449 ---------------------------------------------------------------------------------

def test_valid_9449(f9449: FormDefinition) -> None:
    assert errors_9449(f9449) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (date(2025, 6, 16), "Avslutningsdatum kan inte ligga i framtiden."),
        (date(2024, 2, 29), "Avslutningsdatum kan inte vara före startdatum (2024-03-01)."),
    ],
)
def test_end_date(f9449: FormDefinition, value: date, message: str) -> None:
    assert errors_9449(f9449, avslutningsdatum=value) == {"avslutningsdatum": [message]}


def test_end_on_start_day_is_fine(f9449: FormDefinition) -> None:
    assert errors_9449(f9449, avslutningsdatum=date(2024, 3, 1)) == {}


def test_reason_1_needs_work_study_or_job_seeking(f9449: FormDefinition) -> None:
    assert errors_9449(f9449, avslutningsanledning="1") == {"avslutningsanledning": [
        "Avslutningsanledningen ”Utskrivning - till arbete, studier eller arbetsökande” kräver "
        "att deltagaren efter insatsen förvärvsarbetar, studerar eller är aktivt arbetsökande."]}
    assert errors_9449(f9449, avslutningsanledning="1", aktivt_arbetssokande_efter="ja") == {}
    assert errors_9449(f9449, avslutningsanledning="1", studerar_efter="ja",
                       studie_procent_efter=100) == {}
    assert errors_9449(f9449, avslutningsanledning="1", arbetar_efter="ja",
                       arbete_procent_efter=75, arbete_typ_efter="inte_subventionerat") == {}


@pytest.mark.parametrize("reason", ["6", "7", "8"])
def test_no_after_block_for_reasons_6_7_8(f9449: FormDefinition, reason: str) -> None:
    without_block = {name: None for name in utreg() if name.endswith("_efter")}
    assert errors_9449(f9449, avslutningsanledning=reason, **without_block) == {}
    errors = errors_9449(f9449, avslutningsanledning=reason)
    assert set(errors) == {"forsorjning_efter", "aktivt_arbetssokande_efter", "arbetar_efter",
                           "studerar_efter"}
    assert errors["arbetar_efter"][0].startswith(
        "Frågan ska inte besvaras när ”Avslutningsanledning” är ”")


@pytest.mark.parametrize("reason", ["2", "3", "4", "5", "9"])
def test_after_block_required_for_other_reasons(f9449: FormDefinition, reason: str) -> None:
    without_block = {name: None for name in utreg() if name.endswith("_efter")}
    errors = errors_9449(f9449, avslutningsanledning=reason, **without_block)
    assert set(errors) == {"forsorjning_efter", "aktivt_arbetssokande_efter", "arbetar_efter",
                           "studerar_efter"}


def test_missing_reason_leaves_the_after_block_open(f9449: FormDefinition) -> None:
    assert errors_9449(f9449, avslutningsanledning=None) == {
        "avslutningsanledning": ["Frågan måste besvaras."]}


def test_after_block_rules_apply(f9449: FormDefinition) -> None:
    assert list(errors_9449(f9449, forsorjning_efter=["ingen", "a_kassa"])) == [
        "forsorjning_efter"]


# --- what the caller gets wrong ---------------------------------------------------------------

def test_unknown_answer_is_refused(f9449: FormDefinition) -> None:
    assert errors_9449(f9449, kommun="0180") == {"kommun": ["Blanketten har ingen sådan fråga."]}


def test_fixed_value(f9448: FormDefinition) -> None:
    assert errors_9448(f9448, mattillfalle="Inregistrering") == {}
    assert errors_9448(f9448, mattillfalle="Utregistrering") == {
        "mattillfalle": ["Värdet ska vara ”Inregistrering”."]}


def test_context_is_the_callers_duty(f9449: FormDefinition) -> None:
    with pytest.raises(ValueError, match="context 'startdatum' is required"):
        validate(f9449, utreg(), today=TODAY,
                 context={k: v for k, v in CONTEXT_9449.items() if k != "startdatum"})
    with pytest.raises(ValueError, match="unknown context"):
        validate(f9449, utreg(), today=TODAY, context={**CONTEXT_9449, "insats_start": TODAY})


# --- garbage in: messages out, never an exception --------------------------------------------

GARBAGE: list[object] = [
    None, "", " ", "ja", "nej", "0180", "Järva", "ingen", "1", "6", "2024-03-01", "x" * 500,
    0, 1, 100, 101, -1, 2.5, True, False, b"bytes", [], ["a_kassa"], ["ingen", "ingen"],
    [["nested"]], [None], {"a": 1}, ("sjukpenning",), {"studiestod"}, date(2024, 3, 1),
    date(2099, 1, 1), object(),
]


@pytest.mark.parametrize("form_id", ["9448", "9449"])
def test_random_answers_never_raise(form_id: str) -> None:
    definition = load_form(form_id)
    context = CONTEXT_9448 if form_id == "9448" else CONTEXT_9449
    names = [*definition.fields, "okänd"]
    rng = random.Random(9448)
    for _ in range(3000):
        answers = {name: rng.choice(GARBAGE) for name in names if rng.random() < 0.7}
        result = check(definition, answers, today=TODAY, context=context)
        for messages in result.errors.values():
            assert all(str(message) for message in messages)
        if result.ok:  # whatever passes must be complete for the asked questions
            for name, asked in result.asked.items():
                field = definition.field(name)
                if asked and field.required:
                    assert name in result.values


def test_wrong_kommun_gives_one_message_not_two(f9448: FormDefinition) -> None:
    assert errors_9448(f9448, kommun="0000", stadsdel="Järva") == {
        "kommun": ["Välj en av Sveriges kommuner."]}


@pytest.mark.parametrize("name, named", [
    ("Anna 漢字", "U+6F22 (漢)"), ("Anna 😀", "U+1F600 (😀)"),
    ("Anna \u202eAndersson", "U+202E"), ("Anna\u2066 Andersson", "U+2066"),
    ("Anna\x07", "U+0007"), ("Te\x00st", "U+0000"),
])
def test_a_text_answer_the_pdf_can_not_print_is_refused_naming_it(
        f9448: FormDefinition, f9449: FormDefinition, name: str, named: str) -> None:
    for errors in (errors_9448(f9448, namn=name), errors_9449(f9449, namn=name)):
        assert list(errors) == ["namn"] and named in errors["namn"][0]
        assert "skrivas ut i PDF:en" in errors["namn"][0]


def test_text_answers_in_the_scripts_of_the_texts_are_kept(f9448: FormDefinition) -> None:
    for name in ("Åsa Öberg-Lindqvist", "محمد علي", "می\u200cخواهم", "ሰላም", "สมชาย",
                 "Škoda Ćirić", "Олена"):
        assert check(f9448, inreg(namn=name), today=TODAY, context=CONTEXT_9448).ok, name
