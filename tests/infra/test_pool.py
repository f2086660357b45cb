"""Pooled connections are tested before use only after sitting idle (drafting.infra.pool)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, exc, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from drafting import create_app
from drafting.config import load_config
from drafting.extensions import db
from drafting.infra.pool import ping_mode, ping_when_idle


def test_ping_modes():
    assert ping_mode(None) == ping_mode("") == ping_mode(" Idle ") == "idle"
    assert {ping_mode(v) for v in ("1", "true", "on", "always")} == {"always"}
    assert {ping_mode(v) for v in ("0", "false", "off")} == {"off"}
    with pytest.raises(ValueError, match="LIASSE_DB_PRE_PING"):
        ping_mode("sometimes")


@pytest.mark.parametrize(
    ("mode", "pre_ping", "on_idle"),
    [("idle", False, True), ("always", True, False), ("off", False, False)],
)
def test_the_ping_mode_decides_how_the_app_engine_tests_connections(app, mode, pre_ping, on_idle):
    config = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "LIASSE_DATA_DIR": app.config["LIASSE_DATA_DIR"],
        "RATELIMIT_ENABLED": False,
        "LIASSE_DB_PRE_PING": mode,
    }
    other = create_app(config)
    with other.app_context():
        engine = db.engine
        assert engine.pool._pre_ping is pre_ping  # type: ignore[attr-defined]
        assert bool(engine.pool.dispatch.checkout) is on_idle  # the idle ping's listener
        engine.dispose()


def test_settings_are_read_from_the_environment(monkeypatch):
    monkeypatch.delenv("LIASSE_DB_PRE_PING", raising=False)
    assert load_config()["LIASSE_DB_PRE_PING"] == "idle"
    monkeypatch.setenv("LIASSE_DB_PRE_PING", "on")
    assert load_config()["LIASSE_DB_PRE_PING"] == "always"
    monkeypatch.setenv("LIASSE_DB_PING_IDLE_SECONDS", "2.5")
    assert load_config()["LIASSE_DB_PING_IDLE_SECONDS"] == 2.5


@pytest.fixture
def engine(app: Flask) -> Iterator[Engine]:
    """A private engine on the test database (SQLite or PostgreSQL), one pooled connection."""
    created = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_size=1, max_overflow=0)
    yield created
    created.dispose()


def _pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    seen: list[Any] = []
    real = engine.dialect.do_ping

    def counting(dbapi_connection: Any) -> bool:
        seen.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting)
    return seen


def _select_one(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT 1")).scalar_one())


def _kill(engine: Engine, dbapi_connection: Any) -> None:
    """Kill one connection as a database restart would: PostgreSQL ends its backend; SQLite,
    which has no server, has the connection closed under the pool."""
    if engine.dialect.name == "postgresql":
        killer = create_engine(engine.url, poolclass=NullPool)
        with killer.begin() as connection:
            pid = dbapi_connection.info.backend_pid
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killer.dispose()
    else:
        dbapi_connection.close()


def _kill_pooled_connections(engine: Engine) -> int:
    """Kill every connection resting in the pool; how many there were."""
    records = list(engine.pool._pool.queue)  # type: ignore[attr-defined]
    for record in records:
        _kill(engine, record.dbapi_connection)
    return len(records)


def test_a_connection_used_a_moment_ago_is_not_pinged(engine, monkeypatch):
    ping_when_idle(engine, idle_seconds=60)
    pings = _pings(engine, monkeypatch)
    assert [_select_one(engine) for _ in range(5)] == [1] * 5
    assert pings == []


def test_an_idle_connection_is_pinged_and_replaced_when_dead(engine, monkeypatch):
    ping_when_idle(engine, idle_seconds=0)
    pings = _pings(engine, monkeypatch)
    assert _select_one(engine) == 1
    assert _kill_pooled_connections(engine) == 1
    assert _select_one(engine) == 1, "the dead connection was replaced before use"
    assert len(pings) == 1, "pinged once: the dead one (the new connection is not idle)"


def test_without_the_ping_a_dead_pooled_connection_fails_the_request(engine):
    ping_when_idle(engine, idle_seconds=3600)  # not idle long enough to be tested
    assert _select_one(engine) == 1
    assert _kill_pooled_connections(engine) == 1
    with pytest.raises(exc.DBAPIError):
        _select_one(engine)
    assert _select_one(engine) == 1, "SQLAlchemy recycles the pool after the failure"


def test_a_connection_lost_under_a_request_answers_503_and_the_next_request_works(app, api, people):
    client = api(people["regol"])
    assert client.get("/texts").status_code == 200
    db.session.remove()  # every connection back in the pool
    assert _kill_pooled_connections(db.engine) >= 1
    lost = client.get("/texts")
    assert lost.status_code == 503
    assert lost.get_json()["error"]["code"] == "unavailable"
    assert lost.headers["Retry-After"] == "5"
    assert client.get("/texts").status_code == 200, "the pool connected afresh"
