"""amendment list: order key, full-text search

The list of a text's amendments pages in SQL in the order of discussion and searches their
dispositif and exposé (identical amendments are found by `amendments.digest`, 18a1c0de5e1f):
- `order_key` on each amendment (derived by drafting.services.ordering, computed here for
  existing rows), indexed with the text;
- SQLite: an FTS5 table over dispositif and exposé (external content: the rows of
  `amendments`, rowid = id), written by triggers on insert, update of either field and delete;
- PostgreSQL: a GIN index on the French `tsvector` of dispositif and exposé, which the list's
  search expression matches (drafting.services.listing).

Revision ID: 19a1f0e2d3c4
Revises: d5e8f1a2b3c4
Create Date: 2026-12-08 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '19a1f0e2d3c4'
down_revision = 'd5e8f1a2b3c4'
branch_labels = None
depends_on = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE amendments_fts USING fts5(dispositif, expose, content='amendments', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER amendments_fts_insert AFTER INSERT ON amendments BEGIN "
    "INSERT INTO amendments_fts(rowid, dispositif, expose) "
    "VALUES (new.id, new.dispositif, new.expose); END",
    "CREATE TRIGGER amendments_fts_delete AFTER DELETE ON amendments BEGIN "
    "INSERT INTO amendments_fts(amendments_fts, rowid, dispositif, expose) "
    "VALUES ('delete', old.id, old.dispositif, old.expose); END",
    "CREATE TRIGGER amendments_fts_update AFTER UPDATE OF dispositif, expose ON amendments BEGIN "
    "INSERT INTO amendments_fts(amendments_fts, rowid, dispositif, expose) "
    "VALUES ('delete', old.id, old.dispositif, old.expose); "
    "INSERT INTO amendments_fts(rowid, dispositif, expose) "
    "VALUES (new.id, new.dispositif, new.expose); END",
    "INSERT INTO amendments_fts(amendments_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS amendments_fts_update",
    "DROP TRIGGER IF EXISTS amendments_fts_delete",
    "DROP TRIGGER IF EXISTS amendments_fts_insert",
    "DROP TABLE IF EXISTS amendments_fts",
)
POSTGRESQL_UP = (
    "CREATE INDEX ix_amendments_search ON amendments USING gin "
    "(to_tsvector('french'::regconfig, (dispositif || ' ') || expose))",
)
POSTGRESQL_DOWN = ("DROP INDEX IF EXISTS ix_amendments_search",)


def _backfill():
    """Order keys of the amendments already there (pure functions of their rows)."""
    from workflows.order_of_call import CallItem, computed_keys

    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT a.id, a.text_id, ar.position, ar.number AS article_number, a.position_kind, "
        "a.alinea, a.dispositif, a.number, a.parent_id "
        "FROM amendments a JOIN articles ar ON ar.id = a.article_id ORDER BY a.id"
    )).all()
    by_text = {}
    for r in rows:
        by_text.setdefault(r.text_id, []).append(CallItem(
            uid=str(r.id), article_number=r.article_number,
            article_position=max(0, r.position - 1), position_kind=r.position_kind,
            alinea=r.alinea, dispositif=r.dispositif, number=r.number, sequence=r.id,
            parent_uid=str(r.parent_id) if r.parent_id is not None else None,
        ))
    keys = {}
    for items in by_text.values():
        keys.update(computed_keys(items))
    statement = sa.text("UPDATE amendments SET order_key = :key WHERE id = :row_id")
    values = [{"row_id": r.id, "key": keys[str(r.id)]} for r in rows]
    for start in range(0, len(values), 1000):
        bind.execute(statement, values[start:start + 1000])


def upgrade():
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_key', sa.String(length=200), nullable=True))
        batch_op.create_index(
            'ix_amendments_text_order', ['text_id', 'order_key'], unique=False
        )
    _backfill()
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN}.get(dialect, ()):
        op.execute(statement)
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.drop_index('ix_amendments_text_order')
        batch_op.drop_column('order_key')
