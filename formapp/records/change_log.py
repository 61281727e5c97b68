"""The audit entry of each write of personal data: who, which record, which fields (names,
never values). The README promises an entry for every change; this is where they are made."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from formapp.records.audit import log_event
from formapp.records.models import Registration, User


def changed_fields(before: Mapping[str, object] | None,
                   after: Mapping[str, object]) -> list[str]:
    """The names of the answers that differ between two stored answer sets."""
    before = before or {}
    return sorted(name for name in before.keys() | after.keys()
                  if before.get(name) != after.get(name))


def id_ranges(ids: Iterable[int]) -> list[str]:
    """Ids as compact ranges ("7-9", "12"): an import's thousands of records in a few bytes."""
    ranges: list[str] = []
    first = last = None
    for value in sorted(ids):
        if last is not None and value == last + 1:
            last = value
            continue
        if first is not None:
            ranges.append(f"{first}-{last}" if first != last else str(first))
        first = last = value
    if first is not None:
        ranges.append(f"{first}-{last}" if first != last else str(first))
    return ranges


def registration_changed(registration: Registration, *, actor: User | None, action: str,
                         why: str, fields: Iterable[str], **details: Any) -> None:
    """One write of a registration's personal data (flushed with it; the caller commits)."""
    log_event(actor=actor, action=action, subject=f"registration:{registration.id}", why=why,
              forbund_id=registration.forbund_id,
              personnummer=registration.person.personnummer,
              details={"insats_id": registration.insats_id,
                       "consent_id": registration.consent_id, "fields": sorted(fields),
                       **details})
