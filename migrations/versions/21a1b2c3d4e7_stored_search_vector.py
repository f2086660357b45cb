"""stored search vector

PostgreSQL: the amendments' French `tsvector` is stored (a generated column, written by the
database on every insert and update) and the GIN index is on it, so a search matching thousands
of amendments no longer computes `to_tsvector` for each of them (1.3 s → tens of ms on 20 000).
SQLite keeps its FTS5 table: nothing changes there.

Revision ID: 21a1b2c3d4e7
Revises: 20a1b2c3d4e6
Create Date: 2026-12-06 17:45:00

"""
from alembic import op


revision = '21a1b2c3d4e7'
down_revision = '20a1b2c3d4e6'
branch_labels = None
depends_on = None

DOCUMENT = "to_tsvector('french'::regconfig, (dispositif || ' ') || expose)"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_amendments_search")
    op.execute(
        f"ALTER TABLE amendments ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    op.execute("CREATE INDEX ix_amendments_search ON amendments USING gin (search_vector)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_amendments_search")
    op.execute("ALTER TABLE amendments DROP COLUMN IF EXISTS search_vector")
    op.execute(f"CREATE INDEX ix_amendments_search ON amendments USING gin ({DOCUMENT})")
