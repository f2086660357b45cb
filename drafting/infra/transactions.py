"""Transactions that savepoints can nest in, on every database.

SQLite's Python driver opens a transaction only before a data-changing statement; a SAVEPOINT
issued before one starts a transaction of its own, and releasing it COMMITS it: a later rollback
no longer undoes what the savepoint covered. Code that runs one savepoint per item (bulk actions)
opens the transaction first. On SQLite it takes the write lock at once (BEGIN IMMEDIATE): a
writer waits its turn at the start instead of failing halfway through a snapshot that another
writer changed.
"""

from __future__ import annotations

from sqlalchemy.orm import Session


def begin_write(session: Session) -> None:
    """Make sure the session's transaction is open on the database (SQLite: BEGIN IMMEDIATE
    unless the driver already began one); other databases need nothing."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.dbapi_connection
    if driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
