"""Official documents: a DOCX/PDF or liasse export requested, and the job that builds it."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field

from drafting.api.schemas import Schema
from drafting.api.schemas.assembly import SyncSummaryOut, TextImportResult
from drafting.api.schemas.bulk import BulkOut
from drafting.models import Job
from drafting.services.bulk import jobs as bulk_jobs
from drafting.services.documents import jobs

StateName = Literal["draft", "in_review", "open", "ready", "filed", "abandoned"]


class DocumentIn(Schema):
    format: Literal["docx", "pdf"]


class ExportIn(Schema):
    format: Literal["zip"] = "zip"
    group: str | None = Field(default=None, max_length=32)
    states: list[StateName] | None = Field(default=None, max_length=6)


class JobResult(Schema):
    url: str
    filename: str
    content_type: str
    size: int
    sha256: str


class JobOut(Schema):
    id: str
    status: Literal["queued", "started", "finished", "failed"]
    progress: int = Field(ge=0, le=100)
    # Absent until finished: the produced file, a bulk job's report, an import's or a sync's
    # summary.
    result: JobResult | BulkOut | TextImportResult | SyncSummaryOut | None = None
    error: str | None = None  # absent unless failed

    @classmethod
    def of(cls, job: Job, file_url: str) -> Self:
        """A job: status, progress, `result` once finished, `error` once failed (else absent)."""
        # `jobs.job_json` is the one place that decides which keys appear (the web page polls
        # the same state); validating it leaves the missing ones unset, hence absent.
        data = jobs.job_json(job, file_url)
        report = bulk_jobs.stored_report(job) if job.kind == bulk_jobs.KIND else None
        if report is None:
            return cls.model_validate(data)
        return cls.model_validate(data | {"result": None}).model_copy(
            update={"result": BulkOut.stored(report)}
        )


class JobEnvelope(Schema):
    job: JobOut
