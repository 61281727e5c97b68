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


class InvalidAnswers(ValueError):
    """Answers a form definition refuses (``formapp.definitions.check``): the messages by field
    name, each shown at its field."""

    def __init__(self, errors: dict[str, list]) -> None:
        super().__init__(f"{len(errors)} field(s) refused: {', '.join(sorted(errors))}")
        self.errors = errors
