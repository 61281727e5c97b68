"""Error pages that say what happened in the user's language and leak nothing."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from formapp.extensions import db
from formapp.i18n import _lo, _lp
from formapp.protection.cipher import MisplacedValue
from formapp.records.registration_proof import DocumentNotBound

MESSAGES = {
    400: (_lp("Felaktig begäran"), _lp("Sidan kunde inte läsa det som skickades. Försök igen.")),
    403: (_lp("Ingen behörighet"), _lp("Du har inte behörighet till den här sidan.")),
    404: (_lp("Sidan finns inte"), _lp("Sidan eller uppgiften du söker finns inte.")),
    405: (_lp("Otillåten metod"), _lp("Sidan kan inte användas på det sättet.")),
    413: (_lp("För stor fil"), _lp("Det som skickades är för stort.")),
    500: (_lp("Något gick fel"), _lp("Ett oväntat fel inträffade. Inget sparades. Försök igen, "
                                   "eller kontakta förbundets administratör.")),
}


def _render(code: int) -> tuple[str, int]:
    title, text = MESSAGES.get(code, MESSAGES[500])
    return render_template("error.html", code=code, title=title, text=text), code


def configure_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> tuple[str, int]:
        title = _lp("Formuläret har gått ut")
        text = _lp("Sidan var öppen för länge eller skickades två gånger. Ladda om sidan och "
                   "försök igen.")
        return render_template("error.html", code=400, title=title, text=text), 400

    @app.errorhandler(MisplacedValue)
    def misplaced_value(error: MisplacedValue) -> tuple[str, int]:
        # A value that does not open as its row's (issue 17): never another person's data,
        # never a bare 500. The log names table, column and row; the page nothing of it.
        db.session.rollback()
        app.logger.error("encrypted value not bound to its row: %s", error)
        text = _lo("Uppgifterna i den här posten hör inte till den: ett krypterat värde har "
                   "flyttats från en annan post eller ändrats i databasen. Inget visas och "
                   "inget sparades. Be förbundets administratör köra formapp verify --all, som "
                   "visar vilka poster det gäller.")
        return render_template("error.html", code=409, title=MESSAGES[500][0], text=text), 409

    @app.errorhandler(DocumentNotBound)
    def document_not_bound(error: DocumentNotBound) -> tuple[str, int]:
        # Never another record's PDF in this one's name (issue 17).
        db.session.rollback()
        app.logger.error("%s", error)
        text = _lo("Dokumentet hör inte till den här registreringen: dess förseglade uppgifter "
                   "namnger en annan post. Det visas inte. Be förbundets administratör köra "
                   "formapp verify --all, som visar vilka poster det gäller.")
        return render_template("error.html", code=409, title=MESSAGES[500][0], text=text), 409

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return _render(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        app.logger.exception("Unhandled error", exc_info=error)
        return _render(500)
