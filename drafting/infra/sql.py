"""`among(column, values)`: `column IN (values)`, sent to PostgreSQL as one array parameter.

A query for a batch of 500 ids written `IN (…)` binds 500 parameters: SQLAlchemy renders each
one and the driver scans the statement for each placeholder, ≈ 4 ms a query in psycopg alone
(a liasse of 20 000 sends hundreds of them: docs/PERFORMANCE.md). On PostgreSQL `among` is
`column = ANY(%(values)s)`, one array bound as one value; elsewhere (SQLite) the plain
expanding `IN`. The values are a bound parameter of the statement: it is compiled once and
found again in SQLAlchemy's cache, whatever the values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean


class _Among(ColumnElement[bool]):
    """The membership test; compiled by the dialect (below)."""

    type = Boolean()
    _is_implicitly_boolean = True  # a condition as it is (not "= 1" where booleans are ints)
    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("values", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: Any, values: Sequence[Any]) -> None:
        self.column = column
        self.values: BindParameter[Any] = bindparam(
            None, list(values), type_=column.type, expanding=True, unique=True
        )


def among(column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """`column` is one of `values` (an empty list matches nothing)."""
    return _Among(column, values)


@compiles(_Among)
def _in_list(element: _Among, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column.in_(element.values), **kw))


@compiles(_Among, "postgresql")
def _any_array(element: _Among, compiler: Any, **kw: Any) -> str:
    # The same parameter (its key, so its value in each execution), bound as one array.
    array = element.values._with_value(element.values.value, maintain_key=True)
    array.expanding, array.type = False, ARRAY(element.column.type)
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(array, **kw)})"
