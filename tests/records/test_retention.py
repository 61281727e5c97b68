"""Retention: what is past FORMAPP_RETENTION_YEARS goes, with its PDFs, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from formapp.cases.consent import withdraw_consent
from formapp.cli import cli
from formapp.clock import today
from formapp.evidence import evidence
from formapp.extensions import db
from formapp.records.models import (
    ArchivedDocument,
    AuditEntry,
    Consent,
    Person,
    Registration,
)
from tests.archives import ARCHIVES
from tests.web.registration_helpers import register_one, take_consent
from tests.world import build_world

LONG_AGO = today() - timedelta(days=11 * 366)


def count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("archive_config", list(ARCHIVES.values()), ids=list(ARCHIVES))
def test_retention_disposes_exactly_what_is_past_its_period(app: Flask) -> None:
    world = build_world()
    officer = world.users["deltagaransvarig"]
    old_withdrawn = take_consent(app, world, "19121212-1212")
    withdraw_consent(old_withdrawn, by=officer, reason="Återkallat för länge sedan.")
    db.session.commit()
    recent_withdrawn = take_consent(app, world, "19800101-1009")
    withdraw_consent(recent_withdrawn, by=officer, reason="Återkallat nyligen.")
    db.session.commit()
    old_unused = take_consent(app, world, "19900202-2003")
    ongoing = db.session.get(Registration, register_one(app, world))
    db.session.commit()
    # Eleven years pass for some of them.
    db.session.execute(update(Consent).where(Consent.id.in_([old_withdrawn.id, old_unused.id]))
                       .values(signed_on=LONG_AGO))
    db.session.execute(update(Consent).where(Consent.id == old_withdrawn.id).values(
        withdrawn_at=datetime.combine(LONG_AGO + timedelta(days=30), datetime.min.time(),
                                      tzinfo=UTC)))
    db.session.execute(update(Consent).where(Consent.id == ongoing.consent_id)
                       .values(signed_on=LONG_AGO))
    db.session.commit()
    doomed = [old_withdrawn.pdf_sha256, old_withdrawn.withdrawal_pdf_sha256,
              old_unused.pdf_sha256]
    before = (count(Consent), count(Person), count(ArchivedDocument))

    runner = app.test_cli_runner()
    dry = runner.invoke(cli, ["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would dispose of 2 consents and 3 PDFs" in dry.output
    assert old_withdrawn.id in dry.output and old_unused.id in dry.output
    assert (count(Consent), count(Person), count(ArchivedDocument)) == before

    result = runner.invoke(cli, ["retention", "run"])
    assert result.exit_code == 0 and "Disposed of 2 consents and 3 PDFs" in result.output
    assert count(Consent) == before[0] - 2 and count(Person) == before[1] - 2
    assert count(ArchivedDocument) == before[2] - 3
    assert not any(evidence().archive.exists(d) for d in doomed)
    kept = {c.id for c in db.session.scalars(select(Consent))}
    assert recent_withdrawn.id in kept and ongoing.consent_id in kept  # ongoing: kept
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "retention.disposed")) == 2
    assert runner.invoke(cli, ["verify", "--all"]).exit_code == 0
    assert runner.invoke(cli, ["audit", "verify"]).exit_code == 0
    again = runner.invoke(cli, ["retention", "run"])
    assert "Disposed of 0 consents" in again.output
