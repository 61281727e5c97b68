"""Loading forms/9448 and forms/9449: the paper forms' texts word for word, and a strict loader.

The expected texts are written out here from the scanned forms (seeds/002), with the obvious
scanning errors corrected (Sjuksättning, Förvänsarbetar, obrottn, EJ tillämpligt).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from formapp.definitions import (
    FORM_IDS,
    DefinitionError,
    FormDefinition,
    default_forms_dir,
    load_form,
    load_form_file,
    load_forms,
    message_ids,
)

EDUCATION = [
    "Grundskola",
    "Gymnasium",
    "Högskola/universitet upp till ett år",
    "Högskola/universitet upp till tre år",
    "Högskola/universitet mer än tre år",
    "Saknas/okänd",
    "Annan eftergymnasial utbildning",
]
DURATIONS = [
    "Upp till 1 år", "Upp till 2 år", "Upp till 3 år", "Upp till 4 år", "Upp till 5 år",
    "Upp till 6 år", "Upp till 7 år", "Upp till 8 år", "Upp till 9 år", "Mer än 9 år",
    "Ej tillämpligt",
]
SUPPORTS = [
    "Sjukpenning/rehabiliteringspenning",
    "Aktivitetsersättning",
    "Sjukersättning",
    "A-kassa",
    "Aktivitetsstöd",
    "Försörjningsstöd",
    "Studiestöd/studiemedel",
    "Annan offentlig försörjning",
    "Ingen offentlig försörjning",
]
WORK_TYPES = ["inte subventionerat arbete", "subventionerat arbete", "eget företag"]
END_REASONS = [
    ("1", "Utskrivning - till arbete, studier eller arbetsökande",
     "Deltagaren går vidare till arbete (med/utan subvention/ eget företag) eller studier, eller "
     "är aktivt arbetsökande efter insatsen."),
    ("2", "Utskrivning - fortsatt rehabilitering",
     "Deltagaren går vidare till annan rehabiliteringsinsats efter avslutad insats, till exempel "
     "fortsatt arbetslivsriktad rehabilitering i den ordinarie myndighetsverksamheten eller i "
     "fortsatt samverkan."),
    ("3", "Utskrivning på grund av sjukdom",
     "Deltagaren avslutar insatsen på grund av försämrat hälsotillstånd eller att "
     "hälsotillståndet inte medger fortsatt deltagande i insatsen. Rehabilitering mot arbete är "
     "inte aktuellt i dagsläget för deltagaren."),
    ("4", "Utskrivning på grund av föräldraledighet",
     "Deltagaren avslutar insatsen på grund av graviditet eller föräldraledighet."),
    ("5", "Utskrivning på grund av flytt",
     "Deltagaren avslutar insatsen på grund av flytt från kommunen eller stadsdelen. Obs! Om "
     "deltagaren flyttar för att han eller hon fått arbete på annan ort, välj i stället "
     "Utskrivning - till arbete, studier eller arbetsökande."),
    ("6", "Medgivande återtaget",
     "Deltagaren har tagit tillbaka sitt samtycke och medger inte fortsatt registrering av "
     "personuppgifter i SUS."),
    ("7", "Utskrivning - utan mätning",
     "Deltagaren avbryter insatsen av en anledning som gör att det inte går att registrera "
     "försörjning och sysselsättning efter insatsen. Anledningen kan till exempel vara att "
     "deltagaren blir omhändertagen eller uteblir av annan anledning."),
    ("8", "Felregistrering",
     "Felaktig inregistrering av deltagare. Det här alternativet leder till att uppgifter om "
     "deltagaren tas bort från SUS."),
    ("9", "Övrigt",
     "Används om ingen av de övriga avslutningsanledningarna passar in. Ska användas med "
     "försiktighet eftersom det inte går att göra något ytterligare förtydligande."),
]
OFFENTLIG_FORSORJNING = (
    "Med offentlig försörjning menas att man inte kan försörja sig genom arbete, utan får "
    "ersättning från a-kassan, Arbetsförmedlingen, Försäkringskassan eller kommunen.")
COUNTING_RULE = (
    "Räkna antal år i obruten följd som deltagaren fått offentlig försörjning innan insatsen "
    "börjar. Avbrott på upp till en månad ska inte räknas med.")


def labels(definition: FormDefinition, field: str) -> list[str]:
    options = definition.field(field).options
    assert options is not None
    return list(options.labels)


@pytest.fixture(scope="module")
def f9448() -> FormDefinition:
    return load_form("9448")


@pytest.fixture(scope="module")
def f9449() -> FormDefinition:
    return load_form("9449")


def test_only_9448_and_9449_are_loaded() -> None:
    assert FORM_IDS == ("9448", "9449")
    assert set(load_forms()) == {"9448", "9449"}
    with pytest.raises(KeyError):
        load_form("9443")  # consent texts live there, written and read elsewhere


def test_loaded_once_per_process() -> None:
    assert load_form("9448") is load_form("9448")


def test_9448_option_lists_word_for_word(f9448: FormDefinition) -> None:
    assert labels(f9448, "utbildning") == EDUCATION
    assert labels(f9448, "forsorjning_tid") == DURATIONS
    assert labels(f9448, "forsorjning_fore") == SUPPORTS
    assert labels(f9448, "arbete_typ_fore") == WORK_TYPES
    assert labels(f9448, "arbetar_fore") == ["Ja", "Nej"]


def test_9449_option_lists_word_for_word(f9449: FormDefinition) -> None:
    assert labels(f9449, "forsorjning_efter") == SUPPORTS
    assert labels(f9449, "arbete_typ_efter") == WORK_TYPES
    reasons = f9449.field("avslutningsanledning").options
    assert reasons is not None
    # The paper's words; where they name SUS formapp shows its own help (paper_help keeps them).
    assert [(o.code, o.label, o.paper_help or o.help) for o in reasons.options] == END_REASONS


def test_formapp_never_says_sus_in_what_it_shows_of_9449(f9449: FormDefinition) -> None:
    reasons = f9449.field("avslutningsanledning")
    assert reasons.options is not None
    shown = [o.help for o in reasons.options.options] + list(reasons.help)
    assert not [text for text in shown if "SUS" in text]
    assert reasons.options.get("8").help.endswith("tas bort från formapp.")
    # The paper's "Läs mer" line reads as a link and is not one: formapp names the source.
    assert reasons.help == ("Avslutningsanledningarna förklaras i Försäkringskassans "
                            "Användarhandledning – Finsam, kapitel 12.",)
    assert reasons.paper_help == ("Läs mer: Användarhandledning - Finsam (kapitel 12)",)


def test_9448_says_kommun_is_the_folkbokforingskommun(f9448: FormDefinition) -> None:
    assert any("folkbokföringskommunen" in text for text in f9448.field("kommun").help)


def test_9448_texts_word_for_word(f9448: FormDefinition) -> None:
    assert f9448.title == "Inregistrering av deltagare"
    assert f9448.footer == "FK 9448 (002.F.001) Fastställt av Försäkringskassan"
    assert [s.title for s in f9448.sections] == [
        "1. Uppgifter om deltagaren", "2. Måttillfälle - inregistrering"]
    expected = {
        "personnummer": "Personnummer (12 siffror)",
        "namn": "Namn",
        "mattillfalle": "Måttillfälle",
        "startdatum": "Startdatum (datum för när deltagaren startar insatsen)",
        "kommun": "Kommun",
        "stadsdel": "Stadsdel",
        "utbildning": "Vilken är deltagarens högsta slutförda utbildning?",
        "forsorjning_tid": "Hur länge har deltagaren haft offentlig försörjning?",
        "forsorjning_fore": "Vilken offentlig försörjning har deltagaren direkt före insatsen? "
                            "(Ange ett eller flera alternativ.)",
        "aktivt_arbetssokande_fore": "Är deltagaren inskriven som aktivt arbetssökande på "
                                     "Arbetsförmedlingen direkt före denna insats?",
        "arbetar_fore": "Förvärvsarbetar deltagaren direkt före denna insats?",
        "arbete_procent_fore": "Ange hur många procent (av en heltid) deltagaren arbetar:",
        "arbete_typ_fore": "Ange om arbetet är ett:",
        "studerar_fore": "Studerar deltagaren direkt före denna insats?",
        "studie_procent_fore": "Ange hur många procent (av en heltid) deltagaren studerar:",
    }
    assert {name: field.label for name, field in f9448.fields.items()} == expected
    assert f9448.field("kommun").paper_label == "Kommun (SUS hämtar kommun från folkbokföringen.)"
    assert f9448.field("mattillfalle").value == "Inregistrering"
    assert f9448.field("forsorjning_tid").help == (OFFENTLIG_FORSORJNING, COUNTING_RULE)
    assert f9448.field("aktivt_arbetssokande_fore").help == (
        "Med aktivt arbetssökande menas att deltagaren aktivt söker arbete och kan ta ett "
        "anvisat arbete.",)


def test_9449_texts_word_for_word(f9449: FormDefinition) -> None:
    assert f9449.title == "Utregistrering av deltagare"
    assert [s.title for s in f9449.sections] == [
        "1. Uppgifter om deltagaren", "2. Måttillfälle - utregistrering"]
    assert f9449.field("avslutningsdatum").label == (
        "Avslutningsdatum (datum för när deltagaren avslutar insatsen)")
    assert f9449.field("mattillfalle").value == "Utregistrering"
    # 9449 spells "arbetsökande" and drops the colon: each form keeps its own words.
    assert f9449.field("aktivt_arbetssokande_efter").label == (
        "Är deltagaren inskriven som aktivt arbetsökande på Arbetsförmedlingen direkt efter "
        "denna insats?")
    assert f9449.field("aktivt_arbetssokande_efter").help == (
        "Med aktivt arbetsökande menas att deltagaren aktivt söker arbete och kan ta ett "
        "anvisat arbete.",)
    assert f9449.field("arbetar_efter").label == (
        "Förvärvsarbetar deltagaren direkt efter denna insats?")
    assert f9449.field("arbete_typ_efter").label == "Ange om arbetet är ett"
    assert f9449.field("forsorjning_efter").label == (
        "Vilken offentlig försörjning har deltagaren direkt efter insatsen? "
        "(Ange ett eller flera alternativ.)")


def test_before_and_after_share_one_block(f9448: FormDefinition,
                                         f9449: FormDefinition) -> None:
    before = [f for f in f9448.fields.values() if f.block]
    after = [f for f in f9449.fields.values() if f.block]
    assert [(f.base_name, f.type) for f in before] == [(f.base_name, f.type) for f in after]
    assert [f.name for f in before] == [f.base_name + "_fore" for f in before]
    assert [f.name for f in after] == [f.base_name + "_efter" for f in after]
    assert f9448.field("forsorjning_fore").options == f9449.field("forsorjning_efter").options
    assert f9448.sections[1].block == f9449.sections[1].block == "forsorjning_och_sysselsattning"


def test_studiestod_is_listed_but_not_public_support(f9448: FormDefinition) -> None:
    options = f9448.field("forsorjning_fore").options
    assert options is not None
    flags = {o.code: o.public_support for o in options.options}
    assert flags == {
        "sjukpenning": True, "aktivitetsersattning": True, "sjukersattning": True,
        "a_kassa": True, "aktivitetsstod": True, "forsorjningsstod": True,
        "studiestod": False, "annan": True, "ingen": False,
    }


def test_end_reason_effects(f9449: FormDefinition) -> None:
    reasons = f9449.field("avslutningsanledning").options
    assert reasons is not None
    assert {o.code: o.effect for o in reasons.options if o.effect} == {
        "6": "withdraw_consent", "7": "no_after_measurement", "8": "remove_registration"}


def test_conditions_in_data(f9448: FormDefinition, f9449: FormDefinition) -> None:
    (stadsdel_when,) = f9448.field("stadsdel").when
    assert (stadsdel_when.field, stadsdel_when.op, stadsdel_when.values) == (
        "kommun", "in", ("0180", "1480"))
    assert [c.field for c in f9449.field("arbete_procent_efter").when] == [
        "avslutningsanledning", "arbetar_efter"]
    assert f9449.field("arbete_procent_efter").when[0].values == ("6", "7", "8")


def test_message_ids_cover_every_text(f9448: FormDefinition) -> None:
    ids = message_ids()
    msgids = [item.msgid for item in ids]
    assert len(msgids) == len(set(msgids))
    for text in (*SUPPORTS, *EDUCATION, *DURATIONS, COUNTING_RULE, "Ja", "Nej",
                 "Medgivande återtaget", END_REASONS[6][2], f9448.rules[0].message,
                 *(rule.message for rule in load_form("9449").rules)):
        assert text in msgids, text
    where = {item.msgid: item for item in ids}
    assert where["Sjukersättning"].source.name == "support_block.toml"
    assert where["Ange om arbetet är ett:"].key == "sections[1].labels.arbete_typ"


# --- a strict loader: broken files say which file and which key -----------------------------

@pytest.fixture()
def forms_copy(tmp_path: Path) -> Path:
    """A private copy of forms/9448, 9449 and common to break."""
    for name in ("9448", "9449", "common"):
        shutil.copytree(default_forms_dir() / name, tmp_path / name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert old in content, old
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def load_broken(forms_dir: Path, form_id: str = "9448") -> str:
    with pytest.raises(DefinitionError) as caught:
        load_form_file(forms_dir / form_id / "form.toml", forms_dir=forms_dir)
    return str(caught.value)


def test_copy_loads_like_the_original(forms_copy: Path) -> None:
    copy = load_form_file(forms_copy / "9448" / "form.toml", forms_dir=forms_copy)
    assert copy.fields.keys() == load_form("9448").fields.keys()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('form = "9448"', 'form = "9448"\ntitel = "x"', "9448/form.toml: unknown key 'titel'"),
        ('name = "namn"', 'name = "namn"\nmaxlength = 9',
         "9448/form.toml: unknown key 'sections[0].fields[1].maxlength'"),
        ('{ code = "grundskola", label = "Grundskola" }',
         '{ code = "grundskola", label = "Grundskola", hjalp = "x" }',
         "unknown key 'option_lists.utbildning.options[0].hjalp'"),
        ('arbetar = "Förvärvsarbetar', 'arbetr = "x"\narbetar = "Förvärvsarbetar',
         "unknown key 'sections[1].labels.arbetr'"),
        ('kind = "contradiction"', 'kind = "contradiction"\nlevel = "warning"',
         "unknown key 'rules[3].level'"),
    ],
)
def test_unknown_key_named_with_file(forms_copy: Path, old: str, new: str,
                                     expected: str) -> None:
    edit(forms_copy / "9448" / "form.toml", old, new)
    assert expected in load_broken(forms_copy)


def test_unknown_key_in_shared_block(forms_copy: Path) -> None:
    edit(forms_copy / "common" / "support_block.toml", 'name = "studerar"',
         'name = "studerar"\ncolour = "red"')
    assert "common/support_block.toml: unknown key 'fields[5].colour'" in load_broken(
        forms_copy)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('field = "forsorjning_tid", equals', 'field = "forsorjning_tyd", equals',
         "rules[3]: rule names no field 'forsorjning_tyd'"),
        ('field = "startdatum"\nmessage = "Startdatum kan inte ligga',
         'field = "slutdatum"\nmessage = "Startdatum kan inte ligga',
         "rule names no field 'slutdatum'"),
        ('equals = "ej_tillampligt"', 'equals = "ej_tillämpligt"',
         "'forsorjning_tid' has no option 'ej_tillämpligt'"),
        ('other = "insats_start"', 'other = "insatsstart"',
         "'insatsstart' is neither a date field nor a date context value"),
        ('options = "utbildning"', 'options = "utbildningar"', "no option list 'utbildningar'"),
        ('type = "single-choice"\nlabel = "Vilken', 'type = "choice"\nlabel = "Vilken',
         "unknown type 'choice'"),
        ('in = ["0180", "1480"]', 'in = ["0180"]', "the kommuner that have stadsdelar"),
        ('max_length = 200', 'max_length = "200"', "must be an integer, not str"),
        ('label = "Namn"\n', 'label = "Namn"\nmin = 3\n', "min: does not apply to type 'text'"),
        ('[[sections.fields]]\nname = "namn"', '[[sections.fields]]\nname = "startdatum"',
         "field 'startdatum' defined twice"),
    ],
)
def test_broken_references_rejected(forms_copy: Path, old: str, new: str,
                                    expected: str) -> None:
    edit(forms_copy / "9448" / "form.toml", old, new)
    message = load_broken(forms_copy)
    assert message.startswith("9448/form.toml: ")
    assert expected in message


def test_condition_must_look_back(forms_copy: Path) -> None:
    # Studying percent depending on a later question would make "asked" undecidable in order.
    edit(forms_copy / "common" / "support_block.toml",
         'name = "arbete_procent"\ntype = "percent"\nwhen = { field = "arbetar"',
         'name = "arbete_procent"\ntype = "percent"\nwhen = { field = "studerar"')
    assert "depends on 'studerar_fore', which does not come before it" in load_broken(
        forms_copy)


def test_condition_names_a_field(forms_copy: Path) -> None:
    edit(forms_copy / "common" / "support_block.toml", 'when = { field = "arbetar"',
         'when = { field = "arbeta"')
    assert "condition names no field 'arbeta_fore'" in load_broken(forms_copy)


def test_missing_block_label(forms_copy: Path) -> None:
    edit(forms_copy / "9449" / "form.toml",
         'studerar = "Studerar deltagaren direkt efter denna insats?"\n', "")
    assert "9449/form.toml: sections[1].labels.studerar: missing" in load_broken(
        forms_copy, "9449")


def test_form_id_must_match_directory(forms_copy: Path) -> None:
    edit(forms_copy / "9449" / "form.toml", 'form = "9449"', 'form = "9448"')
    with pytest.raises(DefinitionError, match="does not match its directory"):
        load_form("9449", forms_dir=forms_copy)


def test_forms_dir_from_environment(forms_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(forms_copy / "9448" / "form.toml", 'title = "Inregistrering av deltagare"',
         'title = "Inregistrering (kopia)"')
    monkeypatch.setenv("FORMAPP_FORMS_DIR", str(forms_copy))
    assert default_forms_dir() == forms_copy
    assert load_form("9448").title == "Inregistrering (kopia)"
    monkeypatch.delenv("FORMAPP_FORMS_DIR")
    assert load_form("9448").title == "Inregistrering av deltagare"
