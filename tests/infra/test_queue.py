"""Enqueue-after-commit: jobs leave only when the transaction commits."""

from __future__ import annotations

import threading
import time

from drafting.extensions import db
from drafting.infra.queue import COMMITTED, PENDING, THREAD, QueuedJob, enqueue_after_commit


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
        enqueue_after_commit(session, QueuedJob("tests.infra.test_queue.committing_job", (n,)))
    commit()
    assert list(range(400)) == RAN


RAN: list[int] = []


def committing_job(n: int) -> None:
    """A job that commits, as real jobs do."""
    from drafting.db import commit

    RAN.append(n)
    commit()


GATE = threading.Event()
BACKGROUND: list[tuple[int, str]] = []


def gated_job(n: int) -> None:
    """A job that waits for the test to open the gate, then records where it ran."""
    if n < 0:
        raise RuntimeError("a failing job")
    GATE.wait(10)
    BACKGROUND.append((n, threading.current_thread().name))


def test_with_the_job_thread_the_commit_returns_at_once_and_jobs_run_in_order_behind_it(
    app, monkeypatch, caplog
):
    from drafting.db import commit

    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "LIASSE_JOBS_IN_THREAD", True)  # what `liasse run` sets
    session = db.session()
    session.connection()
    for n in (0, -1, 1, 2):  # the failing job (-1) is logged and the next ones still run
        enqueue_after_commit(session, QueuedJob("tests.infra.test_queue.gated_job", (n,)))
    commit()  # returns although every job waits on the gate
    assert BACKGROUND == []
    GATE.set()
    app.extensions.pop(THREAD).shutdown(wait=True)
    assert [n for n, _ in BACKGROUND] == [0, 1, 2]
    assert {name.split("_")[0] for _, name in BACKGROUND} == {"liasse-jobs"}
    assert "background job tests.infra.test_queue.gated_job(-1,) failed" in caplog.text


STARTED: list[float] = []


def timed_job() -> None:
    """A job that records when it started."""
    STARTED.append(time.monotonic())


def test_a_job_starts_the_configured_delay_after_it_was_queued_not_after_each_other(
    app, monkeypatch
):
    """LIASSE_JOBS_THREAD_DELAY: a job is seen queued before it runs (browser tests); jobs
    queued together all start after one delay, not one delay after another."""
    from drafting.db import commit

    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "LIASSE_JOBS_IN_THREAD", True)
    monkeypatch.setitem(app.config, "LIASSE_JOBS_THREAD_DELAY", 0.3)
    session = db.session()
    session.connection()
    for _ in range(3):
        enqueue_after_commit(session, QueuedJob("tests.infra.test_queue.timed_job"))
    committed = time.monotonic()
    commit()
    app.extensions.pop(THREAD).shutdown(wait=True)
    assert len(STARTED) == 3 and min(STARTED) - committed >= 0.3  # sleep waits at least that
    assert max(STARTED) - committed < 0.85  # one after another would be 0.9 s at least
