"""What each audit event code means, in words an administrator reads (Swedish msgids; English
in officer.po). One mapping for the Granskningslogg's filter and its table; a test checks that
every code the code writes has a label here."""

from __future__ import annotations

from formapp.i18n import _lo

EVENT_LABELS = {
    # Consents (FK 9443)
    "consent.signed": _lo("Samtycke undertecknat"),
    "consent.withdrawn": _lo("Samtycke återkallat"),
    "consent.viewed": _lo("Visade ett samtycke"),
    "consent.pdf": _lo("Öppnade samtyckets PDF"),
    "consent.withdrawal_pdf": _lo("Öppnade kvittot på en återkallelse"),
    "consents.listed": _lo("Visade en lista med samtycken"),
    "consent_text.published": _lo("Samtyckestext publicerad"),
    "consent_text.chosen": _lo("Valde samtyckestext för nya samtycken"),
    "consent_audio.uploaded": _lo("Laddade upp en inspelning av en samtyckestext"),
    "forbund.understanding": _lo("Slog på eller av förståelsefrågorna"),
    "consent.interpreter": _lo("Slog på eller av ”Tolk läser” för en deltagare"),
    "consent.drafts_purged": _lo("Rensade samtycken som aldrig skrevs under"),
    # Registrations (FK 9448, FK 9449)
    "registration.registered": _lo("Deltagare inregistrerad (FK 9448)"),
    "registration.corrected": _lo("Inregistreringen rättad"),
    "registration.ended": _lo("Deltagare utregistrerad (FK 9449)"),
    "registration.end_corrected": _lo("Utregistreringen rättad"),
    "registration.erased": _lo("Felregistrering borttagen"),
    "registration.gate": _lo("Sökte personnummer för inregistrering"),
    "registration.form_opened": _lo("Öppnade inregistreringen (FK 9448)"),
    "registration.viewed": _lo("Visade en registrering"),
    "registration.correction_opened": _lo("Öppnade rättelse av inregistreringen (FK 9448)"),
    "registration.pdf": _lo("Öppnade inregistreringens PDF"),
    "registration.revision_pdf": _lo("Öppnade en tidigare blankett i historiken"),
    "registration.erasure_opened": _lo("Visade vad en felregistrering tar bort"),
    "deregistration.form_opened": _lo("Öppnade utregistreringen (FK 9449)"),
    "deregistration.correction_opened": _lo("Öppnade rättelse av utregistreringen (FK 9449)"),
    "deregistration.pdf": _lo("Öppnade utregistreringens PDF"),
    "participants.searched": _lo("Sökte deltagare"),
    "participants.listed": _lo("Visade insatsens deltagarlista"),
    # Persons and their rights
    "person.viewed": _lo("Visade en persons uppgifter"),
    "gdpr.registerutdrag": _lo("Registerutdrag skapat"),
    "retention.disposed": _lo("Gallrat efter lagringstiden"),
    # Reports, export and import
    "export_excel": _lo("Exporterade till Excel"),
    "export_excel_identity": _lo("Exporterade till Excel med personnummer och namn"),
    "import_excel": _lo("Importerade från Excel"),
    # Users, permissions, förbund
    "user.created": _lo("Användare skapad"),
    "user.changed": _lo("Användare ändrad"),
    "user.password_changed": _lo("Bytte sitt lösenord"),
    "user.password_reset": _lo("Lösenord återställt av en administratör"),
    "user.idp_linked": _lo("Användare kopplad till organisationens inloggning"),
    "user.idp_unlinked": _lo("Koppling till organisationens inloggning borttagen"),
    "user.created_from_idp": _lo("Användare skapad vid första inloggningen via organisationen"),
    "user.totp_enabled": _lo("Började använda engångskoder (TOTP)"),
    "user.totp_disabled": _lo("Slutade använda engångskoder (TOTP)"),
    "user.totp_reset": _lo("Engångskoder återställda av en administratör"),
    "user.recovery_codes_renewed": _lo("Nya reservkoder skapade"),
    "user.recovery_code_used": _lo("Loggade in med en reservkod"),
    "user.pin_set": _lo("Valde kod för att ta tillbaka surfplattan"),
    "login.idp_refused": _lo("Inloggning via organisationen nekad"),
    "grant.added": _lo("Behörighet tillagd"),
    "grant.renewed": _lo("Behörighet förnyad"),
    "grant.revoked": _lo("Behörighet borttagen"),
    "forbund.created": _lo("Förbund skapat"),
    "forbund.changed": _lo("Förbund ändrat"),
    # The system
    "audit.searched": _lo("Sökte i granskningsloggen"),
    "keys.rotated": _lo("Krypteringsnycklar bytta"),
    "archive.renewed": _lo("Förnyade arkivbeviset (dokumenttidsstämpel)"),
    "archive.exported": _lo("Exporterade ett arkiverat dokument"),
}


def event_label(code: str) -> object:
    """The label of ``code``; a code without one (an older or newer version's) as it is."""
    return EVENT_LABELS.get(code, code)
