"""stored bytes kept uncompressed

PostgreSQL: the bytes of generated files (`stored_files.data`, `stored_file_parts.data`) are
DOCX, PDF and ZIP, already compressed; the default storage (EXTENDED) made the server try to
compress each value again with pglz before moving it out of the row, for nothing (1 017.8 MB of
liasse parts kept as 1 015.9 MB, the kept sheets as they came). EXTERNAL keeps them out of the
row without that attempt: storing the 1 GB liasse of 20 000 amendments went from 13.0 to 6.9 s.
Rows already written stay as they are. SQLite has no such setting.

Revision ID: 23a1b2c3d4e9
Revises: 22a1b2c3d4e8
Create Date: 2026-12-06 20:05:00

"""
from alembic import op


revision = '23a1b2c3d4e9'
down_revision = '22a1b2c3d4e8'
branch_labels = None
depends_on = None

COLUMNS = (("stored_files", "data"), ("stored_file_parts", "data"))


def _storage(kind: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STORAGE {kind}")


def upgrade():
    _storage("EXTERNAL")


def downgrade():
    _storage("EXTENDED")
