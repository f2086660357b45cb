"""revision changes

Each revision keeps the word diff of its dispositif and exposé against the previous version,
computed once when the version is saved: the timeline shows it without diffing on every view.
Older revisions have none; the timeline computes theirs (bounded) when shown.

Revision ID: d5e8f1a2b3c4
Revises: a7d3c5e91b20
Create Date: 2026-12-06 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd5e8f1a2b3c4'
down_revision = 'a7d3c5e91b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_column('changes')
