"""filing consent

The author's consent to filing: per amendment and version (« bon à déposer »: by whom, when,
which version), and the standing delegations deputies grant to named assistants or to their
group's secretariat.

Revision ID: 20a1b2c3d4e6
Revises: 17a1b2c3d4e5
Create Date: 2026-12-06 21:00:00

"""
from alembic import op
import sqlalchemy as sa

import drafting.models.types


revision = '20a1b2c3d4e6'
down_revision = '17a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filing_consent_by', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column(
            'filing_consent_at', drafting.models.types.UTCDateTime(timezone=True), nullable=True
        ))
        batch_op.add_column(sa.Column('filing_consent_version', sa.Integer(), nullable=True))
    op.create_table(
        'filing_delegations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deputy_id', sa.Integer(), nullable=False),
        sa.Column('assistant_id', sa.Integer(), nullable=True),
        sa.Column('secretariat', sa.Boolean(), nullable=False),
        sa.Column('granted_at', drafting.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', drafting.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['assistant_id'], ['users.id'], name=op.f('fk_filing_delegations_assistant_id_users')),
        sa.ForeignKeyConstraint(['deputy_id'], ['users.id'], name=op.f('fk_filing_delegations_deputy_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_delegations')),
    )
    with op.batch_alter_table('filing_delegations', schema=None) as batch_op:
        batch_op.create_index('ix_filing_delegations_deputy', ['deputy_id', 'revoked_at'], unique=False)


def downgrade():
    with op.batch_alter_table('filing_delegations', schema=None) as batch_op:
        batch_op.drop_index('ix_filing_delegations_deputy')
    op.drop_table('filing_delegations')
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.drop_column('filing_consent_version')
        batch_op.drop_column('filing_consent_at')
        batch_op.drop_column('filing_consent_by')
