"""The confirmation step of a destructive action: the first POST shows what will happen and a
button that sends the same POST again with ``bekraftat=1`` (no script needed, nothing done
until then)."""

from __future__ import annotations

from collections.abc import Mapping

from flask import render_template, request

CONFIRMED = "bekraftat"


def confirmed() -> bool:
    return request.form.get(CONFIRMED) == "1"


def confirmation_page(*, title: object, message: object, confirm_label: object, action: str,
                      cancel_url: str, carry: Mapping[str, str] | None = None) -> str:
    """The page asking to confirm; ``carry``: the posted values to send again."""
    return render_template("confirm.html", title=title, message=message,
                           confirm_label=confirm_label, action=action, cancel_url=cancel_url,
                           carry=dict(carry or {}), confirmed_name=CONFIRMED)
