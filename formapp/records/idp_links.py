"""Users linked to a subject of an identity provider: who a subject is at login. Linking and
unlinking (by a samverkansadministratör) and creating a user at a first login are the cases of
``formapp.cases.idp_links``.
"""

from __future__ import annotations

from sqlalchemy import select

from formapp.extensions import db
from formapp.oidc_config import OidcProvider
from formapp.records.models import User


def linked_user(provider: OidcProvider, subject: str) -> User | None:
    return db.session.scalar(select(User).where(User.idp_provider == provider.key,
                                                User.idp_subject == subject))
