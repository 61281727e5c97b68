"""Forms of the officer and administrator pages. Every validator has its own Swedish message."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from formapp.domain import insatser as vocab
from formapp.i18n import _lo
from formapp.records.accounts import ROLE_LABELS
from formapp.records.models import Role
from formapp.webforms.validators import PRINTABLE

DATE_MESSAGE = _lo("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-01-31.")


class SwedishDateField(DateField):
    """A date field whose parse error is ours, in the user's language."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(DATE_MESSAGE) from exc


class LoginForm(FlaskForm):
    email = EmailField(_lo("E-post"), validators=[
        InputRequired(_lo("Ange din e-postadress.")), Length(max=254)])
    password = PasswordField(_lo("Lösenord"), validators=[
        InputRequired(_lo("Ange ditt lösenord.")), Length(max=200)])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_lo("Nuvarande lösenord"), validators=[
        InputRequired(_lo("Ange ditt nuvarande lösenord."))])
    new_password = PasswordField(_lo("Nytt lösenord"), validators=[
        InputRequired(_lo("Ange ett nytt lösenord.")), Length(max=200)])


class ForbundForm(FlaskForm):
    name = StringField(_lo("Namn"), validators=[
        InputRequired(_lo("Ange förbundets namn.")),
        Length(max=200, message=_lo("Namnet får vara högst %(max)d tecken.")), PRINTABLE])
    organisationsnummer = StringField(_lo("Organisationsnummer"), validators=[Optional()],
                                      description=_lo("Tio siffror, till exempel 222000-1234."))
    kommun_text = TextAreaField(_lo("Medlemmar"), validators=[Optional(), Length(max=2000)],
                                description=_lo("Kommuner, region och myndigheter i förbundet."))
    # The förbund as personuppgiftsansvarig: formapp's consent text names these (the store
    # checks them, with its own messages).
    postadress = TextAreaField(_lo("Postadress"), validators=[Optional()],
                               description=_lo("Som den står i samtyckestexten, till exempel "
                                               "Box 123, 123 45 Exempelstad."))
    kontakt_epost = StringField(_lo("E-post"), validators=[Optional()],
                                description=_lo("Dit deltagare skriver om sina uppgifter."))
    kontakt_telefon = StringField(_lo("Telefon"), validators=[Optional()])
    dataskyddsombud = StringField(_lo("Dataskyddsombud"), validators=[Optional()],
                                  description=_lo("Dataskyddsombudets e-postadress."))


def _choices(items: tuple[vocab.Choice, ...]) -> list[tuple[str, object]]:
    return [(c.code, c.label) for c in items]


class InsatsForm(FlaskForm):
    name = StringField(_lo("Namn"), validators=[
        InputRequired(_lo("Ange insatsens namn.")),
        Length(max=200, message=_lo("Namnet får vara högst %(max)d tecken.")), PRINTABLE])
    description = TextAreaField(_lo("Beskrivning"), validators=[Optional(), Length(max=5000)])
    start_date = SwedishDateField(_lo("Startdatum"), validators=[
        InputRequired(_lo("Ange insatsens startdatum."))])
    end_date = SwedishDateField(_lo("Slutdatum"), validators=[Optional()],
                                description=_lo("Lämna tomt om slutet inte är bestämt."))
    kind = RadioField(_lo("Typ av insats"), choices=_choices(vocab.KINDS), validate_choice=False,
                      validators=[
        InputRequired(_lo("Välj om insatsen är individinriktad eller strukturövergripande."))])
    # The store checks the codes (and that the inriktning fits the kind), with its own messages.
    inriktning = SelectField(_lo("Inriktning"), validate_choice=False, validators=[
        InputRequired(_lo("Välj insatsens inriktning."))])
    finansieringsform = SelectField(_lo("Finansieringsform"), validate_choice=False, validators=[
        InputRequired(_lo("Välj en finansieringsform."))],
        choices=[("", _lo("Välj finansieringsform")), *_choices(vocab.FINANSIERINGSFORMER)])
    is_volyminsats = BooleanField(_lo("Volyminsats"), description=_lo(
        "Deltagare registreras bara med antal, inte könsuppdelat, av insatsansvarig."))
    prio_langtidssjukskrivna = BooleanField(vocab.PRIORITY_GROUPS[0].label)
    prio_unga_aktivitetsersattning = BooleanField(vocab.PRIORITY_GROUPS[1].label)
    prio_unga_funktionsnedsattning = BooleanField(vocab.PRIORITY_GROUPS[2].label)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Option groups per kind, labelled in the reader's language (hence built per request).
        self.inriktning.choices = {
            "": [("", _lo("Välj inriktning"))],
            **{str(kind.label): _choices(vocab.INRIKTNINGAR[kind.code]) for kind in vocab.KINDS},
        }

class UserForm(FlaskForm):
    full_name = StringField(_lo("Namn"), validators=[
        InputRequired(_lo("Ange användarens namn.")), Length(max=200), PRINTABLE])
    email = EmailField(_lo("E-post"), validators=[
        InputRequired(_lo("Ange användarens e-postadress.")), Length(max=254)])
    password = PasswordField(_lo("Lösenord"), validators=[Optional(), Length(max=200)],
                             description=_lo("Minst tolv tecken och inget vanligt lösenord. "
                                             "Lämna tomt för att behålla nuvarande lösenord."))
    employed_by_forbund = BooleanField(_lo("Anställd på förbundet"), description=_lo(
        "En anställd på förbundet kan inte vara deltagaransvarig."))
    is_active = BooleanField(_lo("Kontot är aktivt"), default=True)


ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


class GrantForm(FlaskForm):
    role = SelectField(_lo("Behörighet"), choices=[("", _lo("Välj behörighet")), *ROLE_CHOICES],
                       validators=[InputRequired(_lo("Välj en behörighet."))])
    insats_id = SelectField(_lo("Insats"), choices=[], validate_choice=False,
                            validators=[Optional()],
                            description=_lo("Bara för deltagaransvarig."))
    valid_from = SwedishDateField(_lo("Gäller från"), validators=[
        InputRequired(_lo("Ange när behörigheten börjar gälla."))])
    valid_until = SwedishDateField(_lo("Gäller till och med"), validators=[Optional()],
                                   description=_lo("Högst två år; tomt ger två år."))


class AssignForm(FlaskForm):
    user_id = SelectField(_lo("Användare"), choices=[], validate_choice=False,
                          validators=[InputRequired(_lo("Välj en användare."))])
    valid_from = SwedishDateField(_lo("Gäller från"), validators=[
        InputRequired(_lo("Ange när uppdraget börjar gälla."))])
    valid_until = SwedishDateField(_lo("Gäller till och med"), validators=[Optional()],
                                   description=_lo("Högst två år; tomt ger två år."))


class ConfirmForm(FlaskForm):
    """An empty form: only the CSRF token, for POST buttons such as log out or revoke."""
