"""Core statements run directly on the database driver's cursor, for the co-signing hot path.

Executing a prebuilt Core statement through SQLAlchemy (cache-key lookup, execution context,
parameter and result processing, result metadata) was a large share of a signature's instructions
for the two statements signing sends after the token lookup (docs/PERFORMANCE.md). On
PostgreSQL, a `DirectStatement` compiles its statement once for the engine's dialect and runs the
SQL on the cursor of the session's own connection: the same SQL in the same transaction, with
the same bind and result conversions (the column types' own processors), as named tuples (read
by column name, like SQLAlchemy's rows). Driver
errors are raised as SQLAlchemy's, and a lost connection is invalidated, as SQLAlchemy does.
Other databases (SQLite) run the statement through SQLAlchemy as usual.

Only for statements built once at import, executed many times; everything else goes through
SQLAlchemy.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, cast
from weakref import WeakKeyDictionary

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Executable

Processor = Callable[[Any], Any]


class Row(Protocol):
    """A returned row: by position, and by column name through `_asdict()` or attributes."""

    def __getitem__(self, index: int) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def _asdict(self) -> dict[str, Any]: ...
    def __getattr__(self, name: str) -> Any: ...


@dataclass(frozen=True)
class _Compiled:
    sql: str
    binds: dict[str, Processor]  # bind name -> the column type's bind processor
    results: list[tuple[int, Processor]]  # returned column index -> its result processor
    returns_rows: bool  # a SELECT or a RETURNING: known here, not asked of the cursor each time
    row: Callable[..., Row]  # the named tuple of the returned columns


def _compile(statement: Any, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    binds = {}
    for name, bind in compiled.binds.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            binds[name] = processor
    returned = _returned_columns(statement, compiled)
    results = []
    for index, (_name, column) in enumerate(returned):
        processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if processor is not None:
            results.append((index, processor))
    names = [name for name, _column in returned]
    row = cast(Callable[..., Row], namedtuple("Row", names, rename=True))  # type: ignore[misc]
    return _Compiled(compiled.string, binds, results, bool(returned), row)


def _returned_columns(statement: Any, compiled: Any) -> list[tuple[str, Any]]:
    """(name, column) of what a statement returns: a write's RETURNING (none without one), a
    SELECT's; named as SQLAlchemy names a row's columns."""
    if compiled.isinsert or compiled.isupdate or compiled.isdelete:
        return [(column.key, column) for column in compiled.effective_returning or ()]
    return list(statement.selected_columns.items())


class DirectStatement:
    """A prebuilt statement, run on the driver's cursor on PostgreSQL (see the module)."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: WeakKeyDictionary[Dialect, _Compiled] = WeakKeyDictionary()

    def first(self, connection: Connection, params: dict[str, Any]) -> Row | None:
        """The first row (None when there is none), its columns named as in the statement."""
        if connection.dialect.name != "postgresql":
            result = connection.execute(self.statement, params)
            return result.first() if result.returns_rows else None
        compiled = self._for(connection.dialect)
        row = self._run(connection, compiled, params)
        if row is None:
            return None
        values = list(row)
        for index, process in compiled.results:
            values[index] = process(values[index])
        return compiled.row(*values)

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect)
        if compiled is None:  # two threads may both compile: the same result either way
            compiled = self._compiled[dialect] = _compile(self.statement, dialect)
        return compiled

    def _run(
        self, connection: Connection, compiled: _Compiled, params: dict[str, Any]
    ) -> tuple[Any, ...] | None:
        bound = dict(params)
        for name, process in compiled.binds.items():
            if name in bound:  # a missing one is the driver's error, as through SQLAlchemy
                bound[name] = process(bound[name])
        dbapi_connection = connection.connection.dbapi_connection
        assert dbapi_connection is not None  # a Connection in use holds its DBAPI connection
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(compiled.sql, bound)
            return cursor.fetchone() if compiled.returns_rows else None
        except connection.dialect.loaded_dbapi.Error as error:
            raise _translated(connection, compiled.sql, bound, error, cursor) from error
        finally:
            cursor.close()


def binary_rows(connection: Connection, statement: Any) -> list[tuple[Any, ...]]:
    """Every row of a SELECT, as tuples; on PostgreSQL in the binary result format.

    psycopg reads results as text by default, where a `bytea` arrives in hexadecimal and is
    decoded at ≈ 130 MB/s; in binary, ≈ 450 MB/s (docs/PERFORMANCE.md). For statements that
    return stored files' bytes (services/documents/storage.py); their columns need no result
    processing (bytes, text, integers)."""
    if connection.dialect.name != "postgresql":
        return [tuple(row) for row in connection.execute(statement)]
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = dict(compiled.params)
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None  # a Connection in use holds its DBAPI connection
    cursor = dbapi_connection.cursor(binary=True)
    try:
        # Not prepared: psycopg prepares a statement run five times, and PostgreSQL may then
        # keep a generic plan; for `key IN (500 values)` on a table that grew within the job
        # it chose a sequential scan, 0.54 s a query instead of 0.05 s (docs/PERFORMANCE.md).
        cursor.execute(compiled.string, params, prepare=False)  # type: ignore[call-arg]
        return list(cursor.fetchall())
    except connection.dialect.loaded_dbapi.Error as error:
        raise _translated(connection, compiled.string, params, error, cursor) from error
    finally:
        cursor.close()


def _translated(
    connection: Connection, sql: str, params: dict[str, Any], error: Any, cursor: Any
) -> exc.StatementError:
    """The driver's error as SQLAlchemy raises it; a lost connection is invalidated."""
    dialect = connection.dialect
    lost = dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
    if lost:
        connection.invalidate(error)
    return exc.DBAPIError.instance(
        sql,
        params,
        error,
        dialect.loaded_dbapi.Error,
        connection_invalidated=lost,
        dialect=dialect,
    )
