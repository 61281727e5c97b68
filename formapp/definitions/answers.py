"""Stored FK 9448/9449 answers in the form's words: the question and the answer as a reader
sees them (option labels, kommun names, "Ja"/"Nej"), never the stored codes. Translated in the
locale in force (the participant strings), so the officer's pages and the registerutdrag in the
person's language share them."""

from __future__ import annotations

from collections.abc import Mapping

from formapp.definitions.model import NO, YES, YES_NO, Field, FormDefinition, text
from formapp.domain import kommuner

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
