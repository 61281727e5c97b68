"""Check answers against a form definition: the one place rule semantics live.

The web form, the CLI, an import and the property tests all call :func:`check` (or
:func:`validate`); none of them re-implements a rule. Pure Python: no request, no database.

Answers are what a form post gives, raw or already typed: a date as ``date`` or ``"YYYY-MM-DD"``,
a percent as ``int`` or digits, yes-no as ``"ja"``/``"nej"`` (or a bool), a multi-choice as a
list of codes. ``None``, ``""``, blanks and an empty list are "not answered".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from flask_babel import LazyString

from formapp.definitions.model import (
    NO,
    YES,
    Condition,
    ContextValue,
    Contradiction,
    DateNotAfter,
    DateNotBefore,
    DateNotFuture,
    ExclusiveOption,
    Field,
    FormDefinition,
    Option,
    RequiresAny,
    Rule,
    text,
)
from formapp.definitions.printable import unprintable_p
from formapp.domain import kommuner
from formapp.domain.personnummer import PersonnummerError, parse_personnummer
from formapp.i18n import _lp

Errors = dict[str, list[LazyString]]


@dataclass(frozen=True)
class Checked:
    """The outcome of :func:`check`.

    ``values``: the cleaned value of every asked, valid answer (a ``Personnummer`` for
    personnummer, ``date``, ``int``, a code, a tuple of codes in option order, the fixed value).
    ``asked``: per field, True (asked), False (not asked: must stay empty) or None (depends on
    an answer that is missing or wrong). ``errors``: messages by field name; empty means valid.
    """

    values: Mapping[str, object]
    asked: Mapping[str, bool | None]
    errors: Errors

    @property
    def ok(self) -> bool:
        return not self.errors


class _Invalid(Exception):
    def __init__(self, message: LazyString) -> None:
        super().__init__(message)
        self.message = message


def validate(definition: FormDefinition, answers: Mapping[str, object], *, today: date,
             context: Mapping[str, object] | None = None) -> Errors:
    """Messages by field name for everything wrong with ``answers``; ``{}`` when valid."""
    return check(definition, answers, today=today, context=context).errors


def check(definition: FormDefinition, answers: Mapping[str, object], *, today: date,
          context: Mapping[str, object] | None = None) -> Checked:
    """Validate and clean ``answers`` to ``definition``.

    ``context`` supplies the form's context values (insats period, the registration's start
    date); a missing required one, or an unknown one, is a programming error (``ValueError``),
    not a user error. ``today`` is the Swedish calendar date (``formapp.clock.today()``).
    """
    ctx = _check_context(definition, context or {})
    errors: Errors = {}
    values: dict[str, object] = {}
    asked: dict[str, bool | None] = {}

    # A key the form does not know is refused rather than dropped: it means the caller and the
    # definition disagree, and silently losing an answer is worse than a visible error.
    for key in answers:
        if key not in definition.fields:
            errors.setdefault(key, []).append(_lp("Blanketten har ingen sådan fråga."))

    for field in definition.fields.values():
        state, blocking = _asked(field, definition, values, asked)
        asked[field.name] = state
        raw = answers.get(field.name)
        empty = _is_empty(raw)
        if field.type == "fixed":
            # Printed, not answered: absent is fine, a different value is not.
            if not empty and raw != field.value:
                errors.setdefault(field.name, []).append(
                    _lp("Värdet ska vara ”%(value)s”.", value=text(field.value or "")))
            elif state:
                values[field.name] = field.value
            continue
        if state is False:
            if not empty:
                errors.setdefault(field.name, []).append(_not_asked_message(
                    definition, blocking, values))
            continue
        if state is None:
            # Asked or not depends on an answer that is missing or wrong, which has its own
            # message; judging this one now would only add noise. Its value is not kept.
            continue
        if empty:
            if field.required:
                errors.setdefault(field.name, []).append(_lp("Frågan måste besvaras."))
            continue
        try:
            values[field.name] = _clean(field, raw, values, today)
        except _Invalid as invalid:
            errors.setdefault(field.name, []).append(invalid.message)

    for rule in definition.rules:
        # A rule speaks only about asked, valid answers: a missing or wrong answer already has
        # its own message, and a second one about the same gap would only confuse.
        if all(asked.get(name) and name in values for name in rule.fields):
            for name, message in _apply(rule, definition, values, ctx, today):
                errors.setdefault(name, []).append(message)

    return Checked(MappingProxyType(values), MappingProxyType(asked), errors)


def _check_context(definition: FormDefinition, context: Mapping[str, object]) -> dict[str, Any]:
    unknown = set(context) - set(definition.context)
    if unknown:
        raise ValueError(f"form {definition.id}: unknown context {sorted(unknown)}")
    result: dict[str, Any] = {}
    for spec in definition.context.values():
        value = context.get(spec.name)
        if value is None:
            if spec.required:
                raise ValueError(f"form {definition.id}: context {spec.name!r} is required")
            continue
        _check_context_type(definition, spec, value)
        result[spec.name] = value
    return result


def _check_context_type(definition: FormDefinition, spec: ContextValue, value: object) -> None:
    wanted = date if spec.type == "date" else str
    if not isinstance(value, wanted) or isinstance(value, datetime):
        raise ValueError(f"form {definition.id}: context {spec.name!r} must be {wanted.__name__}")


def _is_empty(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple | set | frozenset):
        return len(raw) == 0
    return False


# --- conditions -----------------------------------------------------------------------------

def _holds(condition: Condition, value: object, field: Field) -> bool:
    chosen = _chosen(value)
    if condition.op == "in":
        return any(code in condition.values for code in chosen)
    if condition.op == "not_in":
        return not any(code in condition.values for code in chosen)
    options = field.options.options if field.options else ()
    return any(option.public_support is condition.flag
               for option in options if option.code in chosen)


def _chosen(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple) else (str(value),)


def _asked(field: Field, definition: FormDefinition, values: Mapping[str, object],
           asked: Mapping[str, bool | None]) -> tuple[bool | None, Condition | None]:
    """Whether ``field`` is asked given the earlier answers, and the condition that says no."""
    state: bool | None = True
    for condition in field.when:
        controlling = asked.get(condition.field)
        if controlling is False:
            return False, condition
        if controlling is None or condition.field not in values:
            state = None  # depends on an answer we do not have (yet)
            continue
        if not _holds(condition, values[condition.field], definition.fields[condition.field]):
            return False, condition
    return state, None


def _not_asked_message(definition: FormDefinition, blocking: Condition | None,
                       values: Mapping[str, object]) -> LazyString:
    if blocking is None or blocking.field not in values:
        return _lp("Frågan ska inte besvaras här.")
    controlling = definition.fields[blocking.field]
    return _lp("Frågan ska inte besvaras när ”%(question)s” är ”%(answer)s”.",
               question=text(controlling.label),
               answer=_answer_text(controlling, values[blocking.field]))


# --- cleaning by type -------------------------------------------------------------------------

def _clean(field: Field, raw: object, values: Mapping[str, object], today: date) -> object:
    return _CLEANERS[field.type](field, raw, values, today)


def _clean_personnummer(field: Field, raw: object, values: Mapping[str, object],
                        today: date) -> object:
    if not isinstance(raw, str):
        raise _Invalid(_lp("Ange personnumret med 12 siffror (ÅÅÅÅMMDD-NNNN)."))
    try:
        return parse_personnummer(raw, today=today)
    except PersonnummerError as error:
        raise _Invalid(error.message) from None


def _clean_text(field: Field, raw: object, values: Mapping[str, object], today: date) -> object:
    if not isinstance(raw, str):
        raise _Invalid(_lp("Skriv en text."))
    value = " ".join(raw.split())  # a name typed on a tablet often carries stray blanks
    # Every text answer is printed in the sealed PDF: what no font draws, control characters
    # (NUL can not even be stored in PostgreSQL) and bidi controls are refused here, by name.
    unprintable = unprintable_p(value)
    if unprintable is not None:
        raise _Invalid(unprintable)
    if field.max_length is not None and len(value) > field.max_length:
        raise _Invalid(_lp("Högst %(max)d tecken.", max=field.max_length))
    return value


def _clean_date(field: Field, raw: object, values: Mapping[str, object], today: date) -> object:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    # Only YYYY-MM-DD: fromisoformat would also take "20240101" and week dates.
    if isinstance(raw, str) and len(raw.strip()) == 10 and raw.strip()[4::3] == "--":
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise _Invalid(_lp("Ange ett datum som finns, skrivet ÅÅÅÅ-MM-DD."))


def _clean_kommun(field: Field, raw: object, values: Mapping[str, object], today: date) -> object:
    if not kommuner.is_kommun(raw):
        raise _Invalid(_lp("Välj en av Sveriges kommuner."))
    return raw


def _clean_stadsdel(field: Field, raw: object, values: Mapping[str, object],
                    today: date) -> object:
    code = values.get(field.kommun_field or "")
    if not isinstance(raw, str) or not isinstance(code, str):
        raise _Invalid(_lp("Välj en stadsdel i listan."))
    on = values.get(field.date_field or "")
    names = kommuner.stadsdelar(code, on if isinstance(on, date) else today)
    if raw not in names:
        raise _Invalid(_lp("”%(value)s” är inte en stadsdel i %(kommun)s. Välj en i listan.",
                           value=raw, kommun=kommuner.kommun(code).name))
    return raw


def _clean_single(field: Field, raw: object, values: Mapping[str, object], today: date) -> object:
    assert field.options is not None
    if not isinstance(raw, str) or raw not in field.options.codes:
        raise _Invalid(_lp("Välj ett av alternativen."))
    return raw


def _clean_multi(field: Field, raw: object, values: Mapping[str, object], today: date) -> object:
    assert field.options is not None
    if not isinstance(raw, list | tuple | set | frozenset) or not all(
            isinstance(code, str) and code in field.options.codes for code in raw):
        raise _Invalid(_lp("Välj ett eller flera av alternativen."))
    if len(set(raw)) != len(raw):
        raise _Invalid(_lp("Samma alternativ är valt två gånger."))
    return tuple(code for code in field.options.codes if code in raw)  # in the form's order


def _clean_yes_no(field: Field, raw: object, values: Mapping[str, object], today: date) -> object:
    if isinstance(raw, bool):
        return YES if raw else NO
    if raw in (YES, NO):
        return raw
    raise _Invalid(_lp("Svara ja eller nej."))


def _clean_percent(field: Field, raw: object, values: Mapping[str, object],
                   today: date) -> object:
    low, high = field.min_value or 0, field.max_value or 100
    number: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    elif isinstance(raw, str) and raw.strip().removesuffix("%").strip().isdecimal():
        number = int(raw.strip().removesuffix("%").strip())
    if number is None or not low <= number <= high:
        raise _Invalid(_lp("Ange ett heltal från %(min)d till %(max)d.", min=low, max=high))
    return number


_CLEANERS: dict[str, Callable[[Field, object, Mapping[str, object], date], object]] = {
    "personnummer": _clean_personnummer,
    "text": _clean_text,
    "date": _clean_date,
    "kommun": _clean_kommun,
    "stadsdel": _clean_stadsdel,
    "single-choice": _clean_single,
    "multi-choice": _clean_multi,
    "yes-no": _clean_yes_no,
    "percent": _clean_percent,
}


# --- rules ----------------------------------------------------------------------------------

def _labels(labels: list[str]) -> LazyString:
    """Option labels joined, each translated when the message is rendered."""
    return LazyString(lambda: ", ".join(str(text(label)) for label in labels))


def _matching(field: Field, value: object, condition: Condition) -> list[Option]:
    options = field.options.options if field.options else ()
    return [option for option in options if option.code in _chosen(value)
            and _holds(condition, (option.code,), field)]


def _answer_text(field: Field, value: object) -> object:
    if field.type == "kommun" and isinstance(value, str):
        return kommuner.kommun(value).name
    if field.options is None:
        return str(value)
    return _labels([field.options.get(code).label for code in _chosen(value)])


def _apply(rule: Rule, definition: FormDefinition, values: Mapping[str, object],
           context: Mapping[str, object], today: date) -> list[tuple[str, LazyString]]:
    fields = definition.fields
    if isinstance(rule, ExclusiveOption):
        chosen = _chosen(values[rule.field])
        if rule.option in chosen and len(chosen) > 1:
            options = fields[rule.field].options
            assert options is not None
            others = [options.get(code).label for code in chosen if code != rule.option]
            return [(rule.field, _lp(rule.message, option=text(options.get(rule.option).label),
                                     others=_labels(others)))]
    elif isinstance(rule, Contradiction):
        first_field, second_field = fields[rule.if_.field], fields[rule.then_not.field]
        first = _matching(first_field, values[first_field.name], rule.if_)
        second = _matching(second_field, values[second_field.name], rule.then_not)
        if first and second:
            message = _lp(rule.message, first=_labels([option.label for option in first]),
                          second=_labels([option.label for option in second]))
            return [(first_field.name, message), (second_field.name, message)]
    elif isinstance(rule, RequiresAny):
        if_field = fields[rule.if_.field]
        if _holds(rule.if_, values[if_field.name], if_field) and not any(
                _holds(condition, values[condition.field], fields[condition.field])
                for condition in rule.any_of):
            return [(if_field.name, _lp(rule.message,
                                        answer=_answer_text(if_field, values[if_field.name])))]
    elif isinstance(rule, DateNotFuture):
        if values[rule.field] > today:  # type: ignore[operator]
            return [(rule.field, _lp(rule.message))]
    elif isinstance(rule, DateNotBefore | DateNotAfter):
        other = values.get(rule.other, context.get(rule.other))
        if isinstance(other, date):
            value = values[rule.field]
            wrong = value < other if isinstance(rule, DateNotBefore) else value > other  # type: ignore[operator]
            if wrong:
                return [(rule.field, _lp(rule.message, other=other.isoformat()))]
    return []

