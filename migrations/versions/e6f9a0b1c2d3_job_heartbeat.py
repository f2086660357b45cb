"""job heartbeat

A job's last sign of life (its start, each progress step): a started job that stays silent was
orphaned by a killed worker, and the clock queues it again.

Revision ID: e6f9a0b1c2d3
Revises: 19b2c4d6e8f0
Create Date: 2026-12-06 19:00:00

"""
from alembic import op
import sqlalchemy as sa

import drafting.models.types


revision = 'e6f9a0b1c2d3'
down_revision = '19b2c4d6e8f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', drafting.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
