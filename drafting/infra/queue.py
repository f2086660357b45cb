"""Enqueue-after-commit: jobs are queued on the session and sent only once it commits.

With REDIS_URL set they go to RQ; without it they run in this process right after the commit:
inline (in the request, as tests and scripts want), or, with LIASSE_JOBS_IN_THREAD (what
`liasse run` sets), in one background thread of the server, so that a page answers at once and
follows the job's progress like it does with a worker.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job as RQJob
from rq.job import JobStatus
from sqlalchemy import event
from sqlalchemy.orm import Session

from drafting.extensions import db

log = logging.getLogger(__name__)
PENDING, COMMITTED = "liasse_pending_jobs", "liasse_committed_jobs"
MARKS, DISPATCHING = "liasse_savepoint_marks", "liasse_dispatching"
THREAD = "liasse_job_thread"
PENDING_STATUSES = frozenset(
    {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}
)
_THREAD_LOCK = threading.Lock()


@dataclass(frozen=True)
class QueuedJob:
    """A job to run: a dotted function name and its (id) arguments."""

    func: str
    args: tuple[Any, ...] = ()
    job_id: str | None = None
    retries: int = 2
    timeout: int = 1800
    meta: dict[str, Any] = field(default_factory=dict)


def enqueue_after_commit(session: Session, job: QueuedJob) -> None:
    """Queue `job` to be dispatched when this session commits (dropped on rollback)."""
    session.info.setdefault(PENDING, []).append(job)


@event.listens_for(Session, "after_commit")
def _promote(session: Session) -> None:
    pending = session.info.pop(PENDING, [])
    if pending:
        session.info.setdefault(COMMITTED, []).extend(pending)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: Any) -> None:
    if transaction.nested:  # remember what was queued before the savepoint
        marks = session.info.setdefault(MARKS, {})
        marks[id(transaction)] = len(session.info.get(PENDING, []))


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.nested:
        # A savepoint rolled back: drop only the jobs queued inside it.
        mark = session.info.get(MARKS, {}).pop(id(previous_transaction), None)
        if mark is not None and PENDING in session.info:
            del session.info[PENDING][mark:]
        return
    session.info.pop(PENDING, None)
    session.info.pop(MARKS, None)


def dispatch_committed(session: Session) -> None:
    """Send the committed jobs to RQ, or run them inline when there is no Redis."""
    if session.info.get(DISPATCHING):
        return  # an inline job committed: the outer loop below runs what it queued
    session.info[DISPATCHING] = True
    try:
        while session.info.get(COMMITTED):
            job = session.info[COMMITTED].pop(0)
            if current_app.config.get("REDIS_URL"):
                _enqueue_or_leave(job)
            elif current_app.config.get("LIASSE_JOBS_IN_THREAD"):
                run_in_thread(job)
            else:
                run_inline(job)
    finally:
        session.info.pop(DISPATCHING, None)


def run_inline(job: QueuedJob) -> Any:
    """Import the job function by dotted name and call it here."""
    module_name, _, name = job.func.rpartition(".")
    func = getattr(importlib.import_module(module_name), name)
    return func(*job.args)


def run_in_thread(job: QueuedJob) -> None:
    """Hand `job` to the app's background job thread (one thread: jobs run in order)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    with _THREAD_LOCK:
        executor = app.extensions.get(THREAD)
        if executor is None:
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="liasse-jobs")
            app.extensions[THREAD] = executor
    # LIASSE_JOBS_THREAD_DELAY: a job starts no sooner than that after it was queued, so that
    # it is seen queued, then under way (browser tests of the progress bar). Not after each
    # other job: jobs queued long ago behind others start at once.
    not_before = time.monotonic() + float(app.config.get("LIASSE_JOBS_THREAD_DELAY") or 0)
    executor.submit(_run_in_app, app, job, not_before)


def _run_in_app(app: Flask, job: QueuedJob, not_before: float = 0.0) -> None:
    wait = not_before - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    with app.app_context():
        try:
            run_inline(job)
        except Exception:
            db.session.rollback()
            log.exception("background job %s%r failed", job.func, job.args)
        finally:
            db.session.remove()


def redis_connection() -> Redis:
    """A Redis client for REDIS_URL."""
    return Redis.from_url(current_app.config["REDIS_URL"])


def rq_queue(name: str = "default") -> Queue:
    """The RQ queue jobs go to."""
    return Queue(name, connection=redis_connection())


def _enqueue_or_leave(job: QueuedJob) -> None:
    """Send `job` to RQ. Redis out of reach: the action that queued it has committed and stays
    done; the job is left where its own row (or the notification's) says it is still to do, and
    the clock's recovery queues it again once Redis is back."""
    try:
        _enqueue_rq(job)
    except (RedisError, OSError):
        log.warning("job queue unavailable: %s%r left for the recovery sweep", job.func, job.args)


def is_pending(job_id: str) -> bool | None:
    """Whether RQ holds this job, waiting or running (None: no Redis, or Redis out of reach)."""
    if not current_app.config.get("REDIS_URL"):
        return None
    try:
        found = RQJob.fetch(job_id, connection=redis_connection())
        return found.get_status(refresh=False) in PENDING_STATUSES
    except NoSuchJobError:
        return False
    except (RedisError, OSError):
        return None


def _enqueue_rq(job: QueuedJob) -> None:
    retry = Retry(max=job.retries, interval=[2, 10, 30][: job.retries]) if job.retries else None
    rq_queue().enqueue(
        job.func, *job.args, job_id=job.job_id, retry=retry, job_timeout=job.timeout, meta=job.meta
    )
