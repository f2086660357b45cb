"""Tracked background work: the Job row of a document or export is the source of truth for its
status, progress, file and error."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from drafting.errors import Conflict, NotFound
from drafting.extensions import db
from drafting.infra.queue import QueuedJob, enqueue_after_commit, is_pending
from drafting.models import Job, StoredFile, User
from drafting.models.types import utcnow
from drafting.services.amendments import get_visible_amendment

STATUSES = ("queued", "started", "finished", "failed")


def new_job(actor: User, kind: str, now: datetime, params: dict[str, Any], **links: Any) -> Job:
    job = Job(
        id=str(uuid.uuid4()),
        kind=kind,
        status="queued",
        progress=0,
        params=params | {"requested_at": now.isoformat()},
        requested_by_id=actor.id,
        created_at=now,
        **links,
    )
    db.session.add(job)
    db.session.flush()
    return job


def enqueue(job: Job) -> None:
    """Send the job function of `job` to the queue once the transaction commits (under the
    row's own id in RQ, so that recovery can ask RQ whether it still holds it)."""
    function = JOB_FUNCTIONS[job.kind]
    enqueue_after_commit(db.session(), QueuedJob(function, (job.id,), job_id=job.id, retries=2))


def job_for(user: User, job_id: str) -> Job:
    """The job if `user` requested it (or may view its amendment); 404 otherwise."""
    job = db.session.get(Job, job_id)
    if job is None or job.parent_id is not None:
        raise NotFound("Tâche inconnue.")
    if job.requested_by_id == user.id:
        return job
    if job.kind == "document" and job.amendment_id is not None:
        get_visible_amendment(user, job.amendment_id)
        return job
    raise NotFound("Tâche inconnue.")


def file_for(user: User, job_id: str) -> StoredFile:
    """The file a finished job produced, with the job's authorisation; 404 otherwise."""
    job = job_for(user, job_id)
    stored = db.session.get(StoredFile, job.file_id) if job.file_id else None
    if job.status != "finished" or stored is None:
        raise NotFound("Le fichier n'est pas (encore) disponible.")
    return stored


def job_json(job: Job, file_url: str) -> dict[str, Any]:
    """A job as the API shows it; `result` once finished, `error` once failed."""
    out: dict[str, Any] = {"id": job.id, "status": job.status, "progress": job.progress or 0}
    stored = db.session.get(StoredFile, job.file_id) if job.file_id else None
    if job.status == "finished" and stored is not None:
        out["result"] = {
            "url": file_url,
            "filename": stored.filename,
            "content_type": stored.content_type,
            "size": stored.size,
            "sha256": stored.sha256,
        }
    elif job.status == "finished" and isinstance((job.params or {}).get("result"), dict):
        out["result"] = job.params["result"]  # an import's or a sync's summary
    if job.status == "failed":
        out["error"] = job.error or "Échec."
    return out


# ----- job bookkeeping (the Job row is the source of truth for the status) -----


def claim(job_id: str, now: datetime) -> Job | None:
    """Mark the job started (one more attempt); None when unknown or already finished."""
    job = db.session.get(Job, job_id)
    if job is None or job.status == "finished":
        return None
    job.status, job.error, job.started_at, job.heartbeat_at = "started", None, now, now
    job.attempts = (job.attempts or 0) + 1
    return job


def load_job(job_id: str) -> Job:
    """A job row, freshly loaded."""
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None:
        raise NotFound("Tâche inconnue.")
    return job


def mark_finished(job: Job, stored: StoredFile | None, now: datetime) -> None:
    """Status finished at 100 %, with the produced file."""
    job.status, job.progress, job.finished_at, job.error = "finished", 100, now, None
    job.file_id = stored.id if stored is not None else None


def set_progress(job_id: str, progress: int) -> None:
    """Record progress in its own short transaction (seen by pollers at once)."""
    with db.engine.begin() as conn:
        conn.execute(
            update(Job)
            .where(Job.id == job_id, Job.status != "finished")
            .values(progress=max(0, min(99, progress)), heartbeat_at=utcnow())
        )


def record_failure(job_id: str, error: BaseException) -> None:
    """Record the failure on the job row, and on its export (call after rolling back)."""
    message = f"{type(error).__name__}: {error}"[:2000]
    db.session.execute(update(Job).where(Job.id == job_id).values(status="failed", error=message))
    parent_id = db.session.scalar(select(Job.parent_id).where(Job.id == job_id))
    if parent_id is not None:
        db.session.execute(
            update(Job).where(Job.id == parent_id).values(status="failed", error=message)
        )


def retry_job(job_id: str) -> Job:
    """Queue an unfinished job again (`liasse jobs retry`); finished work is kept."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound("Tâche inconnue.")
    if job.status == "finished":
        raise Conflict("Cette tâche est déjà terminée.", code="invalid_state")
    job.status, job.error = "queued", None
    enqueue(job)
    return job


JOB_FUNCTIONS = {
    "document": "drafting.jobs.documents.render_document",
    "export": "drafting.jobs.documents.export_liasse",
    "export_chunk": "drafting.jobs.documents.export_chunk",
    "bulk": "drafting.jobs.bulk.run_bulk",
    "text_import": "drafting.jobs.assembly.import_text",
    "sync": "drafting.jobs.assembly.sync_amendments",
}


MAX_RECOVERIES = 3  # a job that keeps killing its worker (memory) is not queued forever


def _stalled(now: datetime) -> list[Job]:
    """Jobs a worker will not finish: started with no sign of life for LIASSE_JOB_STALE_MINUTES
    (the worker was killed), or queued that long ago and not in the queue (Redis was down)."""
    stale = now - timedelta(minutes=current_app.config["LIASSE_JOB_STALE_MINUTES"])
    started = and_(Job.status == "started", func.coalesce(Job.heartbeat_at, Job.started_at) < stale)
    queued = and_(Job.status == "queued", Job.created_at < stale)
    candidates = db.session.scalars(
        select(Job).where(or_(started, queued)).order_by(Job.created_at)
    )
    return [job for job in candidates if is_pending(job.id) is not True]


def recover_stalled(now: datetime) -> list[str]:
    """Queue again the jobs left behind (the clock calls this every minute); their finished
    parts are kept. Returns their ids."""
    recovered = []
    for job in _stalled(now):
        times = int(job.params.get("recoveries", 0)) + 1
        if times > MAX_RECOVERIES:  # it kills its worker each time: stop, and say so
            job.status, job.finished_at = "failed", now
            job.error = f"Interrompue {MAX_RECOVERIES} fois (processus arrêté) : abandonnée."
            continue
        job.status, job.error = "queued", None
        job.params = job.params | {"recovered_at": now.isoformat(), "recoveries": times}
        enqueue(job)
        recovered.append(job.id)
    return recovered
