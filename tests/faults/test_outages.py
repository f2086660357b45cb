"""Fault suite: the database out of reach answers 503 with Retry-After (pages and API, every
request, not only those in flight); Redis out of reach never turns a committed action into a
500, and what it left undone is done once it is back; a worker killed mid-export does not leave
the export "under way" forever."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from drafting import create_app
from drafting.db import commit
from drafting.extensions import db
from drafting.jobs import clock
from drafting.models import Job, Notification
from drafting.services.documents import exports
from tests.conftest import login

pytestmark = pytest.mark.faults
NOWHERE_DB = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
NOWHERE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def no_database(app: Flask) -> Iterator[Flask]:
    config = {k: app.config[k] for k in ("LIASSE_DATA_DIR", "LIASSE_PASSWORD_HASH_COST")}
    down = create_app(config | {"SQLALCHEMY_DATABASE_URI": NOWHERE_DB, "RATELIMIT_ENABLED": False})
    yield down
    with down.app_context():
        db.engine.dispose()


def test_the_api_answers_503_with_retry_after_while_the_database_is_down(no_database):
    client = no_database.test_client()
    for _ in range(3):  # every request, not only the first
        response = client.get("/api/v1/texts", headers={"Authorization": "Bearer x"})
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "unavailable"
        assert response.headers["Retry-After"] == "5"


def test_pages_answer_503_without_touching_the_database(no_database):
    client = no_database.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["sid"] = "1", "some-session"
    response = client.get("/tableau-de-bord")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "indisponible" in response.get_data(as_text=True)


def test_redis_down_never_turns_a_committed_submission_into_a_500(
    app, client, people, bill, monkeypatch
):
    from tests.conftest import draft_payload

    login(client, people["regol"])
    monkeypatch.setitem(app.config, "REDIS_URL", NOWHERE_REDIS)
    created = client.post(
        f"/amendements/nouveau/{bill.id}",
        data={k: v for k, v in draft_payload(bill.id).items() if isinstance(v, str)}
        | {"kind": "article", "article": "7"},
    )
    assert created.status_code < 500
    submit = client.post("/amendements/1/transitions", data={"action": "submit"})
    assert submit.status_code == 303  # committed, and said so
    db.session.expire_all()
    waiting = db.session.query(Notification).filter(Notification.emailed_at.is_(None)).count()
    assert waiting >= 1  # the e-mails could not be queued


def test_what_redis_could_not_take_is_queued_again_once_it_is_back(
    app, people, bill, monkeypatch, run_jobs
):
    from drafting.services.documents import official
    from tests.documents_helpers import make_amendment

    amendment = make_amendment(people["regol"], bill)
    monkeypatch.setitem(app.config, "REDIS_URL", NOWHERE_REDIS)
    job = official.request_document(people["regol"], amendment.id, "pdf", datetime.now(UTC))
    commit()  # the job cannot be queued: left queued in its row
    assert db.session.get(Job, job.id).status == "queued"
    monkeypatch.undo()  # Redis back (or, embedded, jobs inline again)
    later = datetime.now(UTC) + timedelta(minutes=30)
    assert job.id in clock.recover(app, later)
    run_jobs()
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "finished"


def test_a_worker_killed_mid_export_leaves_nothing_under_way_forever(
    app, people, bill, monkeypatch, run_jobs
):
    from tests.documents_helpers import make_amendment

    for _ in range(3):
        make_amendment(people["regol"], bill)
    monkeypatch.setitem(app.config, "REDIS_URL", NOWHERE_REDIS)  # nothing runs it meanwhile
    export = exports.request_export(people["claire"], bill.id, now=datetime.now(UTC))
    export_id = export.id
    commit()
    monkeypatch.undo()
    # A worker took it, said it was at 47 %, and was killed: the row says "started", silently.
    started = db.session.get(Job, export_id)
    started.status, started.progress, started.attempts = "started", 47, 1
    started.heartbeat_at = started.started_at = datetime.now(UTC)
    commit()
    assert clock.recover(app, datetime.now(UTC)) == []  # still alive for all anyone knows
    later = datetime.now(UTC) + timedelta(minutes=app.config["LIASSE_JOB_STALE_MINUTES"] + 1)
    assert export_id in clock.recover(app, later)
    run_jobs()
    db.session.expire_all()
    finished = db.session.get(Job, export_id)
    assert finished.status == "finished" and finished.file_id is not None


def test_the_job_page_says_a_stalled_job_was_restarted(app, client, people, bill, monkeypatch):
    from drafting.services.documents import official
    from tests.documents_helpers import make_amendment

    amendment = make_amendment(people["regol"], bill)
    monkeypatch.setitem(app.config, "REDIS_URL", NOWHERE_REDIS)
    job = official.request_document(people["regol"], amendment.id, "pdf", datetime.now(UTC))
    job_id = job.id
    commit()
    later = datetime.now(UTC) + timedelta(minutes=app.config["LIASSE_JOB_STALE_MINUTES"] + 1)
    assert job_id in clock.recover(app, later)  # Redis still down: queued again, in vain
    login(client, people["regol"])
    assert "relancé automatiquement" in client.get(f"/taches/{job_id}").get_data(as_text=True)


def test_a_job_that_keeps_killing_its_worker_is_stopped_and_says_so(app, people, bill, monkeypatch):
    from drafting.services.documents import jobs, official
    from tests.documents_helpers import make_amendment

    amendment = make_amendment(people["regol"], bill)
    monkeypatch.setitem(app.config, "REDIS_URL", NOWHERE_REDIS)  # nothing ever runs it
    job_id = official.request_document(people["regol"], amendment.id, "pdf", datetime.now(UTC)).id
    commit()
    stale = timedelta(minutes=app.config["LIASSE_JOB_STALE_MINUTES"] + 1)
    at = datetime.now(UTC)
    for _ in range(jobs.MAX_RECOVERIES):
        at += stale
        assert job_id in clock.recover(app, at)
    assert clock.recover(app, at + stale) == []
    stopped = db.session.get(Job, job_id)
    assert stopped.status == "failed" and "abandonnée" in stopped.error
