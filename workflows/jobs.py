"""RQ job functions: they take ids, load what they need and run inside the Flask app."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, has_app_context

F = TypeVar("F", bound=Callable[..., Any])
_APP: Flask | None = None
_APP_PID: int | None = None


def use_app(app: Flask) -> None:
    """Give the worker's app to jobs (called before the worker forks, so children inherit it)."""
    global _APP, _APP_PID
    _APP, _APP_PID = app, os.getpid()


def _app() -> Flask:
    global _APP
    if _APP is None:
        from drafting import create_app

        use_app(create_app())
    assert _APP is not None
    return _APP


def in_app(func: F) -> F:
    """Run the job inside an app context; after a fork, drop the parent's DB connections."""

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        if has_app_context():
            return func(*args)
        app = _app()
        with app.app_context():
            if os.getpid() != _APP_PID:
                from drafting.extensions import db

                db.engine.dispose(close=False)
            return func(*args)

    return wrapper  # type: ignore[return-value]


@in_app
def ping(value: str) -> str:
    """A trivial job, used to check the queue end to end."""
    return value


def preload() -> None:
    """Import the heavy renderers once, before the worker forks (children inherit them)."""
    import importlib

    for name in (
        "drafting.documents.docx",
        "drafting.documents.pdf",
        "drafting.documents.liasse",
        "drafting.services.exports",
        "pikepdf",
    ):
        try:
            importlib.import_module(name)
        except ImportError:
            continue


@in_app
def send_notification_email(notification_id: int) -> None:
    """E-mail one notification when SMTP_URL is set; log it otherwise. Sent once."""
    import logging
    import smtplib
    from datetime import UTC, datetime
    from email.message import EmailMessage
    from urllib.parse import urlparse

    from flask import current_app

    from drafting.db import commit
    from drafting.extensions import db
    from drafting.models import Notification, User

    note = db.session.get(Notification, notification_id)
    if note is None or note.emailed_at is not None:
        return
    user = db.session.get(User, note.user_id)
    assert user is not None
    smtp_url = current_app.config.get("SMTP_URL")
    if smtp_url:
        parsed = urlparse(smtp_url)
        message = EmailMessage()
        message["From"] = current_app.config["LIASSE_MAIL_FROM"]
        message["To"] = user.email
        message["Subject"] = f"[Liasse] {note.message[:80]}"
        message.set_content(note.message)
        with smtplib.SMTP(parsed.hostname or "localhost", parsed.port or 25, timeout=10) as smtp:
            smtp.send_message(message)
    else:
        logging.getLogger("liasse.mail").info("mail to %s: %s", user.email, note.message)
    note.emailed_at = datetime.now(UTC)
    commit()


# ----- official documents (issue 5): each job takes an id; the Job row holds the status -----


def _under_rq() -> bool:
    from rq import get_current_job

    return get_current_job() is not None


def run_tracked(job_id: str, work: Callable[[Any, Any], None]) -> None:
    """Claim a Job row, do its work, commit; on error record it and re-raise so RQ retries."""
    import logging
    from datetime import UTC, datetime

    from drafting.db import commit, rollback
    from drafting.services import documents

    now = datetime.now(UTC)
    if documents.claim(job_id, now) is None:  # unknown or finished: re-running is harmless
        return
    commit()  # inline, this runs the jobs queued before this one: load the row afresh
    try:
        job = documents.load_job(job_id)
        work(job, now)
        if job.status == "finished":
            job.finished_at = datetime.now(UTC)
        commit()
    except Exception as exc:
        rollback()
        documents.record_failure(job_id, exc)
        commit()
        if _under_rq():
            raise
        logging.getLogger("liasse.jobs").exception("job %s failed", job_id)


@in_app
def render_document(job_id: str) -> None:
    """Render one amendment's official DOCX or PDF (or reuse the cached file)."""
    from drafting.services import documents

    run_tracked(job_id, documents.produce_document)


@in_app
def export_liasse(job_id: str) -> None:
    """Plan a liasse export: order the amendments and enqueue one job per chunk."""
    from drafting.services import exports

    run_tracked(job_id, exports.plan_export)


@in_app
def export_chunk(job_id: str) -> None:
    """Render one chunk of a liasse into a partial ZIP; the last chunk enqueues the assembly."""
    from drafting.services import exports

    run_tracked(job_id, exports.render_chunk)


@in_app
def assemble_export(job_id: str) -> None:
    """Stitch the partial ZIPs of an export into the final liasse and finish the export job."""
    from drafting.services import exports

    run_tracked(job_id, exports.assemble)


# ----- deadlines (issue 4): the sweep, for an RQ scheduler or cron that enqueues it -----


@in_app
def sweep_deadlines() -> str:
    """Run the deadline sweep once, in its own transaction (idempotent: safe to over-schedule)."""
    from flask import current_app

    from workflows.clock import tick

    report = tick(current_app._get_current_object())  # type: ignore[attr-defined]
    return str(report) if report is not None else "sweep failed"
