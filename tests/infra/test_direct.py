"""`DirectStatement`: the hot path's statements on the driver's cursor give what SQLAlchemy gives
(same conversions both ways), and fail as SQLAlchemy fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import JSON, Integer, bindparam, create_engine, exc, select, text
from sqlalchemy.pool import NullPool

from drafting.extensions import db
from drafting.infra.direct import DirectStatement
from drafting.models import User
from drafting.models.types import UTCDateTime

PARIS_WINTER = timezone(timedelta(hours=1))
ECHO = select(
    bindparam("at", type_=UTCDateTime()),
    bindparam("data", type_=JSON()),
    bindparam("n", type_=Integer()),
)


def _postgresql_only() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs direct statements through SQLAlchemy")


def test_a_direct_statement_reads_a_row_as_sqlalchemy_does(app, people):
    statement = select(User.id, User.email, User.created_at).where(User.email == bindparam("email"))
    params = {"email": people["regol"].email}
    connection = db.session.connection()
    expected = tuple(connection.execute(statement, params).one())
    row = DirectStatement(statement).first(connection, params)
    assert row is not None and tuple(row) == expected
    assert row[2].tzinfo == UTC  # the column type's result processing applied
    assert DirectStatement(statement).first(connection, {"email": "nobody@an.example"}) is None


def test_binds_and_results_go_through_the_column_types(app):
    at = datetime(2023, 3, 20, 10, 0, tzinfo=PARIS_WINTER)
    row = DirectStatement(ECHO).first(
        db.session.connection(), {"at": at, "data": {"a": [1]}, "n": 7}
    )
    assert row is not None
    assert list(row) == [at, {"a": [1]}, 7]
    assert row[0].tzinfo == UTC  # stored and read back as UTC, as UTCDateTime promises


def test_a_write_returns_its_returning_row_or_none_without_one(app, people):
    """Whether a statement returns rows is known from the statement, not asked of the cursor."""
    users, regol_id = User.__table__, people["regol"].id
    by_id = users.c.id == bindparam("user_id")
    rename = users.update().where(by_id).values(name=bindparam("name"))
    # Built apart: a statement derived from one already compiled keeps its memoized columns.
    returning = DirectStatement(
        users.update()
        .where(by_id)
        .values(name=bindparam("name"))
        .returning(users.c.id, users.c.name, users.c.created_at)
    )
    connection = db.session.connection()
    assert DirectStatement(rename).first(connection, {"user_id": regol_id, "name": "A"}) is None
    row = returning.first(connection, {"user_id": regol_id, "name": "B"})
    assert row is not None and list(row)[:2] == [regol_id, "B"]
    assert row[2].tzinfo == UTC  # a RETURNING column goes through its type as a SELECT's does
    assert returning.first(connection, {"user_id": -1, "name": "C"}) is None
    db.session.rollback()


def test_a_naive_datetime_is_refused_before_reaching_the_database(app):
    with pytest.raises((ValueError, exc.StatementError), match="naive datetime"):
        DirectStatement(ECHO).first(
            db.session.connection(), {"at": datetime(2023, 3, 20), "data": {}, "n": 1}
        )


def test_a_driver_error_is_raised_as_sqlalchemys_and_the_session_recovers(app):
    _postgresql_only()
    with pytest.raises(exc.DBAPIError) as raised:
        DirectStatement(select(text("1 / 0"))).first(db.session.connection(), {})
    assert not raised.value.connection_invalidated
    assert "division by zero" in str(raised.value.orig)
    db.session.rollback()
    assert db.session.scalar(select(text("1"))) == 1


def test_a_lost_connection_is_invalidated_and_the_next_transaction_reconnects(app):
    _postgresql_only()
    connection = db.session.connection()
    pid = connection.connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
    killer = create_engine(db.engine.url, poolclass=NullPool)
    with killer.begin() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()
    with pytest.raises(exc.DBAPIError) as raised:
        DirectStatement(select(text("1"))).first(connection, {})
    assert raised.value.connection_invalidated
    db.session.rollback()
    assert db.session.scalar(select(text("1"))) == 1


def test_binary_rows_reads_bytes_as_sqlalchemy_does_and_is_never_prepared(app):
    """Stored files' bytes come back in PostgreSQL's binary format; the statement is not
    prepared however often it runs (a kept generic plan chose a sequential scan for an IN list
    of 500 keys: ten times slower)."""
    from sqlalchemy import literal_column

    from drafting.infra.direct import binary_rows
    from drafting.models import StoredFile

    data = bytes(range(256)) * 3
    row = StoredFile(
        key="t/b", filename="b", content_type="x", size=len(data), sha256="0", data=data
    )
    db.session.add(row)
    db.session.flush()
    mark = literal_column("'binary-rows-test'")  # this test's statement alone has it
    query = select(StoredFile.key, StoredFile.size, StoredFile.data, mark).where(
        StoredFile.key.in_(["t/b", "t/none"])
    )
    connection = db.session.connection()
    for _ in range(7):
        assert binary_rows(connection, query) == [("t/b", len(data), data, "binary-rows-test")]
    if connection.dialect.name == "postgresql":
        prepared = connection.execute(
            text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%binary-rows%'")
        )
        assert prepared.scalar() == 0
    assert [tuple(r) for r in connection.execute(query)] == binary_rows(connection, query)
