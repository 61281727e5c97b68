"""What an import says about a cell whose text is none of the choices: the text found and
the texts allowed (issue 21), instead of the form's "Välj ett av alternativen.", which speaks to
someone choosing on a screen, not to someone correcting a sheet.

The allowed texts are the sheet's own words (what the export writes), so the officer can copy
one of them into the cell.
"""

from __future__ import annotations

from formapp.i18n import _lo
from formapp.reports.sheet import KON, SUPPORT_SEPARATOR, options

YES_NO = ("Ja", "Nej")
YES_NO_BASES = ("aktivt_arbetssokande", "arbetar", "studerar")
CHOICE_BASES = ("utbildning", "forsorjning_tid", "arbete_typ", "avslutningsanledning")
SUPPORT_BASE = "forsorjning"


def _base(field: str) -> str:
    return field.removesuffix("_fore").removesuffix("_efter")


def _cell_text(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def allowed(field: str) -> list[str]:
    """The texts a cell of ``field`` may hold, as the export writes them."""
    base = _base(field)
    if base in YES_NO_BASES:
        return list(YES_NO)
    if base == "avslutningsanledning":
        return [f"{o.code} {o.label}" for o in options(field).options]
    return [o.label for o in options(field).options]


def _known(field: str, text: str) -> bool:
    base = _base(field)
    lowered = text.lower()
    if base in YES_NO_BASES:
        return lowered in ("ja", "nej")
    option_list = options(field)
    if any(lowered in (o.code.lower(), o.label.lower()) for o in option_list.options):
        return True
    return base == "avslutningsanledning" and text.split(" ", 1)[0] in option_list.codes


def quoted(text: str) -> str:
    return str(_lo("”%(text)s”", text=text))  # each language's quotation marks


def not_found(value: str, allowed_texts: list[str]) -> str:
    return str(_lo("”%(value)s” finns inte. Tillåtna: %(allowed)s.", value=value,
                   allowed=", ".join(quoted(text) for text in allowed_texts)))


def unknown_value(field: str, value: object) -> str | None:
    """The message for a cell of ``field`` holding text that is none of its choices, or None
    (empty, or every part known: then the form's own message stands)."""
    base = _base(field)
    if base not in (*YES_NO_BASES, *CHOICE_BASES, SUPPORT_BASE):
        return None
    text = _cell_text(value)
    if text is None:
        return None
    if base != SUPPORT_BASE:
        return None if _known(field, text) else not_found(text, allowed(field))
    separator = SUPPORT_SEPARATOR.strip()
    unknown = [part.strip() for part in text.split(separator)
               if part.strip() and not _known(field, part.strip())]
    if not unknown:
        return None
    labels = allowed(field)
    return " ".join((not_found("; ".join(unknown), labels), str(_lo(
        "Flera stöd skiljs åt med ”%(separator)s”, till exempel ”%(example)s”.",
        separator=separator, example=SUPPORT_SEPARATOR.join(labels[4:6])))))


def unknown_kon(value: object) -> str | None:
    text = _cell_text(value)
    if text is None or text.lower() in (*KON, *(label.lower() for label in KON.values())):
        return None
    return not_found(text, list(KON.values()))


def unknown_yes_no(value: object) -> str:
    return not_found(_cell_text(value) or "", list(YES_NO))


def at(row: int, column: str, message: str) -> str:
    """The message with its row and column, for a line of its own (the CLI, a log)."""
    if not column:
        return str(_lo("Rad %(row)d: %(message)s", row=row, message=message))
    return str(_lo("Rad %(row)d, kolumn ”%(column)s”: %(message)s", row=row, column=column,
                   message=message))
