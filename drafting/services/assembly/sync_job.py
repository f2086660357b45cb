"""A sync's sources: an uploaded file (checked at once, stored for the job) or an allow-listed
URL (fetched by the job); the job that runs the sync and keeps its summary as its result."""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from drafting.errors import Invalid
from drafting.extensions import db
from drafting.models import Job, StoredFile, User
from drafting.services import texts
from drafting.services.assembly import remote
from drafting.services.assembly.amendments_opendata import SUFFIXES, parse_amendment_files
from drafting.services.assembly.errors import SourceError
from drafting.services.assembly.sources import is_zip, read_path
from drafting.services.assembly.sync import check_actor, sync_text
from drafting.services.documents import jobs, storage


def check_source(path: Path) -> None:
    """Refuse (422) at once what a job would fail on: an unreadable ZIP, a file that is no
    amendment. A ZIP's members are read by the job (only its directory is checked here)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
        if is_zip(head):
            with zipfile.ZipFile(path) as archive:
                archive.infolist()
        else:
            parse_amendment_files(read_path(path, suffixes=SUFFIXES))
    except zipfile.BadZipFile as exc:
        message = f"Archive ZIP illisible (tronquée ou corrompue) : {exc}."
        raise Invalid(message, code="unreadable_source", fields={"source": message}) from exc
    except SourceError as exc:
        raise Invalid(
            exc.message, code="unreadable_source", fields={"source": exc.message}
        ) from exc


def request_sync(
    actor: User,
    text_id: int,
    now: datetime,
    *,
    url: str | None = None,
    upload: Path | None = None,
    filename: str = "source",
) -> Job:
    """Queue a sync of the text from a URL (allow-listed) or an uploaded file (checked, stored)."""
    check_actor(actor)
    text = texts.get_text(text_id, with_articles=False)
    params: dict[str, Any] = {}
    if url is not None:
        params["url"] = remote.check(url)
    elif upload is not None:
        check_source(upload)
        name = _safe_name(filename)
        stored = storage.backend().put(
            f"imports/{uuid.uuid4().hex}/{name}", upload, "application/octet-stream", name
        )
        params |= {"upload_id": stored.id, "filename": name}
    else:
        raise Invalid("Source manquante.", fields={"source": "obligatoire"})
    job = jobs.new_job(actor, "sync", now, params, text_id=text.id)
    jobs.enqueue(job)
    return job


def _safe_name(filename: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._=-]+", "_", Path(filename).name).strip("._") or "source"
    return name[:100]


def run_sync(job: Job, now: datetime) -> None:
    """The job: fetch or reopen the source, sync, keep the summary as the job's result."""
    actor = db.session.get(User, job.requested_by_id)
    assert job.text_id is not None
    with tempfile.TemporaryDirectory() as folder:
        path = _local_copy(job, Path(folder))
        jobs.set_progress(job.id, 5)
        summary = sync_text(
            actor,
            job.text_id,
            read_path(path, suffixes=SUFFIXES),
            now,
            source=job.params.get("url") or job.params.get("filename", ""),
            progress=lambda percent: jobs.set_progress(job.id, percent),
        )
    job.params = job.params | {"result": summary.as_json()}
    jobs.mark_finished(job, None, now)
    _drop_upload(job)


def _local_copy(job: Job, folder: Path) -> Path:
    if job.params.get("url"):
        target = folder / "download"
        with target.open("wb") as out:
            name = remote.download(job.params["url"], out)
        return target.rename(folder / _safe_name(name))
    stored = db.session.get(StoredFile, job.params["upload_id"])
    if stored is None:
        raise Invalid("Le fichier envoyé n'est plus disponible : envoyez-le de nouveau.")
    target = folder / job.params.get("filename", "source")
    with storage.open_file(stored) as source, target.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    return target


def _drop_upload(job: Job) -> None:
    stored = db.session.get(StoredFile, job.params.get("upload_id") or 0)
    if stored is not None:
        storage.storage_for(stored).remove(stored)


def recent_syncs(user: User, text_id: int, limit: int = 10) -> list[Job]:
    """The user's last syncs of a text, newest first (their results on the sync page)."""
    query = (
        select(Job)
        .where(Job.kind == "sync", Job.text_id == text_id, Job.requested_by_id == user.id)
        .order_by(Job.created_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
