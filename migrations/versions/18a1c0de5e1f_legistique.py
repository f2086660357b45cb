"""légistique: lint findings and the normalised digest on amendments

Each amendment keeps the linter's findings at its last save (lists show them without linting)
and the normalised digest of its dispositif, indexed with its text, so that identical amendments
are found by one index lookup when an amendment is saved. Existing amendments get their digest
here; their findings are computed when first shown.

Revision ID: 18a1c0de5e1f
Revises: d5e8f1a2b3c4
Create Date: 2026-12-10 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '18a1c0de5e1f'
down_revision = 'd5e8f1a2b3c4'
branch_labels = None
depends_on = None

BATCH = 1_000


def _backfill_digests():
    from workflows.legistique import digest

    amendments = sa.table(
        'amendments',
        sa.column('id', sa.Integer),
        sa.column('dispositif', sa.Text),
        sa.column('digest', sa.String),
    )
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(amendments.c.id, amendments.c.dispositif)
            .where(amendments.c.id > last)
            .order_by(amendments.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            amendments.update().where(amendments.c.id == sa.bindparam('row_id')),
            [{'row_id': row.id, 'digest': digest(row.dispositif)} for row in rows],
        )
        last = rows[-1].id


def upgrade():
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lint', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('digest', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_amendments_text_digest', ['text_id', 'digest'], unique=False)
    _backfill_digests()


def downgrade():
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.drop_index('ix_amendments_text_digest')
        batch_op.drop_column('digest')
        batch_op.drop_column('lint')
