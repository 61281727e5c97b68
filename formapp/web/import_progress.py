"""The web page's Excel import, run beside the request that sent the file (issue 21).

A request answers at once with a page that shows the import's progress (``imports.jobs``); the
rows are read, checked and stored in a thread of the same process, in one transaction as
before: committed whole at the end or not at all. The thread has its own database session and
speaks the officer's language (its messages are written into the status as text). The file
stays in that thread's memory only.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale

from formapp.cases.importing import import_rows
from formapp.extensions import db
from formapp.i18n import _lo
from formapp.imports.jobs import DONE, MAX_ERRORS, REFUSED, JobStatus, JobStore
from formapp.imports.reading import ImportPlan, SheetRefused, read_sheet
from formapp.imports.scans import Scan
from formapp.records.errors import RuleViolation
from formapp.records.models import Insats, User

log = logging.getLogger(__name__)
MAX_SECONDS = 300  # reading and checking, beside the request: no worker timeout applies


@dataclass(frozen=True)
class ImportOrder:
    """What the officer sent: the file, the scans and the choices of the form."""

    data: bytes
    scans: tuple[Scan, ...]
    insats_id: int
    user_id: int
    reason: str
    valid_only: bool
    today: date
    locale: str


def job_store() -> JobStore:
    return JobStore(Path(current_app.config["FORMAPP_DATA_DIR"]) / "import-jobs")


def start(order: ImportOrder) -> JobStatus:
    """The import's status (running); the work goes on in a thread."""
    store = job_store()
    status = store.create(order.user_id, order.insats_id, reason=order.reason,
                          valid_only=order.valid_only)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    worker = threading.Thread(target=_run, args=(app, store, status, order),
                              name=f"import-{status.id[:8]}", daemon=True)
    worker.start()
    return status


def _run(app: Flask, store: JobStore, status: JobStatus, order: ImportOrder) -> None:
    # A request context of its own: the forced language is the thread's alone.
    with app.test_request_context("/rapporter/import"), force_locale(order.locale):
        plan: ImportPlan | None = None
        try:
            insats = db.session.get(Insats, order.insats_id)
            user = db.session.get(User, order.user_id)
            assert insats is not None and user is not None
            plan = read_sheet(
                order.data, insats, today=order.today,
                max_bytes=app.config["FORMAPP_IMPORT_MAX_BYTES"],
                max_rows=app.config["FORMAPP_IMPORT_MAX_ROWS"], scans=order.scans,
                max_seconds=MAX_SECONDS,
                progress=lambda step, done, total: store.progress(status, step, done, total))
            result = import_rows(
                plan, insats, by=user, reason=order.reason, valid_only=order.valid_only,
                progress=lambda step, done, total: store.progress(status, step, done, total))
            db.session.commit()
            status.state, status.result = DONE, asdict(result)
        except SheetRefused as exc:
            db.session.rollback()
            status.state, status.message = REFUSED, str(exc.message)
        except RuleViolation as violation:
            db.session.rollback()
            status.state, status.message = REFUSED, str(violation.message)
        except Exception:
            db.session.rollback()
            log.exception("import %s failed", status.id)
            status.state = REFUSED
            status.message = str(_failed())
        finally:
            db.session.remove()
        if plan is not None:
            status.rows, status.invalid_rows = plan.rows, plan.invalid_rows
            status.error_count = len(plan.errors)
            status.errors = [(e.row, e.column, e.message) for e in plan.errors[:MAX_ERRORS]]
        store.save(status)


def _failed() -> object:
    return _lo("Importen avbröts av ett fel i formapp. Ingenting sparades. Försök igen, och "
               "kontakta förvaltningen om det händer igen.")
