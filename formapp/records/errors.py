"""Rule violations raised by store functions and shown by the web layer at the field named."""

from __future__ import annotations


class RuleViolation(ValueError):
    """Input that breaks a rule. ``field`` is the form field to show ``message`` at."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


class NotFound(LookupError):
    """The record does not exist, or the user may not know that it does."""
