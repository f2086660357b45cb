"""The full-text index of amendments: database objects that no model maps.

SQLite (the embedded default) keeps an FTS5 table over the amendments' dispositif and exposé,
kept in step by triggers; PostgreSQL stores their French `tsvector` in a generated column with a
GIN index on it (lexemes without positions, kept in the row). They are created by migrations
`19a1f0e2d3c4`, `21a1b2c3d4e7` and `22a1b2c3d4e8` and written by
the database itself on every insert, update and delete, whatever code path wrote the row. Schema
comparisons (migrations/env.py, tests) skip them.
"""

from __future__ import annotations

FTS_TABLE = "amendments_fts"  # SQLite: the FTS5 table (content='amendments', rowid = id)
TSVECTOR_INDEX = "ix_amendments_search"  # PostgreSQL: GIN on the stored search vector
# PostgreSQL: strip(to_tsvector('french', dispositif || ' ' || expose)), STORAGE MAIN
TSVECTOR_COLUMN = "search_vector"
TEXT_SEARCH_CONFIG = "french"


def is_search_object(name: str | None, type_: str, parent_names: object = None) -> bool:
    """Whether `name` is one of the search index's own objects (FTS5 shadow tables included)."""
    if not name:
        return False
    if type_ == "table":
        return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")
    if type_ == "column":
        return name == TSVECTOR_COLUMN
    return type_ == "index" and name == TSVECTOR_INDEX


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's `include_name` hook: compare everything but the search index's objects."""
    return not is_search_object(name, type_, parent_names)
