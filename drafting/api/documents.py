"""API for official documents: request a DOCX/PDF or a liasse export, follow the job, download."""

from __future__ import annotations

from flask import Response, url_for

from drafting.api.routing import current_user, endpoint, now
from drafting.api.schemas.documents import DocumentIn, ExportIn, JobEnvelope, JobOut
from drafting.db import commit
from drafting.infra import downloads
from drafting.models import Job
from drafting.services.documents import exports, jobs, official, storage


def job_out(job: Job) -> JobOut:
    """A job as the API shows it (its file's download URL once finished)."""
    return JobOut.of(job, url_for("api.download_job_file", job_id=job.id))


@endpoint(
    "/amendments/<int:amendment_id>/documents",
    "POST",
    summary="Render the official DOCX or PDF",
    body=DocumentIn,
    response=JobEnvelope,
    status=202,
    errors=(404,),
    tags=("documents",),
)
def request_document(amendment_id: int, body: DocumentIn) -> JobEnvelope:
    """POST /amendments/{id}/documents {format}: a job renders the document."""
    job = official.request_document(current_user(), amendment_id, body.format, now())
    commit()
    return JobEnvelope(job=job_out(job))


@endpoint(
    "/texts/<int:text_id>/exports",
    "POST",
    summary="Export the liasse of a text (ZIP)",
    body=ExportIn,
    response=JobEnvelope,
    status=202,
    errors=(403, 404),
    tags=("documents",),
)
def request_export(text_id: int, body: ExportIn) -> JobEnvelope:
    """POST /texts/{id}/exports {format: zip, group?, states?}: jobs build the liasse."""
    job = exports.request_export(
        current_user(), text_id, group=body.group, states=body.states, now=now()
    )
    commit()
    return JobEnvelope(job=job_out(job))


@endpoint(
    "/jobs/<job_id>",
    summary="Status and result of a document job",
    response=JobOut,
    errors=(404,),
    tags=("documents",),
)
def get_job(job_id: str) -> JobOut:
    """GET /jobs/{id}: queued|started|finished|failed, progress, result or error."""
    return job_out(jobs.job_for(current_user(), job_id))


@endpoint(
    "/jobs/<job_id>/file",
    summary="Download the file a finished job produced",
    errors=(404,),
    tags=("documents",),
    content_type="application/octet-stream",
)
def download_job_file(job_id: str) -> Response:
    """GET /jobs/{id}/file: the document or ZIP, as an attachment with its official name."""
    stored = jobs.file_for(current_user(), job_id)
    return downloads.download_response(storage.open_file(stored), stored)
