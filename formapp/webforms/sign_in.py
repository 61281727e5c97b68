"""Forms of the second factor, the hand-back PIN and an identity-provider link."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from formapp.i18n import _lo


class CodeForm(FlaskForm):
    code = StringField(_lo("Engångskod eller reservkod"), validators=[
        InputRequired(_lo("Ange koden från din app, eller en reservkod.")), Length(max=40)],
        description=_lo("Sex siffror från autentiseringsappen. Har du inte telefonen: en av "
                        "dina reservkoder."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "text",
                   "autocapitalize": "characters", "spellcheck": "false"})


class EnrolForm(FlaskForm):
    code = StringField(_lo("Koden som appen visar"), validators=[
        InputRequired(_lo("Ange de sex siffrorna som appen visar.")), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PinForm(FlaskForm):
    pin = PasswordField(_lo("Ny kod för surfplattan"), validators=[
        InputRequired(_lo("Ange en kod med sex till tolv siffror.")), Length(max=12)],
        description=_lo("Sex till tolv siffror. Du skriver den när du tar tillbaka "
                        "surfplattan från en deltagare."),
        render_kw={"inputmode": "numeric", "autocomplete": "new-password"})


class IdpLinkForm(FlaskForm):
    provider = SelectField(_lo("Identitetsleverantör"), choices=[])
    subject = StringField(_lo("Användarens identitet där"), validators=[
        InputRequired(_lo("Ange användarens identitet hos identitetsleverantören.")),
        Length(max=255)])
