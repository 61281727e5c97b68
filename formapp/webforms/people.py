"""Forms of the participants' rights pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from formapp.i18n import _lo


class PersonSearchForm(FlaskForm):
    personnummer = StringField(_lo("Personnummer (12 siffror)"), validators=[
        InputRequired(_lo("Ange personnumret.")), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "class": "ltr"})


class ExtractForm(FlaskForm):
    why = StringField(_lo("Begäran"), validators=[
        InputRequired(_lo("Ange vem som begärt registerutdraget och när.")), Length(max=500)],
        description=_lo("Till exempel: begärt av personen per brev 2026-11-20."))


class PersonWithdrawForm(FlaskForm):
    reason = TextAreaField(_lo("Hur och när återkallades samtycket?"), validators=[
        InputRequired(_lo("Ange hur och när personen återkallade samtycket.")),
        Length(max=1000)])
