"""composed files

A stored file may be made of byte ranges of other stored files (`stored_files.pieces`, backend
"composed"): the liasse of 20 000 amendments is spliced from its chunks' parts rather than
copied into a file of its own (1 GB written again, 13 s, and twice the space meanwhile).

Revision ID: 24a1b2c3d4f0
Revises: 23a1b2c3d4e9
Create Date: 2026-12-06 20:20:00

"""
import sqlalchemy as sa
from alembic import op


revision = '24a1b2c3d4f0'
down_revision = '23a1b2c3d4e9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pieces', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_column('pieces')
