"""The embedded SQLite: write-ahead logging, a busy wait, and write transactions that take the
write lock when they begin.

SQLite lets one writer at a time. A transaction that reads first and writes later (a signature
reads the journal head, then appends the next event) fails if another writer committed in
between: it wrote from a stale read (`UNIQUE events.amendment_id, events.seq`), or SQLite refused
the upgrade ("database is locked"). So a transaction that will write begins with `BEGIN
IMMEDIATE`: it takes the write lock first and waits for it (busy_timeout), and concurrent writers
queue instead of failing. That is the unit of work (the ORM session) of every writing request
(POST, PUT, PATCH, DELETE) and of the writers that ask (`immediate_transactions`: the deadline
clock); side connections never take it. Reading requests and the rest
keep the driver's default (a transaction begins at the first write) and never wait: with WAL,
readers go on while one writes. So do background jobs, even inside a request
(`deferred_transactions`): they write their progress on other connections while they work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 15_000
_DEFERRED: ContextVar[bool] = ContextVar("liasse_sqlite_deferred", default=False)
_IMMEDIATE: ContextVar[bool] = ContextVar("liasse_sqlite_immediate", default=False)
_SNAPSHOT: ContextVar[bool] = ContextVar("liasse_sqlite_snapshot", default=False)


@contextmanager
def deferred_transactions() -> Iterator[None]:
    """Transactions begun inside are deferred (a job whose progress other connections write)."""
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


@contextmanager
def immediate_transactions() -> Iterator[None]:
    """Transactions begun inside take the write lock at once (a writer outside a request)."""
    token = _IMMEDIATE.set(True)
    try:
        yield
    finally:
        _IMMEDIATE.reset(token)


@contextmanager
def snapshot_transactions() -> Iterator[None]:
    """Transactions begun inside read one snapshot of the whole database from their first read
    on, without taking the write lock (a backup while others write)."""
    token = _SNAPSHOT.set(True)
    try:
        yield
    finally:
        _SNAPSHOT.reset(token)


def begins_immediately() -> bool:
    """Whether a transaction begun now takes the write lock at once: one of a writing request
    (not a job running inside it), or one asked for."""
    if _DEFERRED.get():
        return False
    if _IMMEDIATE.get():
        return True
    return has_request_context() and request.method not in SAFE_METHODS


def tune(engine: Engine) -> None:
    """WAL, a busy wait, and BEGIN IMMEDIATE for writing transactions (SQLite engines only)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        driver = connection.connection.dbapi_connection
        if _SNAPSHOT.get():
            driver.isolation_level = None  # an explicit BEGIN: reads share one snapshot
            driver.execute("BEGIN")
        else:
            driver.isolation_level = ""  # the driver's default: BEGIN before the first write


@event.listens_for(Session, "after_begin")
def _take_the_write_lock(_session: Session, _transaction: Any, connection: Any) -> None:
    """A unit of work that will write takes the write lock first (see the module). Only the
    session's own connection: a side connection (a file's parts read while the request is
    answered, a job's progress) stays deferred and never waits for the session's lock."""
    if connection.dialect.name != "sqlite" or not begins_immediately():
        return
    driver = connection.connection.dbapi_connection
    if not driver.in_transaction:
        driver.isolation_level = None
        driver.execute("BEGIN IMMEDIATE")
