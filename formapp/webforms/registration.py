"""Forms around FK 9448/9449 that are not the paper forms themselves (those are generated from
their definitions): the consent gate, the removal confirmation, counts, the participant search."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from formapp.i18n import _lo
from formapp.records.counts import MAX_CHANGE


class GateForm(FlaskForm):
    personnummer = StringField(
        _lo("Personnummer (12 siffror)"), validators=[Length(max=20)],
        description=_lo("ÅÅÅÅMMDD-NNNN. Deltagaren måste ha ett aktivt samtycke (FK 9443) för "
                        "insatsen."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "class": "ltr"})


class EraseForm(FlaskForm):
    once = HiddenField()
    confirm = BooleanField(
        _lo("Jag har kontrollerat att registreringen är felaktig och att uppgifterna ska tas "
            "bort."),
        validators=[InputRequired(_lo("Bekräfta att registreringen ska tas bort."))])


def _amount(label: object) -> IntegerField:
    return IntegerField(label, validators=[
        Optional(), NumberRange(1, MAX_CHANGE, _lo("Ange ett antal från 1 till %(max)d.",
                                                   max=MAX_CHANGE))],
        render_kw={"inputmode": "numeric", "class": "ltr", "min": 1, "max": MAX_CHANGE})


class AnonymousCountForm(FlaskForm):
    once = HiddenField()
    year = SelectField(_lo("Inregistreringsår"), coerce=int)
    kvinnor = _amount(_lo("Kvinnor: ange antal"))
    man = _amount(_lo("Män: ange antal"))


class VolumeCountForm(FlaskForm):
    once = HiddenField()
    year = SelectField(_lo("Inregistreringsår"), coerce=int)
    amount = _amount(_lo("Ange antal"))
