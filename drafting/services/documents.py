"""Official documents: the sheet of an amendment, document and export requests, and their jobs."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from drafting import storage
from drafting.errors import Conflict, Forbidden, Invalid, NotFound
from drafting.extensions import db
from drafting.models import Amendment, Group, Job, Signature, StoredFile, User
from drafting.permissions import can_export_liasse
from drafting.services import texts
from drafting.services.amendments import get_visible_amendment
from workflows.deadlines import PARIS
from workflows.queue import QueuedJob, enqueue_after_commit
from workflows.review import State

if TYPE_CHECKING:
    from drafting.documents.sheet import AmendmentSheet, Signatory

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",
}
DOCUMENT_FORMATS = ("docx", "pdf")
STATUSES = ("queued", "started", "finished", "failed")


def watermark_for(requester: User, now: datetime) -> str:
    """The mark printed on an unfiled amendment's copy: who exported it and when."""
    from drafting.documents.sheet import french_date

    return f"Exporté par {requester.display_name} le {french_date(now.astimezone(PARIS).date())}"


class Person(Protocol):
    """What a sheet prints of a deputy (a User, or a row of the co-signatories query)."""

    civility: str
    first_name: str
    last_name: str


def _signatory(person: Person) -> Signatory:
    from drafting.documents.sheet import Signatory

    return Signatory(
        civility=person.civility, first_name=person.first_name, last_name=person.last_name
    )


def current_cosigners(
    amendment_ids: Sequence[int], session: Session | None = None
) -> dict[int, list[Person]]:
    """Current co-signatories of each amendment in signing order (one query, plain rows)."""
    query = (
        select(Signature.amendment_id, User.civility, User.first_name, User.last_name)
        .join(User, User.id == Signature.deputy_id)
        .join(Amendment, Amendment.id == Signature.amendment_id)
        .where(
            Signature.amendment_id.in_(list(amendment_ids)),
            Signature.withdrawn_at.is_(None),
            Signature.voided_at.is_(None),
            Signature.content_hash == Amendment.content_hash,
            Signature.deputy_id != Amendment.author_id,
        )
        .order_by(Signature.amendment_id, Signature.first_signed_at, Signature.id)
    )
    found: dict[int, list[Person]] = {i: [] for i in amendment_ids}
    for row in (session or db.session).execute(query):
        found[row.amendment_id].append(row)
    return found


def _sheet_date(amendment: Amendment, now: datetime) -> date:
    moment = amendment.filed_at if amendment.filed_at is not None else now
    return moment.astimezone(PARIS).date()


def sheet_for(
    amendment: Amendment, cosigners: Sequence[Person], requester: User, now: datetime
) -> AmendmentSheet:
    """The data of the official layout for one amendment, as `requester` exports it at `now`."""
    from drafting.documents.sheet import AmendmentSheet

    group = amendment.group if amendment.presented_by_group else None
    unfiled = amendment.state != State.FILED
    return AmendmentSheet(
        text_title=amendment.text.title,
        text_number=amendment.text.number,
        stage=amendment.text.stage,
        position_kind=amendment.position_kind,
        article_number=amendment.article.number,
        alinea=amendment.alinea,
        number=amendment.number,
        state=amendment.state,
        outcome=amendment.outcome,
        date=_sheet_date(amendment, now),
        author=_signatory(amendment.author),
        cosignatories=tuple(_signatory(u) for u in cosigners),
        group_name=group.name if group is not None else None,
        dispositif=amendment.dispositif,
        expose=amendment.expose,
        version=amendment.version,
        content_hash=amendment.content_hash,
        watermark=watermark_for(requester, now) if unfiled else None,
    )


def build_sheet(amendment: Amendment, requester: User, now: datetime) -> AmendmentSheet:
    """The sheet of one amendment with its current co-signatories."""
    cosigners = current_cosigners([amendment.id])[amendment.id]
    return sheet_for(amendment, cosigners, requester, now)


def load_amendments(ids: Sequence[int], session: Session | None = None) -> list[Amendment]:
    """Amendments with what their sheet needs, in the order of `ids` (constant queries)."""
    query = (
        select(Amendment)
        .where(Amendment.id.in_(list(ids)))
        .options(
            joinedload(Amendment.text),
            joinedload(Amendment.article),
            joinedload(Amendment.author),
            joinedload(Amendment.group),
        )
    )
    by_id = {a.id: a for a in (session or db.session).scalars(query).unique()}
    return [by_id[i] for i in ids if i in by_id]


def build_sheets(
    ids: Sequence[int], requester: User, now: datetime, session: Session | None = None
) -> list[AmendmentSheet]:
    """Sheets of a batch of amendments, in the order of `ids`, in three queries."""
    amendments = load_amendments(ids, session)
    cosigners = current_cosigners([a.id for a in amendments], session)
    return [sheet_for(a, cosigners[a.id], requester, now) for a in amendments]


def sheet_digest(sheet: AmendmentSheet) -> str:
    """A short digest of everything printed besides the content (signatories, number, mark…)."""
    return hashlib.sha256(repr(sheet).encode("utf-8")).hexdigest()[:32]


def cache_key(sheet: AmendmentSheet, fmt: str, template_version: str) -> str:
    """Where a rendered document of this exact sheet is kept and found again."""
    return f"amdt/{sheet.content_hash}/{fmt}/{template_version}/{sheet_digest(sheet)}"


def _new_job(actor: User, kind: str, now: datetime, params: dict[str, Any], **links: Any) -> Job:
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
    """Send the job function of `job` to the queue once the transaction commits."""
    function = JOB_FUNCTIONS[job.kind]
    enqueue_after_commit(db.session(), QueuedJob(function, (job.id,), retries=2))


def request_document(actor: User, amendment_id: int, fmt: str, now: datetime) -> Job:
    """Ask for the official DOCX or PDF of an amendment one may see; rendered by a job."""
    if fmt not in DOCUMENT_FORMATS:
        raise Invalid("Format inconnu.", fields={"format": "docx ou pdf"})
    amendment = get_visible_amendment(actor, amendment_id)
    job = _new_job(
        actor,
        "document",
        now,
        {"format": fmt},
        amendment_id=amendment.id,
        text_id=amendment.text_id,
    )
    enqueue(job)
    return job


def _export_params(group: str | None, states: Sequence[str] | None) -> dict[str, Any]:
    fields: dict[str, str] = {}
    if group and db.session.scalar(select(Group.id).where(Group.code == group.upper())) is None:
        fields["group"] = "groupe inconnu"
    unknown = sorted(set(states or ()) - {s.value for s in State})
    if unknown:
        fields["states"] = "états inconnus : " + ", ".join(unknown)
    if fields:
        raise Invalid("Paramètres d'export invalides.", fields=fields)
    return {
        "format": "zip",
        "group": group.upper() if group else None,
        "states": sorted(set(states)) if states else None,
    }


def request_export(
    actor: User,
    text_id: int,
    *,
    group: str | None = None,
    states: Sequence[str] | None = None,
    now: datetime,
) -> Job:
    """Ask for the liasse of a text (secretariat or admin): a ZIP built by background jobs."""
    if not can_export_liasse(actor):
        raise Forbidden("Seuls les secrétariats de groupe exportent la liasse.")
    text = texts.get_text(text_id)
    job = _new_job(actor, "export", now, _export_params(group, states), text_id=text.id)
    enqueue(job)
    return job


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
    if job.status == "failed":
        out["error"] = job.error or "Échec."
    return out


# ----- job bookkeeping (the Job row is the source of truth for the status) -----


def claim(job_id: str, now: datetime) -> Job | None:
    """Mark the job started (one more attempt); None when unknown or already finished."""
    job = db.session.get(Job, job_id)
    if job is None or job.status == "finished":
        return None
    job.status, job.error, job.started_at = "started", None, now
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
            .values(progress=max(0, min(99, progress)))
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


# ----- the document job -----


def template_version() -> str:
    """The version of the official templates (part of every cache key)."""
    from drafting.documents.docx import TEMPLATE_VERSION

    return str(TEMPLATE_VERSION)


def render(sheet: AmendmentSheet, fmt: str) -> bytes:
    """Render one sheet as DOCX or PDF (the renderers are imported on first use)."""
    if fmt == "docx":
        from drafting.documents.docx import render_docx

        return render_docx(sheet)
    from drafting.documents.pdf import render_pdf

    return render_pdf(sheet)


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
        from drafting.documents.sheet import download_name

        name = download_name(sheet, fmt)
        stored = storage.backend().put(key, render(sheet, fmt), CONTENT_TYPES[fmt], name)
    mark_finished(job, stored, now)


JOB_FUNCTIONS = {
    "document": "workflows.jobs.render_document",
    "export": "workflows.jobs.export_liasse",
    "export_chunk": "workflows.jobs.export_chunk",
}
