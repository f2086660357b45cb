"""Official documents: a DOCX/PDF or liasse export requested, and the job that builds it."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field

from drafting.api.schemas import Schema
from drafting.api.schemas.assembly import SyncSummaryOut, TextImportResult
from drafting.models import Job
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
    # Absent until finished: the produced file, or an import's or a sync's summary.
    result: JobResult | TextImportResult | SyncSummaryOut | None = None
    error: str | None = None  # absent unless failed

    @classmethod
    def of(cls, job: Job, file_url: str) -> Self:
        """A job: status, progress, `result` once finished, `error` once failed (else absent)."""
        # `jobs.job_json` is the one place that decides which keys appear (the web page polls
        # the same state); validating it leaves the missing ones unset, hence absent.
        return cls.model_validate(jobs.job_json(job, file_url))


class JobEnvelope(Schema):
    job: JobOut
