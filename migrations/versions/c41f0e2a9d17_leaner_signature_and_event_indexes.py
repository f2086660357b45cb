"""leaner signature and event indexes

Signing writes one signature row and one event row; every index on them is one more entry to
write. `ix_signatures_amendment_id` and `ix_invitations_amendment_id` duplicate the leading
column of their unique (amendment_id, deputy_id) indexes; `ix_events_text_id` indexed every
event, while only events about no amendment (text and global chains) are looked up by text:
it becomes a partial index on (text_id, seq) of those events, which also serves the chain-head
query's ORDER BY seq.

Revision ID: c41f0e2a9d17
Revises: 8b7ae20074dd
Create Date: 2026-11-29 12:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c41f0e2a9d17'
down_revision = '8b7ae20074dd'
branch_labels = None
depends_on = None

CHAIN_WHERE = sa.text("amendment_id IS NULL")


def upgrade():
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signatures_amendment_id'))
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_amendment_id'))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_text_id')
        batch_op.create_index(
            'ix_events_text_chain',
            ['text_id', 'seq'],
            unique=False,
            postgresql_where=CHAIN_WHERE,
            sqlite_where=CHAIN_WHERE,
        )


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_text_chain')
        batch_op.create_index('ix_events_text_id', ['text_id'], unique=False)
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_invitations_amendment_id'), ['amendment_id'], unique=False
        )
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_signatures_amendment_id'), ['amendment_id'], unique=False
        )
