"""Form definitions: ``forms/NNNN/form.toml`` loaded into frozen dataclasses, and the one
validation of answers against them.

Public API::

    load_form(form_id, *, forms_dir=None) -> FormDefinition      # cached per process
    load_forms(*, forms_dir=None) -> dict[str, FormDefinition]   # 9448 and 9449
    load_form_file(path, *, forms_dir=None) -> FormDefinition    # uncached (tests, tools)
    message_ids(*, forms_dir=None) -> tuple[MessageId, ...]       # msgids for the extractor
    validate(definition, answers, *, today, context=None) -> dict[str, list[LazyString]]
    check(definition, answers, *, today, context=None) -> Checked  # errors + cleaned values
    text(msgid, **params) -> LazyString                           # a definition string, translated

The forms directory is ``$FORMAPP_FORMS_DIR`` or the repository's ``forms/``. Only
:data:`FORM_IDS` are loaded (``forms/9443/`` holds consent texts, read elsewhere).

TOML schema (unknown keys are errors naming file and key)
---------------------------------------------------------
Top level of ``forms/NNNN/form.toml``::

    form = "9448"                  # must match the directory
    title, paper_title, footer     # the paper form's texts
    [[context]]                    # values supplied by the caller, not answered:
      name, type = "text"|"date", label?, required? (default true)
    [[sections]]                   # in paper order
      id, title, when?             # when: a condition (below) for the whole section
      [[sections.fields]]          # either fields ...
        name, type, label, paper_label?, help? (list of paragraphs), required? (true),
        when?,                     # a condition on an earlier field
        options (single-/multi-choice: an option list id), min/max (percent, 1..100),
        max_length (text), value (fixed), kommun_field + date_field? (stadsdel)
      include = "common/x.toml"    # ... or a shared block, with
      suffix = "_fore"             #   appended to every block field name,
      [sections.labels]            #   block field name -> this form's question wording,
      [sections.help]              #   block field name -> list of paragraphs
    [option_lists.<id>]
      options = [{ code, label, help?, public_support?, effect? }, ...]   # paper order
    [[rules]]
      kind = ..., message = "msgid with %(placeholders)s", and per kind:
        exclusive_option  field, option                    placeholders: option, others
        contradiction     if = cond, then_not = cond        placeholders: first, second
        requires_any      if = cond, any_of = [cond, ...]   placeholder:  answer
        date_not_future   field
        date_not_before   field, other (date field or date context)  placeholder: other
        date_not_after    field, other                                 placeholder: other

A condition is ``{ field = "x", equals = "code" }``, ``in = [...]``, ``not_in = [...]`` or
``public_support = true|false`` (some chosen option has that flag). A block file
(``forms/common/*.toml``) has ``block = "<id>"``, ``[[fields]]`` without label/help,
``[option_lists.*]`` and ``[[rules]]``; its names are local and get the section's suffix.

Every string a person reads is a Swedish msgid, translated at display time; pybabel cannot see
them in TOML, so :func:`message_ids` lists them (with file and key) for the catalog extractor.
"""

from formapp.definitions.loader import (
    ENV_FORMS_DIR,
    FORM_IDS,
    DefinitionError,
    default_forms_dir,
    load_form,
    load_form_file,
    load_forms,
    message_ids,
)
from formapp.definitions.model import (
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
    text,
)
from formapp.definitions.validation import Checked, check, validate

__all__ = [
    "ENV_FORMS_DIR",
    "FORM_IDS",
    "YES_NO",
    "Checked",
    "Condition",
    "ContextValue",
    "Contradiction",
    "DateNotAfter",
    "DateNotBefore",
    "DateNotFuture",
    "DefinitionError",
    "ExclusiveOption",
    "Field",
    "FormDefinition",
    "MessageId",
    "Option",
    "OptionList",
    "RequiresAny",
    "Rule",
    "Section",
    "check",
    "default_forms_dir",
    "load_form",
    "load_form_file",
    "load_forms",
    "message_ids",
    "text",
    "validate",
]
