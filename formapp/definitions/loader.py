"""Read ``forms/NNNN/form.toml`` (and the blocks it includes) into a :class:`FormDefinition`.

Strict on purpose: an unknown key, a missing key, a wrong type or a dangling reference is a
:class:`DefinitionError` naming the file and the key, at load time, never a surprise while a
participant waits at the tablet.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NoReturn, overload

from formapp.config import FORMS_DIR_ENV, forms_dir_setting
from formapp.definitions.model import (
    CHOICE_TYPES,
    EFFECTS,
    FIELD_TYPES,
    RULE_KINDS,
    YES_NO,
    Condition,
    ContextValue,
    Contradiction,
    DateNotAfter,
    DateNotBefore,
    DateNotFuture,
    ExclusiveOption,
    Field,
    FormDefinition,
    MessageId,
    Option,
    OptionList,
    RequiresAny,
    Rule,
    Section,
)
from formapp.domain import kommuner

# Only these are loaded: forms/9443/ holds consent texts with a layout of their own.
FORM_IDS: tuple[str, ...] = ("9448", "9449")
ENV_FORMS_DIR = FORMS_DIR_ENV

# Keys a field may carry beyond the common ones, by type.
_COMMON_FIELD_KEYS = {"name", "type", "label", "paper_label", "help", "paper_help", "required",
                      "when"}
_TYPE_KEYS: dict[str, set[str]] = {
    "personnummer": set(),
    "text": {"max_length"},
    "date": set(),
    "kommun": set(),
    "stadsdel": {"kommun_field", "date_field"},
    "single-choice": {"options"},
    "multi-choice": {"options"},
    "yes-no": set(),
    "percent": {"min", "max"},
    "fixed": {"value"},
}
_PERCENT_RANGE = (1, 100)


class DefinitionError(ValueError):
    """A form definition file is wrong; the message names the file and the key."""


_REPOSITORY_FORMS = Path(__file__).resolve().parents[2] / "forms"  # resolved once


def default_forms_dir() -> Path:
    """``$FORMAPP_FORMS_DIR``, else the repository's ``forms/`` next to the package."""
    configured = forms_dir_setting()
    if configured:
        return Path(configured)
    return _REPOSITORY_FORMS


def load_form(form_id: str, *, forms_dir: Path | None = None) -> FormDefinition:
    """The definition of FK ``form_id`` (one of :data:`FORM_IDS`), loaded once per process
    and directory."""
    if form_id not in FORM_IDS:
        raise KeyError(f"no form definition {form_id!r}; known: {', '.join(FORM_IDS)}")
    return _load_cached(form_id, (forms_dir or default_forms_dir()).resolve())


def load_forms(*, forms_dir: Path | None = None) -> dict[str, FormDefinition]:
    """All form definitions by id."""
    return {form_id: load_form(form_id, forms_dir=forms_dir) for form_id in FORM_IDS}


def message_ids(*, forms_dir: Path | None = None) -> tuple[MessageId, ...]:
    """Every translatable string of every form, with file and key, each msgid once (first
    occurrence). The TOML strings are msgids that pybabel's Python extractor cannot see; a
    catalog extractor reads them from here."""
    seen: dict[str, MessageId] = {}
    builtin = Path(__file__).with_name("model.py")
    for option in YES_NO.options:  # the yes-no type's own labels
        seen.setdefault(option.label, MessageId(option.label, builtin, "YES_NO"))
    for definition in load_forms(forms_dir=forms_dir).values():
        for item in definition.message_ids:
            seen.setdefault(item.msgid, item)
    return tuple(seen.values())


@cache
def _load_cached(form_id: str, forms_dir: Path) -> FormDefinition:
    definition = load_form_file(forms_dir / form_id / "form.toml", forms_dir=forms_dir)
    if definition.id != form_id:
        raise DefinitionError(
            f"{form_id}/form.toml: form = {definition.id!r} does not match its directory")
    return definition


# --- reading TOML tables strictly ---------------------------------------------------------

@dataclass
class _Loading:
    """State of one load: where we are, the strings seen."""

    forms_dir: Path
    message_ids: list[MessageId] = field(default_factory=list)

    def name(self, path: Path) -> str:
        try:
            return path.relative_to(self.forms_dir).as_posix()
        except ValueError:
            return str(path)


class _Table:
    """One TOML table being read: every key must be taken, or :meth:`close` complains."""

    def __init__(self, data: Any, path: Path, key: str, loading: _Loading) -> None:
        self.path, self.key, self.loading = path, key, loading
        if not isinstance(data, dict):
            self.fail("must be a table")
        self.data: dict[str, Any] = data
        self.taken: set[str] = set()

    def where(self, key: str | None = None) -> str:
        if key is None:
            return self.key or "(top level)"
        return f"{self.key}.{key}" if self.key else key

    def fail(self, message: str, key: str | None = None) -> NoReturn:
        raise DefinitionError(f"{self.loading.name(self.path)}: {self.where(key)}: {message}")

    def has(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None,
            *, required: bool = False) -> Any:
        self.taken.add(key)
        if key not in self.data:
            if required:
                self.fail("missing", key)
            return default
        value = self.data[key]
        # bool is an int in Python; a `min = true` must not pass as 1.
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
            self.fail(f"must be {_kind_name(kind)}, not {type(value).__name__}", key)
        return value

    def text(self, key: str, *, required: bool = True) -> str | None:
        value: str | None = self.get(key, str, required=required)
        if value is not None:
            if not value.strip():
                self.fail("must not be empty", key)
            self.loading.message_ids.append(MessageId(value, self.path, self.where(key)))
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.get(key, list, [])
        for index, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                self.fail("must be a non-empty string", f"{key}[{index}]")
            self.loading.message_ids.append(
                MessageId(value, self.path, self.where(f"{key}[{index}]")))
        return tuple(values)

    def strings(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        values = self.get(key, list, required=required) or []
        if not all(isinstance(value, str) for value in values):
            self.fail("must be a list of strings", key)
        return tuple(values)

    @overload
    def table(self, key: str, *, required: Literal[True]) -> _Table: ...

    @overload
    def table(self, key: str, *, required: bool = False) -> _Table | None: ...

    def table(self, key: str, *, required: bool = False) -> _Table | None:
        value = self.get(key, dict, required=required)
        return None if value is None else _Table(value, self.path, self.where(key), self.loading)

    def tables(self, key: str, *, required: bool = False) -> list[_Table]:
        values = self.get(key, list, [], required=required)
        return [_Table(value, self.path, self.where(f"{key}[{index}]"), self.loading)
                for index, value in enumerate(values)]

    def close(self) -> None:
        unknown = sorted(set(self.data) - self.taken)
        if unknown:
            raise DefinitionError(
                f"{self.loading.name(self.path)}: unknown key {self.where(unknown[0])!r}")


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", bool: "true or false", list: "a list",
             dict: "a table"}
    return " or ".join(names.get(item, item.__name__) for item in _as_tuple(kind))


def _read_toml(path: Path, loading: _Loading) -> _Table:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise DefinitionError(f"{loading.name(path)}: file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise DefinitionError(f"{loading.name(path)}: {error}") from None
    return _Table(data, path, "", loading)


# --- building the definition ----------------------------------------------------------------

@dataclass
class _Draft:
    """What a form accumulates before references are checked."""

    fields: dict[str, Field] = field(default_factory=dict)
    where: dict[str, tuple[_Table, str]] = field(default_factory=dict)  # for error messages
    option_lists: dict[str, OptionList] = field(default_factory=dict)
    option_list_origin: dict[str, Path] = field(default_factory=dict)
    pending_options: dict[str, tuple[_Table, str]] = field(default_factory=dict)
    rules: list[tuple[_Table, Rule]] = field(default_factory=list)


def load_form_file(path: Path, *, forms_dir: Path | None = None) -> FormDefinition:
    """Load one form file without caching (tests, tools). Included blocks are resolved
    relative to ``forms_dir`` (default: the file's grandparent, i.e. ``forms/``)."""
    path = path.resolve()
    forms_dir = (forms_dir or path.parent.parent).resolve()
    loading = _Loading(forms_dir)
    top = _read_toml(path, loading)
    draft = _Draft()

    form_id = top.get("form", str, required=True)
    title = top.text("title")
    paper_title = top.text("paper_title")
    footer = top.text("footer")
    context = _read_context(top)

    _read_option_lists(top, draft)
    sections = tuple(
        _read_section(table, draft, loading, set(context)) for table in top.tables(
            "sections", required=True))
    for table in top.tables("rules"):
        draft.rules.append((table, _read_rule(table, suffix="")))
    top.close()

    _resolve_options(draft)
    _check_references(draft, context)
    return FormDefinition(
        id=form_id,
        title=title or "",
        paper_title=paper_title or "",
        footer=footer or "",
        sections=sections,
        fields=MappingProxyType(dict(draft.fields)),
        context=MappingProxyType(context),
        option_lists=MappingProxyType(dict(draft.option_lists)),
        rules=tuple(rule for _, rule in draft.rules),
        sources=tuple(dict.fromkeys(
            [path, *(origin for origin in draft.option_list_origin.values())])),
        message_ids=tuple(loading.message_ids),
    )


def _read_context(top: _Table) -> dict[str, ContextValue]:
    context: dict[str, ContextValue] = {}
    for table in top.tables("context"):
        name = table.get("name", str, required=True)
        kind = table.get("type", str, required=True)
        if kind not in ("text", "date"):
            table.fail(f"unknown type {kind!r} (text or date)", "type")
        if name in context:
            table.fail(f"context value {name!r} defined twice", "name")
        context[name] = ContextValue(name, kind, table.text("label", required=False),
                                     table.get("required", bool, True))
        table.close()
    return context


def _read_option_lists(owner: _Table, draft: _Draft) -> None:
    lists = owner.table("option_lists")
    if lists is None:
        return
    for list_id in list(lists.data):
        list_table = lists.table(list_id, required=True)
        origin = draft.option_list_origin.get(list_id)
        if origin is not None and origin != owner.path:
            list_table.fail(f"option list {list_id!r} already defined in "
                            f"{owner.loading.name(origin)}")
        options: list[Option] = []
        for option_table in list_table.tables("options", required=True):
            code = option_table.get("code", str, required=True)
            if code in {option.code for option in options}:
                option_table.fail(f"option code {code!r} used twice", "code")
            effect = option_table.get("effect", str)
            if effect is not None and effect not in EFFECTS:
                option_table.fail(f"unknown effect {effect!r} ({', '.join(sorted(EFFECTS))})",
                                  "effect")
            options.append(Option(
                code=code,
                label=option_table.text("label") or "",
                help=option_table.text("help", required=False) or "",
                public_support=option_table.get("public_support", bool),
                effect=effect,
                paper_help=option_table.get("paper_help", str, "") or "",
            ))
            option_table.close()
        list_table.close()
        if not options:
            list_table.fail("has no options")
        draft.option_lists[list_id] = OptionList(list_id, tuple(options))
        draft.option_list_origin[list_id] = owner.path
    lists.close()


def _read_condition(table: _Table, suffix: str) -> Condition:
    ops = [key for key in ("equals", "in", "not_in", "public_support") if table.has(key)]
    if len(ops) != 1:
        table.fail("needs exactly one of equals, in, not_in, public_support")
    name = table.get("field", str, required=True) + suffix
    op = ops[0]
    if op == "equals":
        condition = Condition(name, "in", (table.get("equals", str),))
    elif op == "public_support":
        condition = Condition(name, "public_support", flag=table.get("public_support", bool))
    else:
        values = table.strings(op)
        if not values:
            table.fail("must not be empty", op)
        condition = Condition(name, op, values)  # type: ignore[arg-type]
    table.close()
    return condition


def _read_section(table: _Table, draft: _Draft, loading: _Loading,
                  context_names: set[str]) -> Section:
    section_id = table.get("id", str, required=True)
    title = table.text("title") or ""
    when_table = table.table("when")
    section_when = _read_condition(when_table, "") if when_table else None
    include = table.get("include", str)
    names: list[str] = []
    block_id: str | None = None
    if include is None:
        for field_table in table.tables("fields", required=True):
            names.append(_add_field(field_table, draft, context_names, section_id,
                                    section_when, suffix="", block=None))
    else:
        if table.has("fields"):
            table.fail("a section has either fields or include, not both", "fields")
        suffix = table.get("suffix", str, "")
        labels = table.table("labels", required=True)
        helps = table.table("help")
        block = _read_toml(loading.forms_dir / include, loading)
        block_id = block.get("block", str, required=True)
        _read_option_lists(block, draft)
        for field_table in block.tables("fields", required=True):
            base = field_table.get("name", str, required=True)
            if field_table.has("label") or field_table.has("help"):
                field_table.fail("a block field gets label and help from the including "
                                 "section ([sections.labels], [sections.help])")
            label = labels.text(base)
            help_texts = helps.texts(base) if helps and helps.has(base) else ()
            names.append(_add_field(field_table, draft, context_names, section_id,
                                    section_when, suffix=suffix, block=block_id,
                                    label=label, help_texts=help_texts))
        for rule_table in block.tables("rules"):
            draft.rules.append((rule_table, _read_rule(rule_table, suffix=suffix)))
        block.close()
        labels.close()  # a label for a field the block lacks is a typo
        if helps:
            helps.close()
    table.close()
    return Section(section_id, title, tuple(names), section_when, block_id)


def _add_field(table: _Table, draft: _Draft, context_names: set[str], section: str,
               section_when: Condition | None, *, suffix: str, block: str | None,
               label: str | None = None, help_texts: tuple[str, ...] = ()) -> str:
    base: str = table.get("name", str, required=True)
    if not base.isidentifier() or not base.isascii():
        table.fail(f"{base!r} is not an ASCII identifier", "name")
    name = base + suffix
    if name in draft.fields or name in context_names:
        table.fail(f"field {name!r} defined twice (or also a context value)", "name")
    kind = table.get("type", str, required=True)
    if kind not in FIELD_TYPES:
        table.fail(f"unknown type {kind!r} ({', '.join(sorted(FIELD_TYPES))})", "type")
    for key in table.data:
        if key not in _COMMON_FIELD_KEYS and key in set().union(*_TYPE_KEYS.values()) \
                and key not in _TYPE_KEYS[kind]:
            table.fail(f"does not apply to type {kind!r}", key)
    if label is None:
        label = table.text("label") or ""
        help_texts = table.texts("help")
    when_table = table.table("when")
    when = tuple(item for item in (
        section_when, _read_condition(when_table, suffix) if when_table else None) if item)
    minimum, maximum = None, None
    if kind == "percent":
        minimum = table.get("min", int, _PERCENT_RANGE[0])
        maximum = table.get("max", int, _PERCENT_RANGE[1])
        if minimum > maximum:
            table.fail("min is greater than max", "min")
    max_length = table.get("max_length", int) if kind == "text" else None
    if max_length is not None and max_length < 1:
        table.fail("must be at least 1", "max_length")
    value = table.get("value", str, required=True) if kind == "fixed" else None
    if value is not None:
        table.loading.message_ids.append(MessageId(value, table.path, table.where("value")))
    options = YES_NO if kind == "yes-no" else None
    if kind in ("single-choice", "multi-choice"):
        draft.pending_options[name] = (table, table.get("options", str, required=True))
    draft.fields[name] = Field(
        name=name,
        type=kind,
        label=label,
        section=section,
        paper_label=table.text("paper_label", required=False) or label,
        help=help_texts,
        paper_help=table.strings("paper_help", required=False),
        options=options,
        required=table.get("required", bool, True),
        when=when,
        min_value=minimum,
        max_value=maximum,
        max_length=max_length,
        value=value,
        kommun_field=(table.get("kommun_field", str, required=True) + suffix
                      if kind == "stadsdel" else None),
        date_field=_suffixed(table.get("date_field", str), suffix) if kind == "stadsdel" else None,
        block=block,
        base_name=base,
    )
    draft.where[name] = (table, base)
    table.close()
    return name


def _suffixed(name: str | None, suffix: str) -> str | None:
    return None if name is None else name + suffix


def _read_rule(table: _Table, *, suffix: str) -> Rule:
    kind = table.get("kind", str, required=True)
    if kind not in RULE_KINDS:
        table.fail(f"unknown rule kind {kind!r} ({', '.join(RULE_KINDS)})", "kind")
    message = table.text("message") or ""

    def condition(key: str) -> Condition:
        sub = table.table(key, required=True)
        return _read_condition(sub, suffix)

    def field_name(key: str = "field") -> str:
        name: str = table.get(key, str, required=True)
        return name + suffix

    rule: Rule
    if kind == "exclusive_option":
        rule = ExclusiveOption(field_name(), table.get("option", str, required=True), message)
    elif kind == "contradiction":
        rule = Contradiction(condition("if"), condition("then_not"), message)
    elif kind == "requires_any":
        any_of = tuple(_read_condition(sub, suffix) for sub in table.tables("any_of",
                                                                             required=True))
        if not any_of:
            table.fail("must not be empty", "any_of")
        rule = RequiresAny(condition("if"), any_of, message)
    elif kind == "date_not_future":
        rule = DateNotFuture(field_name(), message)
    else:
        # "other" may name a context value, which a block cannot know: no suffix for those.
        other = table.get("other", str, required=True)
        rule_type = DateNotBefore if kind == "date_not_before" else DateNotAfter
        rule = rule_type(field_name(), other, message)
    table.close()
    return rule


def _resolve_options(draft: _Draft) -> None:
    for name, (table, list_id) in draft.pending_options.items():
        if list_id not in draft.option_lists:
            table.fail(f"no option list {list_id!r}", "options")
        field_ = draft.fields[name]
        draft.fields[name] = replace(field_, options=draft.option_lists[list_id])


def _check_references(draft: _Draft, context: dict[str, ContextValue]) -> None:
    order = {name: index for index, name in enumerate(draft.fields)}

    def check_condition(table: _Table, condition: Condition, before: str | None) -> None:
        target = draft.fields.get(condition.field)
        if target is None:
            table.fail(f"condition names no field {condition.field!r}")
        if target.type not in CHOICE_TYPES:
            table.fail(f"condition on {condition.field!r} of type {target.type!r}; "
                       f"only {', '.join(sorted(CHOICE_TYPES))} can be tested")
        # Conditions look back only: no cycles, and the asked-ness of a question is known
        # once the questions before it are.
        if before is not None and order[condition.field] >= order[before]:
            table.fail(f"field {before!r} depends on {condition.field!r}, "
                       "which does not come before it")
        if condition.op == "public_support":
            options = target.options.options if target.options else ()
            if not any(option.public_support is not None for option in options):
                table.fail(f"{condition.field!r} has no options marked public_support")
            return
        valid: set[str] = (
            {item.code for item in kommuner.all_kommuner()} if target.type == "kommun"
            else set(target.options.codes if target.options else ()))
        unknown = [value for value in condition.values if value not in valid]
        if unknown:
            table.fail(f"{condition.field!r} has no option {unknown[0]!r}")

    for name, field_ in draft.fields.items():
        table, _ = draft.where[name]
        for condition in field_.when:
            check_condition(table, condition, name)
        if field_.type == "stadsdel":
            _check_stadsdel(table, field_, draft)
    for table, rule in draft.rules:
        for name in rule.fields:
            if name not in draft.fields:
                table.fail(f"rule names no field {name!r}")
        if isinstance(rule, ExclusiveOption):
            target = draft.fields[rule.field]
            if target.type != "multi-choice" or target.options is None:
                table.fail(f"{rule.field!r} is not a multi-choice field")
            if rule.option not in target.options.codes:
                table.fail(f"{rule.field!r} has no option {rule.option!r}", "option")
        elif isinstance(rule, Contradiction):
            check_condition(table, rule.if_, None)
            check_condition(table, rule.then_not, None)
        elif isinstance(rule, RequiresAny):
            for condition in (rule.if_, *rule.any_of):
                check_condition(table, condition, None)
        else:
            if draft.fields[rule.field].type != "date":
                table.fail(f"{rule.field!r} is not a date field", "field")
            if isinstance(rule, DateNotBefore | DateNotAfter):
                other = draft.fields.get(rule.other) or context.get(rule.other)
                if other is None or other.type != "date":
                    table.fail(f"{rule.other!r} is neither a date field nor a date context "
                               "value", "other")


def _check_stadsdel(table: _Table, field_: Field, draft: _Draft) -> None:
    kommun_field = draft.fields.get(field_.kommun_field or "")
    if kommun_field is None or kommun_field.type != "kommun":
        table.fail(f"{field_.kommun_field!r} is not a kommun field", "kommun_field")
    if field_.date_field is not None:
        date_field = draft.fields.get(field_.date_field)
        if date_field is None or date_field.type != "date":
            table.fail(f"{field_.date_field!r} is not a date field", "date_field")
    # The data's condition must agree with the kommuner that have stadsdelar, or a kommun would
    # be asked for a stadsdel it has none of (or the reverse).
    expected = kommuner.kommuner_with_stadsdelar()
    if not any(condition.field == field_.kommun_field and condition.op == "in"
               and set(condition.values) == expected for condition in field_.when):
        table.fail(f"needs when = {{ field = {field_.kommun_field!r}, in = "
                   f"{sorted(expected)} }}: the kommuner that have stadsdelar", "when")
