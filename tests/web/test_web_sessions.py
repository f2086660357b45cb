"""Browser sessions expire on the server (idle and absolute lifetimes); pages are never cached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask

from drafting.db import commit
from drafting.extensions import db
from drafting.models import WebSession
from drafting.services.accounts import sessions


def _browser(app: Flask, user, opened_at: datetime):
    record = sessions.open_session(user, opened_at, user_agent="test", address="127.0.0.1")
    commit()
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["sid"] = record.key
        cookie["_user_id"] = str(user.id)
        cookie["_fresh"] = True
    return client, record.id


def test_a_recent_session_opens_pages_and_is_stamped(app, people):
    client, session_id = _browser(app, people["regol"], datetime.now(UTC) - timedelta(hours=1))
    assert client.get("/tableau-de-bord").status_code == 200
    db.session.expire_all()
    seen = db.session.get(WebSession, session_id).last_seen_at
    assert datetime.now(UTC) - seen < timedelta(minutes=1)


def test_an_idle_session_expires_on_the_server(app, people):
    idle = timedelta(hours=app.config["LIASSE_SESSION_IDLE_HOURS"] + 1)
    client, session_id = _browser(app, people["regol"], datetime.now(UTC) - idle)
    assert client.get("/tableau-de-bord").status_code == 302
    db.session.expire_all()
    assert db.session.get(WebSession, session_id).revoked_at is not None


def test_a_session_used_every_day_still_ends_after_its_lifetime(app, people):
    lifetime = timedelta(hours=app.config["LIASSE_SESSION_MAX_HOURS"] + 1)
    client, session_id = _browser(app, people["regol"], datetime.now(UTC) - lifetime)
    record = db.session.get(WebSession, session_id)
    record.last_seen_at = datetime.now(UTC) - timedelta(minutes=1)
    commit()
    assert client.get("/tableau-de-bord").status_code == 302


def test_pages_and_api_answers_are_not_cached_but_static_files_may_be(client, people, api):
    from tests.conftest import login

    login(client, people["regol"])
    assert client.get("/tableau-de-bord").headers["Cache-Control"] == "no-store"
    assert api(people["regol"]).get("/texts").headers["Cache-Control"] == "no-store"
    static = client.get("/static/liasse.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")
