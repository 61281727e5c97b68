"""Stored answers as an officer reads them: question and answer in the form's words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from formapp.definitions import FormDefinition, text
from formapp.definitions.answers import SKIP, answer_rows, answer_text
from formapp.records.models import Registration, RegistrationRevision

__all__ = ["SKIP", "Change", "answer_rows", "answer_text", "revision_changes"]


@dataclass(frozen=True)
class Change:
    revision: RegistrationRevision
    fields: list[tuple[str, str, str]]  # question, before, after


def revision_changes(definitions: Mapping[str, FormDefinition],
                     registration: Registration) -> list[Change]:
    """Each rättelse, newest first, with what it changed: a 9448 rättelse against the 9448
    answers after it, a 9449 rättelse against the 9449 answers after it."""
    changes = []
    newer: dict[str, Mapping[str, object]] = {"9448": registration.answers,
                                              "9449": registration.end_answers or {}}
    for revision in registration.revisions:  # newest first
        definition, before = definitions[revision.form], revision.previous_answers
        fields = [(str(text(spec.label)), answer_text(spec, before.get(name)),
                   answer_text(spec, newer[revision.form].get(name)))
                  for name, spec in definition.fields.items()
                  if name not in SKIP and before.get(name) != newer[revision.form].get(name)]
        changes.append(Change(revision, fields))
        newer[revision.form] = before
    return changes
