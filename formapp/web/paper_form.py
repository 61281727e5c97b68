"""FK 9448 and FK 9449 as web pages, generated from their definitions.

One way to render (``templates/registration/_paper_form.html`` picks markup by field type) and
one way to validate (the store calls ``formapp.definitions.check``); this module only moves
answers between the request and those two, and runs a store function once per page.

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

from flask import flash, redirect, render_template, request
from flask_babel import force_locale, get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from formapp.clock import today
from formapp.definitions import YES_NO, Condition, Field, FormDefinition, text
from formapp.domain import kommuner
from formapp.extensions import db
from formapp.i18n import LocaleInfo, _o, registry
from formapp.records.errors import InvalidAnswers, RuleViolation
from formapp.records.submissions import claim, earlier_result, new_token

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
    return locales[chosen] if chosen in locales else locales[str(get_locale())]


def switching_language() -> bool:
    return request.method == "POST" and SWITCH_LANGUAGE in request.form


def once_token() -> str:
    """This page's one-time token: the posted one, or a new one for a fresh page."""
    posted = request.form.get(ONCE, "") if request.method == "POST" else ""
    return posted[:43] or new_token()


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


def stadsdel_groups(spec: Field, values: Mapping[str, object]) -> list[dict[str, object]]:
    """Option groups per kommun (and Göteborg's stadsområden), valid on the form's date."""
    on = values.get(spec.date_field or "")
    try:
        day = date.fromisoformat(on) if isinstance(on, str) and on else today()
    except ValueError:
        day = today()
    groups = []
    for code in sorted(kommuner.kommuner_with_stadsdelar()):
        name = kommuner.kommun(code).name
        lists = kommuner.stadsdel_lists(code)
        # As kommuner.stadsdelar(): the list valid that day; before the oldest, the oldest.
        fallback = lists[0] if day < lists[0].valid_from else lists[-1]
        current = next((item for item in lists if item.covers(day)), fallback)
        if current.groups:
            groups += [{"kommun": code, "label": f"{name} – {area}", "names": members}
                       for area, members in current.groups]
        else:
            groups.append({"kommun": code, "label": name, "names": current.names})
    return groups


def render_paper_form(form: PaperForm, locale: LocaleInfo) -> Markup:
    """The form's questions in ``locale`` (only the participant strings change)."""
    with force_locale(locale.id):
        html = render_template("registration/_paper_form_body.html", form=form,
                               definition=form.definition, text=text, when=_when,
                               kommun_option_list=kommun_option_list,
                               stadsdel_groups=stadsdel_groups,
                               locale=locale, yes_no=[(o.code, o.label) for o in YES_NO.options])
    return Markup(html)


def render_page(template: str, form: PaperForm, *, status: int = 200,
                **page: object) -> tuple[str, int]:
    locale = question_locale()
    body = render_paper_form(form, locale)
    return render_template(template, form=form, body=body, question_locale=locale,
                           locales=list(registry().locales),
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
