"""Jobs queued before the upgrade under `workflows.jobs.*` still run (one release of grace)."""

from __future__ import annotations

import importlib

import pytest
from rq import SimpleWorker

from drafting.infra.queue import QueuedJob, redis_connection, rq_queue, run_inline
from drafting.jobs import deadlines, documents, notifications, runner

NEW_HOMES = {
    "ping": runner,
    "render_document": documents,
    "export_liasse": documents,
    "export_chunk": documents,
    "assemble_export": documents,
    "send_notification_email": notifications,
    "sweep_deadlines": deadlines,
}


@pytest.mark.parametrize("name", sorted(NEW_HOMES))
def test_each_old_name_is_the_job_function_in_its_new_home(name):
    legacy = importlib.import_module("workflows.jobs")
    assert getattr(legacy, name) is getattr(NEW_HOMES[name], name)


def test_a_job_queued_under_its_old_name_runs_inline(app):
    assert run_inline(QueuedJob("workflows.jobs.ping", ("old name",))) == "old name"


def test_a_job_queued_in_redis_under_its_old_name_is_run_by_the_worker(app):
    if not app.config.get("REDIS_URL"):
        pytest.skip("REDIS_URL not set (the PostgreSQL + Redis run covers it)")
    job = rq_queue().enqueue("workflows.jobs.ping", "queued before the upgrade")
    SimpleWorker([rq_queue()], connection=redis_connection()).work(burst=True)
    job.refresh()
    assert job.get_status() == "finished"
    assert job.return_value() == "queued before the upgrade"
