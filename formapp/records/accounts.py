"""Users' roles and permissions (behörigheter) as SUS names them: the labels, which roles
exclude deltagaransvarig, the permissions live on a day and how long one may last. Creating
users, granting and revoking permissions and setting passwords are the cases of
``formapp.cases.accounts``.
"""

from __future__ import annotations

from datetime import date, timedelta

from formapp.i18n import _lo
from formapp.records.models import Grant, Role, User

ROLE_LABELS: dict[Role, object] = {
    Role.SAMVERKANSADMIN: _lo("Samverkansadministratör"),
    Role.INSATSANSVARIG: _lo("Insatsansvarig"),
    Role.DELTAGARANSVARIG: _lo("Deltagaransvarig"),
    Role.RAPPORT: _lo("Rapport"),
}
# Roles that exclude deltagaransvarig (SUS guide, "Behörigheter och roller i SUS").
EXCLUDES_DELTAGARANSVARIG = frozenset({Role.SAMVERKANSADMIN, Role.INSATSANSVARIG})


def live_grants(user: User, on: date) -> list[Grant]:
    return [g for g in user.grants if g.is_live_on(on)]


def max_valid_until(valid_from: date) -> date:
    """The last day of a permission starting ``valid_from``: two years, then renewal."""
    try:
        return valid_from.replace(year=valid_from.year + 2) - timedelta(days=1)
    except ValueError:  # 29 February
        return valid_from.replace(year=valid_from.year + 2, day=28)
