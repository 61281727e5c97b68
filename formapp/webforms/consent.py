"""Forms of the FK 9443 flow: the officer's start, the participant's signature, the hand-back."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from formapp.i18n import _lo, _lp
from formapp.webforms.validators import PRINTABLE, PRINTABLE_FOR_PARTICIPANT


class ConsentStartForm(FlaskForm):
    skyddad_identitet = RadioField(
        _lo("Har personen skyddad identitet?"),
        choices=[("nej", _lo("Nej")), ("ja", _lo("Ja"))],
        validators=[InputRequired(_lo("Svara om personen har skyddad identitet."))],
        description=_lo("Personer med skyddad identitet registreras alltid anonymt: inga "
                        "personuppgifter sparas."))
    personnummer = StringField(
        _lo("Personnummer (12 siffror)"), validators=[Length(max=20)],
        description=_lo("ÅÅÅÅMMDD-NNNN. Samordningsnummer går också bra."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "class": "ltr"})
    place = StringField(_lo("Ort"), validators=[Length(max=100), PRINTABLE],
                        description=_lo("Orten där samtycket lämnas; skrivs i rutan Ort och "
                                        "datum."))
    interpreter = BooleanField(_lo("Tolk läser texten för deltagaren"),
                               description=_lo("Surfplattan väntar längre innan den låses. "
                                               "Det står i det förseglade samtycket."))


class SignForm(FlaskForm):
    confirmed = BooleanField(_lp("Jag har läst texten och samtycker."))
    name = StringField(_lp("Ditt namn (namnförtydligande)"),
                       validators=[Length(max=200), PRINTABLE_FOR_PARTICIPANT],
                       render_kw={"autocomplete": "off"})
    signature = HiddenField()
    texts = HiddenField()  # the text versions the page showed (ShownTexts.versions)
    read_aloud = HiddenField()  # what was played aloud, filled by js/read-aloud.js


class ToQuestionsForm(FlaskForm):
    """From the reading page to the understanding questions (issue 19)."""

    read_aloud = HiddenField()  # what was played aloud so far, kept for the signing page


class AnswerForm(FlaskForm):
    """One understanding question (choices set by the view)."""

    choice = RadioField(validate_choice=False)
    # Seconds the question's audio played since the page showed (js/understanding.js).
    question_audio = HiddenField()


class UnderstandingSettingsForm(FlaskForm):
    """The förbund's switch for the understanding questions."""

    enabled = BooleanField(_lo("Ställ förståelsefrågor innan deltagaren skriver under"),
                           description=_lo("3–5 korta frågor om texten, på deltagarens språk "
                                           "och upplästa. Ett fel svar visar avsnittet igen; "
                                           "ingen nekas för ett fel svar. Svaren förseglas "
                                           "med samtycket."))


class HandBackForm(FlaskForm):
    password = PasswordField(_lo("Handläggarens lösenord"), validators=[
        InputRequired(_lo("Ange ditt lösenord för att ta tillbaka surfplattan."))])


class PausedForm(FlaskForm):
    """The officer's choice when the tablet came back before the signature."""

    interpreter = BooleanField(_lo("Tolk läser texten för deltagaren"),
                               description=_lo("Surfplattan väntar längre innan den låses."))
    resume = SubmitField(_lo("Lämna tillbaka surfplattan till deltagaren"))
    discard = SubmitField(_lo("Avbryt samtycket"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_lo("Varför återkallas samtycket?"), validators=[
        InputRequired(_lo("Ange hur och när personen återkallade samtycket.")),
        Length(max=1000), PRINTABLE])


class PublishTextForm(FlaskForm):
    file = FileField(_lo("Textfil (TOML, samma format som forms/9443/texts)"), validators=[
        FileRequired(_lo("Välj filen med den nya texten."))])


class ChooseTextForm(FlaskForm):
    """Which consent text new consents of the förbund use (the choices are set by the view)."""

    text = RadioField(_lo("Samtyckestext"), validate_choice=False, validators=[
        InputRequired(_lo("Välj en av samtyckestexterna."))])


class RecordingForm(FlaskForm):
    """A recording of one current text version read aloud (issue 19)."""

    text = SelectField(_lo("Textversion som läses upp"), validate_choice=False, id="audio-text",
                       validators=[InputRequired(_lo("Välj textversionen som inspelningen "
                                                     "läser."))])
    file = FileField(_lo("Inspelning (MP3, M4A, OGG, FLAC eller WAV)"), id="audio-file",
                     validators=[FileRequired(_lo("Välj ljudfilen med inspelningen."))],
                     render_kw={"accept": "audio/*,.mp3,.m4a,.ogg,.flac,.wav"})
    section_starts = StringField(
        _lo("När varje del börjar (valfritt)"), id="audio-starts", validators=[Length(max=2000)],
        description=_lo("En tid per del i textens ordning: rubriken, varje avsnitt och "
                        "samtycket, till exempel 0, 0:08, 0:31. Då markeras delen som läses. "
                        "Utan tider markeras hela texten."),
        render_kw={"class": "ltr", "autocomplete": "off"})
