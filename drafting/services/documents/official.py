"""One amendment's official document (DOCX or PDF): asked for by a user, produced by a job."""

from __future__ import annotations

from datetime import datetime

from drafting.errors import Invalid, NotFound
from drafting.extensions import db
from drafting.models import Amendment, Job, User
from drafting.rendering.sheet import download_name
from drafting.services.amendments import get_visible_amendment
from drafting.services.documents import storage
from drafting.services.documents.jobs import enqueue, mark_finished, new_job
from drafting.services.documents.sheets import (
    CONTENT_TYPES,
    DOCUMENT_FORMATS,
    build_sheet,
    cache_key,
    render,
    template_version,
)


def request_document(actor: User, amendment_id: int, fmt: str, now: datetime) -> Job:
    """Ask for the official DOCX or PDF of an amendment one may see; rendered by a job."""
    if fmt not in DOCUMENT_FORMATS:
        raise Invalid("Format inconnu.", fields={"format": "docx ou pdf"})
    amendment = get_visible_amendment(actor, amendment_id)
    job = new_job(
        actor,
        "document",
        now,
        {"format": fmt},
        amendment_id=amendment.id,
        text_id=amendment.text_id,
    )
    enqueue(job)
    return job


def produce_document(job: Job, now: datetime) -> None:
    """Render (or find in the cache) the document a job asks for, and finish the job."""
    amendment = db.session.get(Amendment, job.amendment_id)
    requester = db.session.get(User, job.requested_by_id)
    if amendment is None or requester is None:
        raise NotFound("Amendement ou demandeur disparu.")
    sheet = build_sheet(amendment, requester, datetime.fromisoformat(job.params["requested_at"]))
    fmt = job.params["format"]
    key = cache_key(sheet, fmt, template_version())
    stored = storage.find(key)
    if stored is None:
        name = download_name(sheet, fmt)
        stored = storage.backend().put(key, render(sheet, fmt), CONTENT_TYPES[fmt], name)
    mark_finished(job, stored, now)
