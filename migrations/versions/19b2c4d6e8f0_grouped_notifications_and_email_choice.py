"""grouped notifications and the e-mail choice

A bulk action notifies each person once per kind and text (« 12 amendements approuvés »):
`notifications.count` says how many amendments a notice speaks of. Each user chooses how
notifications reach them by e-mail (`users.email_notifications`: each event, a daily digest,
none); everyone keeps receiving each one, as before.

Revision ID: 19b2c4d6e8f0
Revises: 19a1f0e2d3c4
Create Date: 2026-12-08 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '19b2c4d6e8f0'
down_revision = '19a1f0e2d3c4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('count', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('email_notifications', sa.String(length=8), server_default='each',
                      nullable=False)
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_notifications')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('count')
