"""Forms of the report pages: the participant export and the Excel import."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from formapp.i18n import _lo


class ExportForm(FlaskForm):
    year = StringField(_lo("Avslutade år"), validators=[
        Optional(), Regexp(r"^\d{4}$", message=_lo("Ange ett år med fyra siffror."))],
        description=_lo("Tomt: alla år."))
    insats_id = SelectField(_lo("Insats"), choices=[], validate_choice=True)
    full = BooleanField(_lo("Alla blankettens uppgifter (utbildning, försörjning före och "
                            "efter …), som behövs för att importera filen igen"))
    identity = BooleanField(_lo("Med personnummer och namn"))
    reason = TextAreaField(_lo("Varför behövs personnummer och namn?"), validators=[
        Length(max=500)], description=_lo("Krävs med personnummer och namn; sparas i "
                                          "loggen över vem som tagit ut personuppgifter."))


class ImportForm(FlaskForm):
    insats_id = SelectField(_lo("Insats"), choices=[], validate_choice=True)
    file = FileField(_lo("Excel-fil (.xlsx)"), validators=[
        FileRequired(_lo("Välj en Excel-fil."))],
        description=_lo("En deltagarexport från formapp med personnummer och alla "
                        "blankettens uppgifter."))
    # One input taking many files: no packing step (a zip would need its own limits on
    # unpacked size), and each file is checked and reported on its own.
    scans = MultipleFileField(_lo("Underskrivna samtycken på papper (FK 9443), skannade som "
                                  "PDF"), description=_lo(
        "Frivilligt. En PDF per rad, med radnumret i Excel (till exempel 12.pdf) eller "
        "personnumret som filnamn. Bara rader med ett sådant samtycke, eller med ett samtycke "
        "som redan finns i formapp, importeras med personnummer och namn; övriga rader räknas "
        "som anonyma deltaganden (år och kön)."),
        render_kw={"accept": "application/pdf,.pdf"})
    mode = RadioField(_lo("Om någon rad har fel"), choices=[
        ("alla", _lo("Importera ingenting")),
        ("giltiga", _lo("Importera de giltiga raderna"))], default="alla",
        validators=[InputRequired(_lo("Välj vad som ska hända om någon rad har fel."))])
    reason = TextAreaField(_lo("Varför importeras deltagarna?"), validators=[
        InputRequired(_lo("Ange varför deltagarna importeras.")), Length(max=500)],
        description=_lo("Till exempel: flytt från förbundets tidigare uppföljning i Excel."))
