"""Enqueue-after-commit: jobs leave only when the transaction commits."""

from __future__ import annotations

from drafting.extensions import db
from workflows.queue import COMMITTED, PENDING, QueuedJob, enqueue_after_commit


def _pending() -> list[QueuedJob]:
    return list(db.session().info.get(PENDING, []))


def test_a_rolled_back_transaction_drops_its_jobs(app):
    db.session.connection()  # jobs are queued inside a unit of work
    enqueue_after_commit(db.session(), QueuedJob("workflows.jobs.ping", ("a",)))
    db.session.rollback()
    assert _pending() == []


def test_a_rolled_back_savepoint_drops_only_the_jobs_queued_inside_it(app):
    session = db.session()
    session.connection()  # begin the outer transaction
    enqueue_after_commit(session, QueuedJob("workflows.jobs.ping", ("outer",)))
    savepoint = session.begin_nested()
    enqueue_after_commit(session, QueuedJob("workflows.jobs.ping", ("inner",)))
    savepoint.rollback()
    assert [job.args for job in _pending()] == [("outer",)]
    session.commit()
    assert [job.args for job in session.info.get(COMMITTED, [])] == [("outer",)]
    session.info.pop(COMMITTED, None)


def test_inline_jobs_that_commit_do_not_recurse(app, monkeypatch):
    from drafting.db import commit

    monkeypatch.setitem(app.config, "REDIS_URL", None)  # the embedded default: inline jobs
    session = db.session()
    session.connection()
    for n in range(400):  # each inline job commits; nesting would blow the stack
        enqueue_after_commit(session, QueuedJob("tests.workflows.test_queue.committing_job", (n,)))
    commit()
    assert list(range(400)) == RAN


RAN: list[int] = []


def committing_job(n: int) -> None:
    """A job that commits, as real jobs do."""
    from drafting.db import commit

    RAN.append(n)
    commit()
