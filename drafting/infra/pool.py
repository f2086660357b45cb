"""Pooled connections: test a connection before use only when it may have gone stale.

SQLAlchemy's `pool_pre_ping` tests every connection at every checkout: one more round trip to
the database on every request, about a tenth of the cost of a signature. A connection that was
in use a moment ago is alive unless the server restarted in that moment, and then SQLAlchemy
sees the failure, answers that request with an error and recycles every older connection of the
pool. The connections that really go stale are the idle ones (a database restart at night, a
firewall dropping quiet sockets): those are tested when they have sat in the pool longer than
LIASSE_DB_PING_IDLE_SECONDS, and replaced if the test fails.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

PING_MODES = ("idle", "always", "off")
_CHECKED_IN = "liasse_checked_in_at"


def ping_mode(value: str | None) -> str:
    """LIASSE_DB_PRE_PING: `idle` (default), `always` (also 1/true/on) or `off` (0/false)."""
    text = (value or "idle").strip().lower()
    if text in ("1", "true", "yes", "on", "always"):
        return "always"
    if text in ("0", "false", "no", "off"):
        return "off"
    if text == "idle":
        return "idle"
    raise ValueError(f"LIASSE_DB_PRE_PING must be one of {', '.join(PING_MODES)}, not {value!r}")


def ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Test a pooled connection at checkout if it was checked in more than `idle_seconds` ago;
    a failed test makes the pool discard it and connect afresh (SQLAlchemy's
    DisconnectionError protocol, retried up to three times)."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(_CHECKED_IN, None)
        if since is None or time.monotonic() - since < idle_seconds:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure: this connection is not to be trusted
            raise exc.DisconnectionError(f"stale pooled connection: {error}") from error
