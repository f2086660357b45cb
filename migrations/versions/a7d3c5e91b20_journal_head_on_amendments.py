"""journal head on amendments

The journal chains each amendment's events by hash; appending one needed the last event's seq
and hash, read from `events` in a query of its own on every signature. The head now lives on
the amendment's row (`journal_seq`, `journal_hash`), read with the row lock that every append
already takes, and written with each event. Existing chains get their head from their last
event.

Revision ID: a7d3c5e91b20
Revises: c41f0e2a9d17
Create Date: 2026-11-29 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7d3c5e91b20'
down_revision = 'c41f0e2a9d17'
branch_labels = None
depends_on = None

GENESIS = "0" * 64

BACKFILL = sa.text(
    """
    UPDATE amendments SET
        journal_seq = (SELECT max(e.seq) FROM events e WHERE e.amendment_id = amendments.id),
        journal_hash = (
            SELECT e.hash FROM events e WHERE e.amendment_id = amendments.id
            ORDER BY e.seq DESC LIMIT 1
        )
    WHERE EXISTS (SELECT 1 FROM events e WHERE e.amendment_id = amendments.id)
    """
)


def upgrade():
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('journal_seq', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('journal_hash', sa.String(length=64), server_default=GENESIS, nullable=False)
        )
    op.execute(BACKFILL)


def downgrade():
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.drop_column('journal_hash')
        batch_op.drop_column('journal_seq')
