"""The frozen shape of a form definition, as loaded from ``forms/NNNN/form.toml``.

Every human-readable string here (titles, labels, help, option labels, rule messages) is a
Swedish *msgid*: stored untranslated, translated when displayed (:func:`text`). Nothing in this
module knows about Flask requests, WTForms or the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from flask_babel import LazyString

from formapp.i18n import _lp

FieldType = Literal[
    "personnummer",   # 12 digits, formapp.domain.personnummer
    "text",           # free text, optional max_length
    "date",           # a calendar date
    "kommun",         # a kommunkod of the 290 (formapp.domain.kommuner)
    "stadsdel",       # a stadsdel of the kommun in kommun_field, valid on date_field
    "single-choice",  # one code of an option list
    "multi-choice",   # one or more codes of an option list
    "yes-no",         # "ja" or "nej"
    "percent",        # a whole number, min..max (default 1..100)
    "fixed",          # printed on the form, not answered (e.g. Måttillfälle: Inregistrering)
]
FIELD_TYPES: frozenset[str] = frozenset(get_args(FieldType))
CHOICE_TYPES = frozenset({"single-choice", "multi-choice", "yes-no", "kommun"})

Effect = Literal["withdraw_consent", "no_after_measurement", "remove_registration"]
EFFECTS: frozenset[str] = frozenset(get_args(Effect))

YES, NO = "ja", "nej"


def text(msgid: str, **params: object) -> LazyString:
    """A definition string, translated when rendered (in the reader's locale)."""
    return _lp(msgid, **params)


@dataclass(frozen=True)
class MessageId:
    """One translatable string of a definition and where it comes from (for an extractor)."""

    msgid: str
    source: Path
    key: str  # dotted key path in the TOML file, e.g. "sections[0].fields[3].label"


@dataclass(frozen=True)
class Option:
    """One answer of an option list. ``code`` is what is stored; ``label`` and ``help`` are
    the form's words. ``public_support``: whether the option counts as offentlig försörjning
    in reports and rules (``None`` where the question does not apply). ``effect``: what choosing
    it does beyond being recorded (end reasons 6, 7, 8)."""

    code: str
    label: str
    help: str = ""
    public_support: bool | None = None
    effect: Effect | None = None
    # The paper's own help where formapp shows words of its own (the paper's name SUS): kept
    # word for word as the record of the form, never shown.
    paper_help: str = ""


@dataclass(frozen=True)
class OptionList:
    """An ordered list of options, in the paper form's reading order."""

    id: str
    options: tuple[Option, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(option.label for option in self.options)

    def get(self, code: str) -> Option:
        """The option with ``code``; ``KeyError`` when there is none."""
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(code)


YES_NO = OptionList("yes-no", (Option(YES, "Ja"), Option(NO, "Nej")))


@dataclass(frozen=True)
class Condition:
    """A test on an earlier field's answer: ``op`` "in" (any chosen code among ``values``),
    "not_in" (none among them) or "public_support" (some chosen option has
    ``public_support == flag``). TOML ``equals = "x"`` is loaded as ``in = ["x"]``."""

    field: str
    op: Literal["in", "not_in", "public_support"]
    values: tuple[str, ...] = ()
    flag: bool | None = None


@dataclass(frozen=True)
class Field:
    """One question of a form.

    ``when``: every condition must hold for the question to be asked (the section's condition
    first, then the field's own); a question not asked must be left empty. An asked question
    is required unless ``required`` is false. ``block``/``base_name``: for fields that come
    from a shared block, the block id and the name inside it (``forsorjning`` for
    ``forsorjning_fore``)."""

    name: str
    type: FieldType
    label: str
    section: str
    paper_label: str
    help: tuple[str, ...] = ()
    options: OptionList | None = None
    paper_help: tuple[str, ...] = ()  # as Option.paper_help
    required: bool = True
    when: tuple[Condition, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None
    value: str | None = None
    kommun_field: str | None = None
    date_field: str | None = None
    block: str | None = None
    base_name: str = ""


@dataclass(frozen=True)
class ContextValue:
    """A value the form shows or a rule needs but the officer does not answer (the insats,
    its period, the start date of the registration being ended). Supplied by the caller of
    :func:`formapp.definitions.validate`."""

    name: str
    type: Literal["text", "date"]
    label: str | None = None
    required: bool = True


@dataclass(frozen=True)
class Section:
    """A numbered part of the paper form; ``block`` names the shared block it includes."""

    id: str
    title: str
    fields: tuple[str, ...]
    when: Condition | None = None
    block: str | None = None


# Rules: a closed set of kinds, interpreted in formapp.definitions.validation. ``message`` is a
# msgid with %(name)s placeholders; each kind documents the ones it fills.

@dataclass(frozen=True)
class ExclusiveOption:
    """In multi-choice ``field``, ``option`` may not be chosen together with any other.
    Placeholders: option, others. Error at ``field``."""

    field: str
    option: str
    message: str

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.field,)


@dataclass(frozen=True)
class Contradiction:
    """``if_`` and ``then_not`` may not both hold. Placeholders: first, second (the answers
    that meet each condition). Error at both fields."""

    if_: Condition
    then_not: Condition
    message: str

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.if_.field, self.then_not.field)


@dataclass(frozen=True)
class RequiresAny:
    """When ``if_`` holds, at least one of ``any_of`` must. Placeholder: answer (the answer
    meeting ``if_``). Error at ``if_.field``."""

    if_: Condition
    any_of: tuple[Condition, ...]
    message: str

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.if_.field, *(condition.field for condition in self.any_of))


@dataclass(frozen=True)
class DateNotFuture:
    """Date ``field`` is not after today. No placeholders."""

    field: str
    message: str

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.field,)


@dataclass(frozen=True)
class DateNotBefore:
    """Date ``field`` is not before ``other`` (a date field or context value; skipped when
    ``other`` has no value). Placeholder: other (ISO date)."""

    field: str
    other: str
    message: str

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.field,)


@dataclass(frozen=True)
class DateNotAfter:
    """Date ``field`` is not after ``other``; as :class:`DateNotBefore`."""

    field: str
    other: str
    message: str

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.field,)


Rule = ExclusiveOption | Contradiction | RequiresAny | DateNotFuture | DateNotBefore | DateNotAfter
RULE_KINDS: dict[str, type] = {
    "exclusive_option": ExclusiveOption,
    "contradiction": Contradiction,
    "requires_any": RequiresAny,
    "date_not_future": DateNotFuture,
    "date_not_before": DateNotBefore,
    "date_not_after": DateNotAfter,
}


@dataclass(frozen=True)
class FormDefinition:
    """One form: FK ``id``, its texts, sections in order, fields by name (in form order),
    context values, option lists and rules. ``sources``: the TOML files it was built from;
    ``message_ids``: every translatable string with its origin."""

    id: str
    title: str
    paper_title: str
    footer: str
    sections: tuple[Section, ...]
    fields: Mapping[str, Field]
    context: Mapping[str, ContextValue]
    option_lists: Mapping[str, OptionList]
    rules: tuple[Rule, ...]
    sources: tuple[Path, ...]
    message_ids: tuple[MessageId, ...]

    def field(self, name: str) -> Field:
        return self.fields[name]

    def section_fields(self, section: Section) -> tuple[Field, ...]:
        return tuple(self.fields[name] for name in section.fields)
