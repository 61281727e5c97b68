"""A language as the officer reads its name: in the officer's language first, then in itself
("arabiska (العربية)"), the own name marked up with its language and direction."""

from __future__ import annotations

from flask_babel import get_locale
from markupsafe import Markup

from formapp.i18n import registry


def language_label(locale_id: str | None) -> Markup:
    info = registry().get(locale_id)
    if info is None:
        return Markup.escape(locale_id or "")
    known = info.name_in(str(get_locale()))
    own = Markup('<bdi lang="{}" dir="{}">{}</bdi>').format(info.bcp47, info.direction,
                                                            info.name)
    if known.casefold() == info.name.casefold():
        return own
    return Markup("{} ({})").format(known, own)
