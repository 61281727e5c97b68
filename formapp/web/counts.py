"""Counts without personal data: anonymous participants (deltagaransvarig) and a
volyminsats's participants (insatsansvarig), as in the SUS guide's screens."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from formapp.cases.counts import change_anonymous_count, change_volume_count
from formapp.clock import today
from formapp.i18n import _o
from formapp.records.access import can_register_participants, can_register_volume
from formapp.records.counts import anonymous_counts, count_years, volume_counts
from formapp.records.errors import RuleViolation
from formapp.records.models import Insats
from formapp.records.submissions import new_token
from formapp.web.guards import get_or_404, require
from formapp.web.paper_form import store_once
from formapp.web.route_policy import officer_route
from formapp.webforms.registration import AnonymousCountForm, VolumeCountForm

bp = Blueprint("counts", __name__)
# Submit buttons: "<add|remove>:<field>"; the field holds the number.
ACTIONS = {"add": 1, "remove": -1}


def _action() -> tuple[int, str] | None:
    sign, _sep, target = request.form.get("action", "").partition(":")
    return (ACTIONS[sign], target) if sign in ACTIONS and target else None


def _years(form: AnonymousCountForm | VolumeCountForm, insats: Insats) -> None:
    years = count_years(insats, today())
    form.year.choices = [(year, str(year)) for year in reversed(years)]
    if request.method == "GET":
        form.year.data = years[-1] if years else None
        form.once.data = new_token()


@bp.route("/insatser/<int:insats_id>/anonyma", methods=["GET", "POST"])
@officer_route
def anonymous(insats_id: int) -> str | Response | tuple[str, int]:
    insats = get_or_404(Insats, insats_id)
    day = today()
    require(can_register_participants(current_user, insats, day))
    form = AnonymousCountForm()
    _years(form, insats)
    action = _action()
    if form.validate_on_submit():
        if action is None or action[1] not in ("kvinnor", "man"):
            form.form_errors.append(_o("Välj Lägg till eller Ta bort."))
        else:
            sign, target = action
            field = getattr(form, target)
            if not field.data:
                field.errors = [*field.errors, _o("Ange antal.")]
            else:
                kon = "kvinna" if target == "kvinnor" else "man"
                try:
                    return store_once(form.once.data or new_token(), lambda: _changed(
                        lambda: change_anonymous_count(
                            insats, year=form.year.data, kon=kon, delta=sign * field.data,
                            by=current_user, today=day), "counts.anonymous", insats),
                        message=_o("Antalet är sparat."))
                except RuleViolation as violation:
                    target_field = field if violation.field == "amount" else form.year
                    target_field.errors = [*target_field.errors, violation.message]
    status = 422 if form.errors or form.form_errors else 200
    counts = anonymous_counts(insats)
    return render_template("counts/anonymous.html", insats=insats, form=form, counts=counts,
                           year_counts=counts.get(form.year.data or 0, {})), status


def _changed(change: Callable[[], object], endpoint: str, insats: Insats) -> str:
    change()
    return url_for(endpoint, insats_id=insats.id)


@bp.route("/insatser/<int:insats_id>/volym", methods=["GET", "POST"])
@officer_route
def volume(insats_id: int) -> str | Response | tuple[str, int]:
    insats = get_or_404(Insats, insats_id)
    day = today()
    require(can_register_volume(current_user, insats, day))
    form = VolumeCountForm()
    _years(form, insats)
    action = _action()
    if form.validate_on_submit():
        if action is None or action[1] != "amount":
            form.form_errors.append(_o("Välj Lägg till eller Ta bort."))
        elif not form.amount.data:
            form.amount.errors = [*form.amount.errors, _o("Ange antal.")]
        else:
            sign = action[0]
            try:
                return store_once(form.once.data or new_token(), lambda: _changed(
                    lambda: change_volume_count(insats, year=form.year.data,
                                                delta=sign * form.amount.data, by=current_user,
                                                today=day), "counts.volume", insats),
                    message=_o("Antalet är sparat."))
            except RuleViolation as violation:
                target = form.amount if violation.field == "amount" else form.year
                target.errors = [*target.errors, violation.message]
    status = 422 if form.errors or form.form_errors else 200
    return render_template("counts/volume.html", insats=insats, form=form,
                           counts=volume_counts(insats)), status
