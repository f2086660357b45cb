"""Document pages: download buttons, the liasse export form, the job page and downloads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from drafting.db import commit
from drafting.extensions import db
from drafting.infra import downloads
from drafting.models import Group, Job, User
from drafting.services.bulk import jobs as bulk_jobs
from drafting.services.documents import exports, jobs, official, storage
from drafting.web.common import now
from workflows.review import State

bp = Blueprint("documents", __name__)

STATUS_LABELS = {
    "queued": lazy_gettext("En attente"),
    "started": lazy_gettext("En cours"),
    "finished": lazy_gettext("Terminé"),
    "failed": lazy_gettext("Échec"),
}


def _user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


@bp.app_context_processor
def _document_globals() -> dict[str, Any]:
    """What the include files need: groups for the export form, states to tick."""

    def export_groups() -> list[Group]:
        return list(db.session.scalars(select(Group).order_by(Group.code)))

    return {"export_groups": export_groups, "export_states": [s.value for s in State]}


@bp.post("/amendements/<int:amendment_id>/documents")
@login_required
def request_document(amendment_id: int) -> ResponseReturnValue:
    """The "Télécharger" buttons: a job renders the DOCX or PDF; follow it on the job page."""
    fmt = request.form.get("format", "")
    job = official.request_document(_user(), amendment_id, fmt, now())
    commit()
    return redirect(url_for("documents.show_job", job_id=job.id))


@bp.post("/textes/<int:text_id>/export")
@login_required
def request_export(text_id: int) -> ResponseReturnValue:
    """The secretariat's export form: the liasse of the text as a ZIP built by jobs."""
    states = request.form.getlist("states") or None
    group = request.form.get("group", "").strip() or None
    job = exports.request_export(_user(), text_id, group=group, states=states, now=now())
    commit()
    return redirect(url_for("documents.show_job", job_id=job.id))


def _job_state(job: Job) -> dict[str, Any]:
    return jobs.job_json(job, url_for("documents.download", job_id=job.id)) | {
        "label": str(STATUS_LABELS.get(job.status, job.status))
    }


@bp.get("/taches/<job_id>")
@login_required
def show_job(job_id: str) -> ResponseReturnValue:
    """The job page: status, progress bar, and the download link once finished."""
    job = jobs.job_for(_user(), job_id)
    recovered = job.params.get("recovered_at")
    recovered_at = datetime.fromisoformat(recovered) if recovered else None
    report = bulk_jobs.stored_report(job) if job.kind == bulk_jobs.KIND else None
    return render_template(
        "documents/job.html",
        job=job,
        state=_job_state(job),
        recovered_at=recovered_at,
        report=report,
    )


@bp.get("/taches/<job_id>.json")
@login_required
def job_status(job_id: str) -> ResponseReturnValue:
    """The job's status for the page's polling script."""
    response = jsonify(_job_state(jobs.job_for(_user(), job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/taches/<job_id>/fichier")
@login_required
def download(job_id: str) -> ResponseReturnValue:
    """Download the job's file (same authorisation as the job)."""
    stored = jobs.file_for(_user(), job_id)
    return downloads.download_response(storage.open_file(stored), stored)
