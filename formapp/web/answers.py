"""Stored answers as an officer reads them: question and answer in the form's words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from formapp.definitions import Field, FormDefinition, text
from formapp.definitions.model import NO, YES, YES_NO
from formapp.domain import kommuner
from formapp.records.models import Registration, RegistrationRevision

SKIP = frozenset({"personnummer", "mattillfalle"})


def answer_text(spec: Field, value: object) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if spec.type == "kommun" and kommuner.is_kommun(value):
        return kommuner.kommun(str(value)).name
    if spec.type == "yes-no":
        return str(text(YES_NO.get(YES if value == YES else NO).label))
    if spec.type == "percent":
        return f"{value} %"
    if spec.options is not None:
        codes = value if isinstance(value, list | tuple) else [value]
        labels = []
        for code in codes:
            try:
                labels.append(str(text(spec.options.get(str(code)).label)))
            except KeyError:
                labels.append(str(code))
        return ", ".join(labels)
    return str(value)


def answer_rows(definition: FormDefinition, stored: Mapping[str, object]) -> list[tuple[str, str]]:
    """(question, answer) in form order, for the questions that were answered."""
    return [(str(text(spec.label)), answer_text(spec, stored[name]))
            for name, spec in definition.fields.items()
            if name in stored and name not in SKIP]


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
