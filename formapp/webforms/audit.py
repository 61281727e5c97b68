"""The audit search form. A POST with its CSRF token, though a search changes nothing: it
often names a personnummer, and a GET would put the number in the URL and so in the access
logs of the server and of any proxy in front of it."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import Field, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from formapp.i18n import _lo


def _iso_date(form: FlaskForm, field: Field) -> None:
    try:
        date.fromisoformat(field.data)
    except (TypeError, ValueError):
        raise ValidationError(_lo("Ange datumet som ÅÅÅÅ-MM-DD.")) from None


def parsed_date(field: Field) -> date | None:
    return date.fromisoformat(field.data) if field.data and not field.errors else None


class AuditSearchForm(FlaskForm):
    personnummer = StringField(_lo("Personnummer"), validators=[Optional(), Length(max=20)],
                               description=_lo("12 siffror. Hittar alla händelser om personen."),
                               render_kw={"inputmode": "numeric", "autocomplete": "off",
                                          "class": "ltr"})
    anvandare = StringField(_lo("Användare"), validators=[Optional(), Length(max=100)],
                            description=_lo("Namn eller e-postadress, eller en del av dem."))
    handelse = SelectField(_lo("Händelse"), choices=[], default="", validate_choice=True)
    forbund = SelectField(_lo("Förbund"), choices=[], default="", validate_choice=True)
    fran = StringField(_lo("Från och med"), validators=[Optional(), _iso_date],
                       render_kw={"type": "date", "class": "ltr"})
    till = StringField(_lo("Till och med"), validators=[Optional(), _iso_date],
                       render_kw={"type": "date", "class": "ltr"})

    def validate_till(self, field: Field) -> None:
        start, end = parsed_date(self.fran), parsed_date(field)
        if start and end and end < start:
            raise ValidationError(_lo("Till och med kan inte vara före från och med."))
