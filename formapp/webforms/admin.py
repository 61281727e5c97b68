"""Forms of the officer and administrator pages. Every validator has its own Swedish message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
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
from formapp.records.accounts import ROLE_LABELS
from formapp.records.models import Role

DATE_MESSAGE = _l("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-01-31.")


class SwedishDateField(DateField):
    """A date field whose parse error is ours, in the user's language."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(DATE_MESSAGE) from exc


class LoginForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=[
        InputRequired(_l("Ange din e-postadress.")), Length(max=254)])
    password = PasswordField(_l("Lösenord"), validators=[
        InputRequired(_l("Ange ditt lösenord.")), Length(max=200)])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Nuvarande lösenord"), validators=[
        InputRequired(_l("Ange ditt nuvarande lösenord."))])
    new_password = PasswordField(_l("Nytt lösenord"), validators=[
        InputRequired(_l("Ange ett nytt lösenord.")), Length(max=200)])


class ForbundForm(FlaskForm):
    name = StringField(_l("Namn"), validators=[
        InputRequired(_l("Ange förbundets namn.")),
        Length(max=200, message=_l("Namnet får vara högst %(max)d tecken."))])
    organisationsnummer = StringField(_l("Organisationsnummer"), validators=[Optional()],
                                      description=_l("Tio siffror, till exempel 222000-1234."))
    kommun_text = TextAreaField(_l("Medlemmar"), validators=[Optional(), Length(max=2000)],
                                description=_l("Kommuner, region och myndigheter i förbundet."))


def _choices(items: tuple[vocab.Choice, ...]) -> list[tuple[str, object]]:
    return [(c.code, c.label) for c in items]


class InsatsForm(FlaskForm):
    name = StringField(_l("Namn"), validators=[
        InputRequired(_l("Ange insatsens namn.")),
        Length(max=200, message=_l("Namnet får vara högst %(max)d tecken."))])
    description = TextAreaField(_l("Beskrivning"), validators=[Optional(), Length(max=5000)])
    start_date = SwedishDateField(_l("Startdatum"), validators=[
        InputRequired(_l("Ange insatsens startdatum."))])
    end_date = SwedishDateField(_l("Slutdatum"), validators=[Optional()],
                                description=_l("Lämna tomt om slutet inte är bestämt."))
    kind = RadioField(_l("Typ av insats"), choices=_choices(vocab.KINDS), validate_choice=False,
                      validators=[
        InputRequired(_l("Välj om insatsen är individinriktad eller strukturövergripande."))])
    # The store checks the codes (and that the inriktning fits the kind), with its own messages.
    inriktning = SelectField(_l("Inriktning"), validate_choice=False, validators=[
        InputRequired(_l("Välj insatsens inriktning."))])
    finansieringsform = SelectField(_l("Finansieringsform"), validate_choice=False, validators=[
        InputRequired(_l("Välj en finansieringsform."))],
        choices=[("", _l("Välj finansieringsform")), *_choices(vocab.FINANSIERINGSFORMER)])
    is_volyminsats = BooleanField(_l("Volyminsats"), description=_l(
        "Deltagare registreras bara med antal, inte könsuppdelat, av insatsansvarig."))
    prio_langtidssjukskrivna = BooleanField(vocab.PRIORITY_GROUPS[0].label)
    prio_unga_aktivitetsersattning = BooleanField(vocab.PRIORITY_GROUPS[1].label)
    prio_unga_funktionsnedsattning = BooleanField(vocab.PRIORITY_GROUPS[2].label)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Option groups per kind, labelled in the reader's language (hence built per request).
        self.inriktning.choices = {
            "": [("", _l("Välj inriktning"))],
            **{str(kind.label): _choices(vocab.INRIKTNINGAR[kind.code]) for kind in vocab.KINDS},
        }

class UserForm(FlaskForm):
    full_name = StringField(_l("Namn"), validators=[
        InputRequired(_l("Ange användarens namn.")), Length(max=200)])
    email = EmailField(_l("E-post"), validators=[
        InputRequired(_l("Ange användarens e-postadress.")), Length(max=254)])
    password = PasswordField(_l("Lösenord"), validators=[Optional(), Length(max=200)],
                             description=_l("Minst tio tecken. Lämna tomt för att behålla "
                                            "nuvarande lösenord."))
    employed_by_forbund = BooleanField(_l("Anställd på förbundet"), description=_l(
        "En anställd på förbundet kan inte vara deltagaransvarig."))
    is_active = BooleanField(_l("Kontot är aktivt"), default=True)


ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


class GrantForm(FlaskForm):
    role = SelectField(_l("Behörighet"), choices=[("", _l("Välj behörighet")), *ROLE_CHOICES],
                       validators=[InputRequired(_l("Välj en behörighet."))])
    insats_id = SelectField(_l("Insats"), choices=[], validate_choice=False,
                            validators=[Optional()],
                            description=_l("Bara för deltagaransvarig."))
    valid_from = SwedishDateField(_l("Gäller från"), validators=[
        InputRequired(_l("Ange när behörigheten börjar gälla."))])
    valid_until = SwedishDateField(_l("Gäller till och med"), validators=[Optional()],
                                   description=_l("Högst två år; tomt ger två år."))


class AssignForm(FlaskForm):
    user_id = SelectField(_l("Användare"), choices=[], validate_choice=False,
                          validators=[InputRequired(_l("Välj en användare."))])
    valid_from = SwedishDateField(_l("Gäller från"), validators=[
        InputRequired(_l("Ange när uppdraget börjar gälla."))])
    valid_until = SwedishDateField(_l("Gäller till och med"), validators=[Optional()],
                                   description=_l("Högst två år; tomt ger två år."))


class ConfirmForm(FlaskForm):
    """An empty form: only the CSRF token, for POST buttons such as log out or revoke."""
