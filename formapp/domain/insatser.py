"""The vocabulary of an insats: kinds, inriktningar and finansieringsformer (SUS guide, seeds/003).

Codes are stored; labels are Swedish source strings translated at display time.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Choice:
    code: str
    label: object  # a lazy string: rendered in the reader's language
    help: object = ""


INDIVIDINRIKTAD = "individinriktad"
STRUKTUROVERGRIPANDE = "strukturovergripande"

KINDS: tuple[Choice, ...] = (
    Choice(INDIVIDINRIKTAD, _l("Individinriktad"),
           _l("Vänder sig till individer med behov av arbetslivsinriktad rehabilitering och stöd "
              "för övergång i arbete etc.")),
    Choice(STRUKTUROVERGRIPANDE, _l("Strukturövergripande"),
           _l("Vänder sig till de samverkande myndigheterna eller insatser som syftar till att öka "
              "kunskapen om olika gruppers behov av arbetslivsinriktad rehabilitering.")),
)

INRIKTNINGAR: dict[str, tuple[Choice, ...]] = {
    INDIVIDINRIKTAD: (
        Choice("forebyggande", _l("Förebyggande")),
        Choice("forberedande", _l("Förberedande")),
        Choice("kartlaggning_individer", _l("Kartläggning av individer")),
        Choice("rehabilitering_arbete_utbildning",
               _l("Rehabilitering till arbete eller utbildning")),
        Choice("annan_individ", _l("Annan inriktning")),
    ),
    STRUKTUROVERGRIPANDE: (
        Choice("dialog_kommunikation", _l("Dialog & kommunikation")),
        Choice("kartlaggning", _l("Kartläggning")),
        Choice("utbildning", _l("Utbildning")),
        Choice("annan_struktur", _l("Annan inriktning")),
    ),
}

FINANSIERINGSFORMER: tuple[Choice, ...] = (
    Choice("finsam", _l("Finsam – samordningsförbund")),
    Choice("tvapartsfinsam", _l("Tvåpartsfinsam (Af/FK-samarbete)")),
    Choice("samfinansiering", _l("Annan samfinansiering")),
)

PRIORITY_GROUPS: tuple[Choice, ...] = (
    Choice("prio_langtidssjukskrivna", _l("Långtidssjukskrivna")),
    Choice("prio_unga_aktivitetsersattning", _l("Unga med aktivitetsersättning")),
    Choice("prio_unga_funktionsnedsattning", _l("Unga med funktionsnedsättning")),
)


def label(choices: tuple[Choice, ...], code: str) -> object:
    """The label of ``code`` in ``choices``; the code itself if it is unknown."""
    return next((c.label for c in choices if c.code == code), code)


def inriktning_label(kind: str, code: str) -> object:
    return label(INRIKTNINGAR.get(kind, ()), code)
