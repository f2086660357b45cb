"""The Assembly's data: a text imported from a URL, a text's amendments synced."""

from __future__ import annotations

from drafting.jobs.runner import in_app, run_tracked
from drafting.services.assembly import sync_job, text_import


@in_app
def import_text(job_id: str) -> None:
    """Fetch a bill's page from an allow-listed host and import the text."""
    run_tracked(job_id, text_import.run_url_import)


@in_app
def sync_amendments(job_id: str) -> None:
    """Read the Assembly's amendments of a text and sync ours and the external ones."""
    run_tracked(job_id, sync_job.run_sync)
