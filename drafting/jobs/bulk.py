"""Bulk action jobs: a large selection acted on batch by batch, each batch committed."""

from __future__ import annotations

from drafting.db import commit
from drafting.jobs.runner import in_app, run_tracked
from drafting.services.bulk import jobs as bulk_jobs


@in_app
def run_bulk(job_id: str) -> None:
    """Take a bulk action on every amendment of its selection; the report is the job's result."""
    run_tracked(job_id, lambda job, now: bulk_jobs.run_job(job, now, commit))
