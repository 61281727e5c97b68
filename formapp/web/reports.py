"""Reports: a page per report with filters, table and chart; downloads as Excel, SVG and PNG;
the participant export and the Excel import.

Only the user's own förbund (``records.access.can_view_reports``); the filters can narrow to
one of its insatser, a kön, a priority group and a year.
"""

from __future__ import annotations

import io
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, get_locale
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from formapp.clock import today
from formapp.domain import insatser as vocab
from formapp.extensions import db
from formapp.i18n import _o
from formapp.imports.jobs import STOPPED, JobStatus
from formapp.imports.reading import SheetRefused, check_file
from formapp.imports.scans import Scan
from formapp.records.access import (
    can_export_identity,
    can_import_participants,
    can_view_reports,
)
from formapp.records.audit import log_event
from formapp.records.models import Insats
from formapp.reports import charts
from formapp.reports.catalog import REPORTS, build_report, report_spec
from formapp.reports.export import ExportRequest, write_export
from formapp.reports.filters import KONS, PRIORITY_CODES, Filters
from formapp.reports.labels import KON_LABELS
from formapp.reports.model import Report
from formapp.reports.workbook import report_workbook
from formapp.web import import_progress
from formapp.web.downloads import generated_file
from formapp.web.guards import require
from formapp.web.route_policy import larger_body, officer_route
from formapp.webforms.reports import ExportForm, ImportForm

bp = Blueprint("reports", __name__, url_prefix="/rapporter")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed() -> None:
    require(can_view_reports(current_user, today()))


def _insatser() -> list[Insats]:
    return list(db.session.scalars(select(Insats).where(
        Insats.forbund_id == current_user.forbund_id).order_by(Insats.name)))


def _filters() -> Filters:
    """The filters of the query string; what does not parse or is not the user's is a 404."""
    args = request.args
    raw_year = args.get("ar", str(today().year))
    year = None if raw_year == "alla" else _int(raw_year)
    insats_id = _int(args["insats"]) if args.get("insats") else None
    if insats_id is not None and insats_id not in {i.id for i in _insatser()}:
        abort(404)
    kon = args.get("kon") or None
    priority = args.get("prioritet") or None
    if (kon and kon not in KONS) or (priority and priority not in PRIORITY_CODES):
        abort(404)
    return Filters(current_user.forbund_id, year, insats_id, kon, priority)


def _int(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 6:
        abort(404)
    return int(raw)


def _scope(filters: Filters) -> dict[str, str]:
    insats = db.session.get(Insats, filters.insats_id) if filters.insats_id else None
    return {
        _o("Förbund"): current_user.forbund.name,
        _o("År"): str(filters.year) if filters.year else _o("Alla år"),
        _o("Insats"): insats.name if insats else _o("Alla insatser"),
        _o("Kön"): str(KON_LABELS[filters.kon]) if filters.kon else _o("Båda"),
        _o("Prioriterad grupp"): str(vocab.label(vocab.PRIORITY_GROUPS, filters.priority))
        if filters.priority else _o("Alla"),
    }


def _report(report_id: str) -> tuple[Report, Filters]:
    _allowed()
    try:
        report_spec(report_id)
    except KeyError:
        abort(404)
    filters = _filters()
    threshold = current_app.config["FORMAPP_SUPPRESS_BELOW"]
    return build_report(report_id, filters, threshold, _scope(filters)), filters


@bp.route("/")
@officer_route
def index() -> str:
    _allowed()
    day = today()
    return render_template("reports/index.html", reports=REPORTS,
                           can_import=any(can_import_participants(current_user, i, day)
                                          for i in _insatser()))


@bp.route("/<report_id>")
@officer_route
def show(report_id: str) -> str:
    report, filters = _report(report_id)
    years = list(range(today().year, today().year - 12, -1))
    return render_template("reports/show.html", report=report, filters=filters,
                           insatser=_insatser(), years=years, kon_labels=KON_LABELS,
                           args=request.args.to_dict(), vocab=vocab)


def _download_name(report_id: str, filters: Filters, suffix: str) -> str:
    year = filters.year or "alla-ar"
    return f"rapport-{report_id}-{year}{suffix}"


@bp.route("/<report_id>/excel")
@officer_route
def excel(report_id: str) -> Response:
    report, filters = _report(report_id)
    data = report_workbook(report, datetime.now())
    return generated_file(data, mimetype=XLSX, name=_download_name(report_id, filters, ".xlsx"))


@bp.route("/<report_id>/diagram/<table_key>.<any(svg, png):fmt>")
@officer_route
def chart(report_id: str, table_key: str, fmt: str) -> Response:
    report, filters = _report(report_id)
    table = next((t for t in report.tables if t.key == table_key and t.chart), None)
    if table is None:
        abort(404)
    drawing = charts.layout(table)
    attachment = request.args.get("ladda") == "1"
    name = _download_name(report_id, filters, f"-{table_key}.{fmt}")
    if fmt == "svg":
        return generated_file(charts.to_svg(drawing).encode(), mimetype="image/svg+xml",
                              name=name, attachment=attachment)
    return generated_file(charts.to_png(drawing), mimetype="image/png", name=name,
                          attachment=attachment)


def _export_form() -> ExportForm:
    form = ExportForm()
    form.insats_id.choices = [("", _o("Alla insatser"))] + [
        (str(i.id), i.name) for i in _insatser()]
    return form


@bp.route("/export", methods=["GET", "POST"])
@officer_route
def export() -> str | tuple[str, int] | Response:
    _allowed()
    day = today()
    form = _export_form()
    may_identify = can_export_identity(current_user, day)
    if not may_identify:
        del form.identity
        del form.reason
    if form.validate_on_submit():
        identity = may_identify and form.identity.data
        reason = " ".join((form.reason.data or "").split()) if identity else ""
        if identity and not reason:
            form.reason.errors.append(_o("Ange varför personnummer och namn behövs."))
        else:
            return _send_export(form, identity, reason)
    return render_template("reports/export.html", form=form, may_identify=may_identify), (
        422 if form.errors else 200)


def _send_export(form: ExportForm, identity: bool, reason: str) -> Response:
    export_request = ExportRequest(
        forbund_id=current_user.forbund_id, year=int(form.year.data) if form.year.data else None,
        insats_id=int(form.insats_id.data) if form.insats_id.data else None,
        identity=identity, full=form.full.data)
    out = io.BytesIO()
    count = write_export(export_request, out, datetime.now())
    # Every export of participant rows is logged; with personnummer the reason is required.
    log_event(actor=current_user, action="export_excel_identity" if identity else "export_excel",
              subject=f"forbund:{current_user.forbund_id}", why=reason,
              details={"rows": count, "year": export_request.year,
                       "insats_id": export_request.insats_id, "full": export_request.full,
                       "identity": identity})
    db.session.commit()
    out.seek(0)
    year = export_request.year or "alla-ar"
    return generated_file(out, mimetype=XLSX, name=f"avslutade-deltagare-{year}.xlsx")


def _import_form(insatser: list[Insats]) -> ImportForm:
    form = ImportForm()
    form.insats_id.choices = [(str(i.id), i.name) for i in insatser]
    return form


def _scans(form: ImportForm) -> list[Scan]:
    """The scanned paper consents sent with the file (an empty input sends one nameless)."""
    return [Scan(upload.filename, upload.read()) for upload in form.scans.data or []
            if upload and upload.filename]


def _importable() -> list[Insats]:
    day = today()
    insatser = [i for i in _insatser() if can_import_participants(current_user, i, day)]
    require(bool(insatser))
    return insatser


@bp.route("/import", methods=["GET", "POST"])
@officer_route
@larger_body("FORMAPP_IMPORT_MAX_BYTES")
def import_excel() -> str | tuple[str, int] | Response:
    insatser = _importable()
    # An import file may be larger than an ordinary upload: web.uploads gives this route
    # FORMAPP_IMPORT_MAX_BYTES before the body is read.
    form = _import_form(insatser)
    refused = None
    if form.validate_on_submit():
        insats = next(i for i in insatser if str(i.id) == form.insats_id.data)
        data = form.file.data.read()
        try:
            check_file(data, max_bytes=current_app.config["FORMAPP_IMPORT_MAX_BYTES"],
                       max_rows=current_app.config["FORMAPP_IMPORT_MAX_ROWS"])
        except SheetRefused as exc:
            refused = exc.message
        else:
            # Read, checked and stored beside this request; the page shows how far it is.
            status = import_progress.start(import_progress.ImportOrder(
                data=data, scans=tuple(_scans(form)), insats_id=insats.id,
                user_id=current_user.id, reason=form.reason.data or "",
                valid_only=form.mode.data == "giltiga", today=today(),
                locale=str(get_locale() or "sv")))
            return redirect(url_for("reports.import_job", job_id=status.id), code=303)
    code = 422 if (form.errors or refused) else 200
    return render_template("reports/import.html", form=form, job=None,
                           refused=refused), code


def _job(job_id: str) -> JobStatus:
    job = import_progress.job_store().load(job_id)
    if job is None or job.user_id != current_user.id:
        abort(404)
    return job


@bp.route("/import/<job_id>")
@officer_route
def import_job(job_id: str) -> str:
    form = _import_form(_importable())
    job = _job(job_id)
    if job.finished:  # the same choices again, for the corrected file
        form.insats_id.data = str(job.insats_id)
        form.reason.data = job.reason
        form.mode.data = "giltiga" if job.valid_only else "alla"
    return render_template("reports/import.html", form=form, job=job,
                           step_text=_step_text(job))


@bp.route("/import/<job_id>/status")
@officer_route
def import_status(job_id: str) -> Response:
    """The import's progress for the page's script (``static/js/import-progress.js``)."""
    _importable()
    job = _job(job_id)
    response = jsonify({**job.as_json(), "text": _step_text(job)})
    response.headers["Cache-Control"] = "no-store"
    return response


def _step_text(job: JobStatus) -> str:
    """Where the import stands, in words (the page and its status say the same)."""
    if job.state == STOPPED:
        return _o("Importen avbröts innan den blev klar (formapp startades om). Ingenting "
                  "sparades. Försök igen.")
    if job.finished:
        return _o("Importen är klar.")
    if job.step == "checking" and job.total:
        return _o("Kontrollerar raderna: %(done)s av %(total)s …",
                  done=_number(job.done), total=_number(job.total))
    if job.step == "evidence":
        return _o("Kontrollerar samtycken och skanningar …")
    if job.step == "storing" and job.total:
        return _o("Sparar deltagandena: %(done)s av %(total)s …",
                  done=_number(job.done), total=_number(job.total))
    if job.step == "storing":
        return _o("Sparar deltagandena …")
    return _o("Öppnar filen …")


def _number(value: int) -> str:
    return format_decimal(value)
