"""The vocabulary of an insats: kinds, inriktningar and finansieringsformer (SUS guide, seeds/003).

Codes are stored; labels are Swedish source strings translated at display time.
"""

from __future__ import annotations

from dataclasses import dataclass

from formapp.i18n import _lo


@dataclass(frozen=True)
class Choice:
    code: str
    label: object  # a lazy string: rendered in the reader's language
    help: object = ""


INDIVIDINRIKTAD = "individinriktad"
STRUKTUROVERGRIPANDE = "strukturovergripande"

KINDS: tuple[Choice, ...] = (
    Choice(INDIVIDINRIKTAD, _lo("Individinriktad"),
           _lo("Vänder sig till individer med behov av arbetslivsinriktad rehabilitering och stöd "
               "för övergång i arbete etc.")),
    Choice(STRUKTUROVERGRIPANDE, _lo("Strukturövergripande"),
           _lo("Vänder sig till de samverkande myndigheterna eller insatser som syftar till att "
               "öka kunskapen om olika gruppers behov av arbetslivsinriktad rehabilitering.")),
)

INRIKTNINGAR: dict[str, tuple[Choice, ...]] = {
    INDIVIDINRIKTAD: (
        Choice("forebyggande", _lo("Förebyggande")),
        Choice("forberedande", _lo("Förberedande")),
        Choice("kartlaggning_individer", _lo("Kartläggning av individer")),
        Choice("rehabilitering_arbete_utbildning",
               _lo("Rehabilitering till arbete eller utbildning")),
        Choice("annan_individ", _lo("Annan inriktning")),
    ),
    STRUKTUROVERGRIPANDE: (
        Choice("dialog_kommunikation", _lo("Dialog & kommunikation")),
        Choice("kartlaggning", _lo("Kartläggning")),
        Choice("utbildning", _lo("Utbildning")),
        Choice("annan_struktur", _lo("Annan inriktning")),
    ),
}

FINANSIERINGSFORMER: tuple[Choice, ...] = (
    Choice("finsam", _lo("Finsam – samordningsförbund")),
    Choice("tvapartsfinsam", _lo("Tvåpartsfinsam (Af/FK-samarbete)")),
    Choice("samfinansiering", _lo("Annan samfinansiering")),
)

PRIORITY_GROUPS: tuple[Choice, ...] = (
    Choice("prio_langtidssjukskrivna", _lo("Långtidssjukskrivna")),
    Choice("prio_unga_aktivitetsersattning", _lo("Unga med aktivitetsersättning")),
    Choice("prio_unga_funktionsnedsattning", _lo("Unga med funktionsnedsättning")),
)


def label(choices: tuple[Choice, ...], code: str) -> object:
    """The label of ``code`` in ``choices``; the code itself if it is unknown."""
    return next((c.label for c in choices if c.code == code), code)


def inriktning_label(kind: str, code: str) -> object:
    return label(INRIKTNINGAR.get(kind, ()), code)
