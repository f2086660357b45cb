"""kept sheets referenced by the liasse

A liasse spliced from its chunks' parts now also takes its sheets' DOCX and PDF from the files
kept for re-exports (`amdt/…`) rather than from copies in the parts: `stored_files.crc32` is
the CRC-32 a ZIP entry needs (written with each small file), and `stored_file_sources` lists
the files a composed file is made of, so that the clock never forgets a kept sheet a liasse
still reads.

Revision ID: 25a1b2c3d4f1
Revises: 24a1b2c3d4f0
Create Date: 2026-12-07 01:20:00

"""
import sqlalchemy as sa
from alembic import op


revision = '25a1b2c3d4f1'
down_revision = '24a1b2c3d4f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('crc32', sa.BigInteger(), nullable=True))
    op.create_table(
        'stored_file_sources',
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['file_id'], ['stored_files.id'],
            name=op.f('fk_stored_file_sources_file_id_stored_files'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['source_id'], ['stored_files.id'],
            name=op.f('fk_stored_file_sources_source_id_stored_files'),
        ),
        sa.PrimaryKeyConstraint('file_id', 'source_id', name=op.f('pk_stored_file_sources')),
    )
    op.create_index(
        op.f('ix_stored_file_sources_source_id'), 'stored_file_sources', ['source_id']
    )


def downgrade():
    op.drop_index(op.f('ix_stored_file_sources_source_id'), table_name='stored_file_sources')
    op.drop_table('stored_file_sources')
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_column('crc32')
