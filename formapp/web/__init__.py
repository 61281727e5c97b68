"""The web layer: the only package that touches Flask's request."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from formapp.clock import today
from formapp.domain import insatser as vocab
from formapp.extensions import db
from formapp.localtime import local_text, utc_iso
from formapp.records.access import can_view_reports, roles_on
from formapp.records.accounts import ROLE_LABELS
from formapp.records.models import Forbund, Role
from formapp.web import (
    audit,
    auth,
    consent,
    consent_texts,
    counts,
    deregistration,
    fonts,
    forbund,
    home,
    icons,
    insatser,
    language,
    oidc,
    participants,
    people,
    read_aloud,
    registration,
    reports,
    second_factor,
    understanding,
    users,
)
from formapp.web.errors import configure_errors
from formapp.web.handover import configure_handover
from formapp.web.languages import language_label
from formapp.web.route_policy import configure_route_policy
from formapp.web.security import configure_security
from formapp.web.session import configure_session
from formapp.web.uploads import configure_uploads
from formapp.web.view_audit import configure_view_audit
from formapp.web.wtforms_i18n import configure_wtforms_i18n

BLUEPRINTS = (auth.bp, home.bp, forbund.bp, insatser.bp, users.bp, consent.bp, language.bp,
              fonts.bp, consent_texts.bp, reports.bp, registration.bp, deregistration.bp,
              participants.bp, counts.bp, people.bp, audit.bp, read_aloud.bp, oidc.bp,
              second_factor.bp, understanding.bp, icons.bp)


def register_web(app: Flask) -> None:
    configure_security(app)
    configure_session(app)
    oidc.configure_oidc(app)
    configure_handover(app)
    configure_errors(app)
    configure_uploads(app)
    configure_view_audit(app)
    configure_wtforms_i18n(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    configure_route_policy(app)  # its login check after every other before_request hook
    app.jinja_env.globals.update(ROLE_LABELS=ROLE_LABELS, Role=Role, vocab=vocab,
                                  get_locale=get_locale)
    # Every time a person reads is Swedish time: {{ moment|local_time }}.
    app.jinja_env.filters.update(local_time=local_text, utc_iso=utc_iso)
    app.jinja_env.globals.update(language_label=language_label)
    app.context_processor(_page_context)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _page_context() -> dict[str, Any]:
    """What the layout needs on every page: the admin links and the demo banner."""
    if current_user.is_authenticated:
        forbund = current_user.forbund
        return {"nav_can_admin": Role.SAMVERKANSADMIN in roles_on(current_user, today()),
                "nav_can_reports": can_view_reports(current_user, today()),
                "demo_mode": bool(forbund and forbund.is_demo)}
    try:
        demo = db.session.scalar(select(Forbund.id).where(Forbund.is_demo.is_(True)).limit(1))
    except SQLAlchemyError:  # an error page must render even when the database is down
        db.session.rollback()
        demo = None
    return {"nav_can_admin": False, "nav_can_reports": False, "demo_mode": demo is not None}
