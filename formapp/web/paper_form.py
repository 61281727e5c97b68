"""FK 9448 and FK 9449 as web pages, generated from their definitions.

One way to render (``templates/registration/_paper_form_body.html`` picks markup by field
type) and one way to validate (the store calls ``formapp.definitions.check``); this module only
moves answers between the request and those two, and runs a store function once per page.
The template's markup around the answers is rendered once per form, question language and set
of fixed fields and filled with each request's answers (:class:`Answers`).

The participant can follow along: the questions, options, help and messages (participant
strings) are rendered in the *question language* chosen on the page, while the officer's own
texts stay in the officer's language and the answers stay as they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from flask import current_app, flash, redirect, render_template, request
from flask_babel import force_locale, get_locale
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from formapp.clock import today
from formapp.definitions import YES_NO, Condition, Field, FormDefinition, text
from formapp.domain import kommuner
from formapp.extensions import db
from formapp.i18n import LocaleInfo, Registry, _o, registry
from formapp.i18n.domains import participant_domain
from formapp.records.errors import InvalidAnswers, RuleViolation
from formapp.records.submissions import claim, earlier_result, usable_token

QUESTION_LANGUAGE = "qlang"
SWITCH_LANGUAGE = "show_language"
ONCE = "once"
# Filled by the store from the record (the consent's person), never from the post.
SERVER_FIELDS = frozenset({"personnummer"})


@dataclass
class PaperForm:
    """What one rendering of a paper form needs: the answers as typed, messages by field."""

    definition: FormDefinition
    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, list] = field(default_factory=dict)
    form_errors: list = field(default_factory=list)
    fixed: dict[str, str] = field(default_factory=dict)  # shown, not answered (personnummer)
    context: Mapping[str, object] = field(default_factory=dict)

    def refuse(self, error: InvalidAnswers | RuleViolation) -> None:
        """Put a store's refusal at its fields (or at the top when it names none)."""
        if isinstance(error, InvalidAnswers):
            for name, messages in error.errors.items():
                if name in self.definition.fields and name not in SERVER_FIELDS:
                    self.errors.setdefault(name, []).extend(messages)
                else:
                    self.form_errors.extend(messages)
        elif error.field in self.definition.fields and error.field not in SERVER_FIELDS:
            self.errors.setdefault(error.field, []).append(error.message)
        else:
            self.form_errors.append(error.message)


def answers_from_post(definition: FormDefinition) -> dict[str, object]:
    """The raw answers of the post, one per question (lists for multi-choice)."""
    answers: dict[str, object] = {}
    for name, spec in definition.fields.items():
        if name in SERVER_FIELDS or spec.type == "fixed":
            continue
        if spec.type == "multi-choice":
            answers[name] = request.form.getlist(name)
        else:
            answers[name] = request.form.get(name)
    return answers


def stored_answers(definition: FormDefinition, stored: Mapping[str, object]) -> dict[str, object]:
    """Stored JSON answers as a form shows them (they are valid raw answers already)."""
    return {name: value for name, value in stored.items()
            if name in definition.fields and name not in SERVER_FIELDS
            and definition.fields[name].type != "fixed"}


def question_locale() -> LocaleInfo:
    """The language of the questions: the page's choice, else the officer's own."""
    locales = registry()
    chosen = request.values.get(QUESTION_LANGUAGE)
    if chosen is not None and chosen in locales:
        return locales[chosen]
    return locales[str(get_locale())]


def switching_language() -> bool:
    return request.method == "POST" and SWITCH_LANGUAGE in request.form


def once_token() -> str:
    """This page's one-time token: the posted one, or a new one for a fresh page."""
    posted = request.form.get(ONCE, "") if request.method == "POST" else ""
    return usable_token(posted)


# --- rendering -------------------------------------------------------------------------------

def _when(conditions: tuple[Condition, ...]) -> str:
    """A field's conditions for the page script (it hides what is not asked; the server
    decides)."""
    return json.dumps([{"field": c.field, "op": c.op, "values": list(c.values)}
                       for c in conditions if c.op in ("in", "not_in")])


def _sv_key(name: str) -> str:
    return name.lower().translate(str.maketrans("åäöéü", "{|}eu"))


def kommun_options() -> list[tuple[str, str]]:
    return sorted(((k.code, k.name) for k in kommuner.all_kommuner()),
                  key=lambda item: _sv_key(item[1]))


@cache
def _kommun_option_tags() -> tuple[tuple[str, Markup], ...]:
    """Every kommun's ``<option>``, escaped once per process: 290 options escaped by Jinja on
    every page were most of FK 9448's server time."""
    return tuple((code, Markup('<option value="{}">{}</option>').format(code, name))
                 for code, name in kommun_options())


def kommun_option_list(selected: object) -> Markup:
    """The kommun options with ``selected`` (a code, or anything else for none) marked."""
    # Every part is already Markup: join as text (Markup.join would escape each again).
    return Markup("\n".join(
        Markup('<option value="{}" selected>{}</option>').format(code, kommuner.kommun(code).name)
        if code == selected else tag for code, tag in _kommun_option_tags()))


def _stadsdel_lists_on(spec: Field, values: Mapping[str, object],
                       ) -> list[tuple[str, kommuner.StadsdelList]]:
    """Each kommun with stadsdelar and its list valid on the form's date (as
    ``kommuner.stadsdelar``: the list valid that day; before the oldest, the oldest)."""
    on = values.get(spec.date_field or "")
    try:
        day = date.fromisoformat(on) if isinstance(on, str) and on else today()
    except ValueError:
        day = today()
    chosen = []
    for code in sorted(kommuner.kommuner_with_stadsdelar()):
        lists = kommuner.stadsdel_lists(code)
        fallback = lists[0] if day < lists[0].valid_from else lists[-1]
        chosen.append((code, next((item for item in lists if item.covers(day)), fallback)))
    return chosen


@cache
def _stadsdel_option_groups(code: str, stadsdelar: kommuner.StadsdelList,
                            ) -> tuple[tuple[Markup, tuple[tuple[str, Markup], ...]], ...]:
    """A kommun's ``<optgroup>`` lines (one per Göteborg stadsområde) with their ``<option>``
    lines, escaped once per process."""
    name = kommuner.kommun(code).name
    groups = ([(f"{name} – {area}", members) for area, members in stadsdelar.groups]
              if stadsdelar.groups else [(name, stadsdelar.names)])
    return tuple(
        (Markup('    <optgroup label="{}" data-kommun="{}">').format(label, code),
         tuple((member, Markup('      <option value="{}" >{}</option>').format(member, member))
               for member in members))
        for label, members in groups)


def stadsdel_option_list(spec: Field, values: Mapping[str, object]) -> Markup:
    """The stadsdel option groups valid on the form's date, one line each, with the answer
    (a stadsdel of the kommun answered) selected."""
    chosen_kommun, chosen = values.get(spec.kommun_field or ""), values.get(spec.name)
    lines: list[str] = []
    for code, stadsdelar in _stadsdel_lists_on(spec, values):
        for opening, options in _stadsdel_option_groups(code, stadsdelar):
            lines.append(opening)
            lines.extend(Markup('      <option value="{}" selected>{}</option>').format(name, name)
                         if code == chosen_kommun and name == chosen else tag
                         for name, tag in options)
            lines.append("    </optgroup>")
    return Markup("\n".join(lines))  # every part is Markup already


class Answers:
    """What a paper form's page shows that depends on the request: the answers as typed,
    the messages at the fields, the fixed and context values. The body template takes these
    from here and from nowhere else, so everything else in it can be rendered once and reused
    (:class:`_Skeleton`). Each returns the escaped markup the template puts in its place."""

    def __init__(self, form: PaperForm) -> None:
        self.form = form

    def has_error(self, name: str) -> Markup:
        return Markup(" has-error") if self.form.errors.get(name) else Markup()

    def invalid(self, name: str) -> Markup:
        return Markup('aria-invalid="true"') if self.form.errors.get(name) else Markup()

    def described_by(self, spec: Field) -> Markup:
        ids = [f"f-{spec.name}-help{index}" for index in range(1, len(spec.help) + 1)]
        if self.form.errors.get(spec.name):
            ids.append(f"f-{spec.name}-errors")
        return Markup('aria-describedby="{}"').format(" ".join(ids)) if ids else Markup()

    def errors(self, name: str) -> Markup:
        # Not role="alert" (a list it would no longer be): the field names it in
        # aria-describedby and the form's summary above it is the alert.
        messages = self.form.errors.get(name)
        if not messages:
            return Markup()
        items = Markup().join(Markup("<li>{}</li>").format(message) for message in messages)
        return Markup('  <ul class="field-errors" id="f-{}-errors">\n{}  </ul>\n'
                      ).format(name, items)

    def value(self, name: str) -> Markup:
        value = self.form.values.get(name)
        return escape("" if value is None else value)

    def chosen(self, name: str, code: str) -> Markup:
        value = self.form.values.get(name)
        if isinstance(value, str):
            return Markup("checked") if value == code else Markup()
        return Markup("checked") if value and code in value else Markup()  # type: ignore[operator]

    def kommun_options(self, name: str) -> Markup:
        return kommun_option_list(self.form.values.get(name))

    def stadsdel_options(self, spec: Field) -> Markup:
        return stadsdel_option_list(spec, self.form.values)

    def fixed(self, name: str) -> Markup:
        return escape(self.form.fixed[name])

    def context(self, name: str) -> Markup:
        return escape(self.form.context.get(name, ""))


_BODY = "registration/_paper_form_body.html"
_SLOT = "\x00"


class _Slots:
    """Stands in for :class:`Answers` while a skeleton is rendered: every call leaves a
    numbered mark in the output and is remembered, to be asked of the real answers later."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []

    def __getattr__(self, method: str) -> Callable[..., Markup]:
        if not callable(getattr(Answers, method, None)):
            raise AttributeError(method)

        def slot(*args: object) -> Markup:
            self.calls.append((method, args))
            return Markup(f"{_SLOT}{len(self.calls) - 1}{_SLOT}")
        return slot


@dataclass(frozen=True, eq=False)
class _Skeleton:
    """A paper form's body rendered without any request's data: the markup between the
    :class:`Answers` calls (``parts``, one more than ``calls``) and the calls in page order.
    It depends on the template, the definition, the question language's catalog and which
    fields are fixed, and is kept for exactly those (see :func:`_skeleton`)."""

    template: object
    definition: FormDefinition
    translations: object
    parts: tuple[str, ...]
    calls: tuple[tuple[str, tuple[object, ...]], ...]

    def fill(self, answers: Answers) -> Markup:
        out = [self.parts[0]]
        for (method, args), part in zip(self.calls, self.parts[1:], strict=True):
            out.append(getattr(answers, method)(*args))
            out.append(part)
        return Markup("".join(out))  # the parts were escaped when rendered


def _body_context(form: PaperForm, locale: LocaleInfo, answers: Answers | _Slots,
                  ) -> dict[str, object]:
    return {"definition": form.definition, "text": text, "when": _when, "locale": locale,
            "yes_no": [(o.code, o.label) for o in YES_NO.options],
            "fixed_names": frozenset(form.fixed), "answers": answers}


def _skeleton(form: PaperForm, locale: LocaleInfo) -> _Skeleton:
    """The form's body in ``locale`` (forced by the caller) without the request's data,
    rendered once per app, form, question language and set of fixed fields; rendered again
    when the template (reloaded in development), the definition or the catalog is another
    object than it was rendered from."""
    template = current_app.jinja_env.get_template(_BODY)
    translations = participant_domain.get_translations()
    key = (form.definition.id, locale.id, frozenset(form.fixed))
    skeletons = current_app.extensions.setdefault("formapp.paper_form_skeletons", {})
    skeleton = skeletons.get(key)
    if (skeleton is None or skeleton.template is not template
            or skeleton.definition is not form.definition
            or skeleton.translations is not translations):
        slots = _Slots()
        pieces = template.render(_body_context(form, locale, slots)).split(_SLOT)
        parts, marks = tuple(pieces[0::2]), pieces[1::2]
        # Every call's mark made it into the page, once, in order: a call inside a condition
        # or a filter would make the skeleton wrong, and must fail here instead.
        if marks != [str(index) for index in range(len(slots.calls))]:
            raise RuntimeError(f"{_BODY}: Answers may only be output, not tested or filtered")
        skeleton = _Skeleton(template, form.definition, translations, parts,
                             tuple(slots.calls))
        skeletons[key] = skeleton
    return skeleton


def render_paper_form(form: PaperForm, locale: LocaleInfo, *, reuse: bool = True) -> Markup:
    """The form's questions in ``locale`` (only the participant strings change): the
    skeleton for the form and language filled with this request's answers, or with
    ``reuse=False`` the whole template rendered now (the same markup; the tests compare)."""
    with force_locale(locale.id):
        answers = Answers(form)
        if reuse:
            return _skeleton(form, locale).fill(answers)
        template = current_app.jinja_env.get_template(_BODY)
        return Markup(template.render(_body_context(form, locale, answers)))


@cache
def _language_options(locales: Registry, chosen: str) -> Markup:
    """The question language picker's options, one line each (every locale in its own name,
    language and direction: Arabic-script names right to left), ``chosen`` selected: the same
    on every page with that choice."""
    return Markup("\n".join(
        Markup('      <option value="{}" lang="{}" dir="{}" {}>{}</option>').format(
            option.id, option.bcp47, option.direction,
            "selected" if option.id == chosen else "", option.name)
        for option in locales.locales))


def render_page(template: str, form: PaperForm, *, status: int = 200,
                **page: object) -> tuple[str, int]:
    locale = question_locale()
    body = render_paper_form(form, locale)
    return render_template(template, form=form, body=body, question_locale=locale,
                           language_options=_language_options(registry(), locale.id),
                           once=once_token(), **page), status


def form_page(form: PaperForm, store: Callable[[dict[str, object]], str], *, message: str,
              template: str = "registration/paper_page.html",
              **page: object) -> Response | tuple[str, int]:
    """A paper form's page: a POST (not a language switch) is stored once by ``store`` (it
    returns the URL of what it stored); a refusal, a GET or a language switch renders the page
    with the answers as typed and the messages at their fields."""
    if request.method == "POST":
        form.values = answers_from_post(form.definition)
        if not switching_language():
            try:
                return store_once(once_token(), lambda: store(form.values), message=message)
            except (InvalidAnswers, RuleViolation) as error:
                form.refuse(error)
    return render_page(template, form=form,
                       status=422 if form.errors or form.form_errors else 200, **page)


# --- storing once ---------------------------------------------------------------------------

def store_once(token: str, store: Callable[[], str], *, message: str) -> Response:
    """Run ``store`` (it flushes and returns the URL of what it stored) at most once per page
    token, commit, say ``message`` and go to the result. A repeated post goes to the first
    result instead; ``InvalidAnswers``/``RuleViolation`` propagate, the session rolled back."""
    token = usable_token(token)
    earlier = earlier_result(token, current_user)
    if earlier:
        return already_stored(earlier)
    try:
        url = store()
        claim(token, current_user, url)
        db.session.commit()
    except (InvalidAnswers, RuleViolation):
        db.session.rollback()
        raise
    except (IntegrityError, StaleDataError) as exc:
        # Two posts raced, the database refused a duplicate (one active registration per
        # person and insats), or another officer changed the registration meanwhile (its
        # version moved on): the first one's result, or a plain message.
        db.session.rollback()
        earlier = earlier_result(token, current_user)
        if earlier:
            return already_stored(earlier)
        raise RuleViolation("", _o("Uppgifterna ändrades samtidigt på en annan plats. Ladda om "
                                   "sidan och kontrollera innan du försöker igen.")) from exc
    flash(message, "success")
    return redirect(url)


def already_stored(url: str) -> Response:
    flash(_o("Formuläret var redan skickat. Här är det som sparades första gången."), "info")
    return redirect(url)
