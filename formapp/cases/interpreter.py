""""Tolk läser" (issue 19): whether an interpreter reads the text aloud to the participant.

The officer turns it on or off on the start form or the pause screen; it lengthens the idle
lock and is sealed with the consent. Each change is audited, about the person, so the
registerutdrag and the Granskningslogg show who said an interpreter read, and when.
"""

from __future__ import annotations

from formapp.records.audit import log_event
from formapp.records.models import ConsentDraft, User


def set_interpreter(draft: ConsentDraft, enabled: bool, *, by: User) -> bool:
    """Set the draft's "tolk läser"; audited when it changes (True then). Flushes only."""
    if bool(draft.interpreter) == enabled:
        return False
    draft.interpreter = enabled
    log_event(actor=by, action="consent.interpreter", subject=f"consent_draft:{draft.id}",
              why="Tolk läser texten för deltagaren" if enabled
              else "Tolk läser inte längre texten för deltagaren",
              forbund_id=draft.insats.forbund_id, personnummer=draft.personnummer,
              details={"interpreter": enabled, "insats_id": draft.insats_id})
    return True
