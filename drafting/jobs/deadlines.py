"""The deadline sweep as a job, for an RQ scheduler or cron that enqueues it."""

from __future__ import annotations

from flask import current_app

from drafting.jobs.clock import tick
from drafting.jobs.runner import in_app


@in_app
def sweep_deadlines() -> str:
    """Run the deadline sweep once, in its own transaction (idempotent: safe to over-schedule)."""
    report = tick(current_app._get_current_object())  # type: ignore[attr-defined]
    return str(report) if report is not None else "sweep failed"
