"""The Assembly's data: a text imported from a URL."""

from __future__ import annotations

from drafting.jobs.runner import in_app, run_tracked
from drafting.services.assembly import text_import


@in_app
def import_text(job_id: str) -> None:
    """Fetch a bill's page from an allow-listed host and import the text."""
    run_tracked(job_id, text_import.run_url_import)
