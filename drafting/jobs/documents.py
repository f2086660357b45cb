"""Document jobs: one amendment's DOCX or PDF, and the liasse export (plan, chunks, assembly)."""

from __future__ import annotations

from drafting.jobs.runner import in_app, run_tracked
from drafting.services.documents import exports, official


@in_app
def render_document(job_id: str) -> None:
    """Render one amendment's official DOCX or PDF (or reuse the cached file)."""
    run_tracked(job_id, official.produce_document)


@in_app
def export_liasse(job_id: str) -> None:
    """Plan a liasse export: order the amendments and enqueue one job per chunk."""
    run_tracked(job_id, exports.plan_export)


@in_app
def export_chunk(job_id: str) -> None:
    """Render one chunk of a liasse into a partial ZIP; the last chunk enqueues the assembly."""
    run_tracked(job_id, exports.render_chunk)


@in_app
def assemble_export(job_id: str) -> None:
    """Stitch the partial ZIPs of an export into the final liasse and finish the export job."""
    run_tracked(job_id, exports.assemble)
