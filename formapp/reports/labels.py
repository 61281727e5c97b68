"""Labels the reports share: kön, age groups, and the form definitions' option lists (the
paper forms' own words, translated at display time)."""

from __future__ import annotations

from formapp.definitions import OptionList, load_form, text
from formapp.i18n import _lo

KON_LABELS = {"kvinna": _lo("Kvinna"), "man": _lo("Man")}
TOTAL = _lo("Totalt")
AGE_LABELS = {"under_30": _lo("Under 30 år"), "30_44": _lo("30–44 år"),
              "45_59": _lo("45–59 år"), "60_plus": _lo("60 år och äldre"),
              # A samordningsnummer whose birth date is not fully known (month or day 00).
              "okand": _lo("Okänd ålder")}
YOUNG_LABELS = {"under_30": _lo("Under 30 år"), "30_plus": _lo("30 år och äldre")}


def option_list(form: str, field: str) -> OptionList:
    options = load_form(form).field(field).options
    assert options is not None, f"{form}.{field} has no options"
    return options


def end_reasons() -> list[tuple[str, object]]:
    """The end reasons a stored registration can have: all but the one that removes it (8)."""
    return [(o.code, text(o.label)) for o in option_list("9449", "avslutningsanledning").options
            if o.effect != "remove_registration"]


def choices(form: str, field: str) -> list[tuple[str, object]]:
    return [(o.code, text(o.label)) for o in option_list(form, field).options]


def support_kinds() -> tuple[list[tuple[str, object]], list[tuple[str, object]]]:
    """(public support kinds, the others) of the support block, in the form's order.
    Studiestöd and "Ingen offentlig försörjning" are the others (``public_support = false``)."""
    options = option_list("9448", "forsorjning_fore").options
    public = [(o.code, text(o.label)) for o in options if o.public_support]
    other = [(o.code, text(o.label)) for o in options if not o.public_support]
    return public, other
