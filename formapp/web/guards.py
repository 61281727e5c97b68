"""Helpers every view uses to refuse what the user may not do, and to load records."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from flask_wtf import FlaskForm

from formapp.extensions import db
from formapp.records.errors import RuleViolation

T = TypeVar("T")


def require(allowed: bool) -> None:
    """403 unless ``allowed``; the permission functions in records.access decide."""
    if not allowed:
        abort(403)


def get_or_404(model: type[T], ident: int) -> T:
    record = db.session.get(model, ident)
    if record is None:
        abort(404)
    return record


def show_violation(form: FlaskForm, violation: RuleViolation) -> None:
    """Put a store rule's message at the field it names (or at the form's top)."""
    db.session.rollback()  # nothing half-saved
    field = getattr(form, violation.field, None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, violation.message]
    else:
        form.form_errors.append(violation.message)
