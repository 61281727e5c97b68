"""The confirmation step before a consent is withdrawn: one wording wherever an officer or
an administrator withdraws (the receipt page, the person's page), since it cannot be undone."""

from __future__ import annotations

from formapp.i18n import _o
from formapp.records.models import Consent
from formapp.web.confirm import confirmation_page


def confirm_withdrawal(consent: Consent, *, reason: str, action: str, cancel_url: str) -> str:
    """The page asking to confirm withdrawing ``consent``; the reason is sent again."""
    return confirmation_page(
        title=_o("Återkalla samtycket?"),
        message=_o("Samtycket från %(name)s för %(insats)s återkallas. Inga fler "
                   "personuppgifter registreras med stöd av det, och det går inte att ångra.",
                   name=consent.name, insats=consent.insats.name),
        confirm_label=_o("Ja, återkalla samtycket"),
        action=action, cancel_url=cancel_url, carry={"reason": reason})
