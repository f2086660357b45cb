"""légistique: lint findings, the normalised digest and the touched places of amendments

Each amendment keeps the linter's findings at its last save (lists show them without linting)
and the normalised digest of its dispositif, indexed with its text, so that identical amendments
are found by one index lookup when an amendment is saved; `amendment_touches` keeps what each
dispositif touches (article, alinéa, words, insertion place), indexed by article and alinéa, so
that competing amendments are found without parsing the others. Existing amendments get their
findings (as of the migration's day) and digest here, their touches at their next save.

Revision ID: 18a1c0de5e1f
Revises: e6f9a0b1c2d3
Create Date: 2026-12-10 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '18a1c0de5e1f'
down_revision = 'e6f9a0b1c2d3'
branch_labels = None
depends_on = None

BATCH = 500


def _tables():
    amendments = sa.table(
        'amendments',
        sa.column('id', sa.Integer),
        sa.column('article_id', sa.Integer),
        sa.column('parent_id', sa.Integer),
        sa.column('position_kind', sa.String),
        sa.column('alinea', sa.Integer),
        sa.column('dispositif', sa.Text),
        sa.column('expose', sa.Text),
        sa.column('lint', sa.JSON),
        sa.column('digest', sa.String),
    )
    alineas = sa.table(
        'alineas',
        sa.column('article_id', sa.Integer),
        sa.column('number', sa.Integer),
        sa.column('content', sa.Text),
    )
    return amendments, alineas


def _articles(connection, alineas, ids):
    """{article id: its alinéas in order} for the articles of one batch."""
    found = {article_id: [] for article_id in ids}
    query = (
        sa.select(alineas.c.article_id, alineas.c.content)
        .where(alineas.c.article_id.in_(sorted(ids)))
        .order_by(alineas.c.article_id, alineas.c.number)
    )
    for row in connection.execute(query):
        found[row.article_id].append(row.content)
    return found


def backfill(connection):
    """Each amendment's findings (as of today) and digest, as a save would write them."""
    import datetime
    from dataclasses import asdict

    from workflows.legistique import digest, lint, split_alineas

    amendments, alineas = _tables()
    today = datetime.date.today()
    last = 0
    while True:
        query = sa.select(amendments).where(amendments.c.id > last)
        rows = connection.execute(query.order_by(amendments.c.id).limit(BATCH)).all()
        if not rows:
            return
        articles = _articles(connection, alineas, {row.article_id for row in rows})
        parent_ids = sorted({row.parent_id for row in rows if row.parent_id})
        parents = dict(
            connection.execute(
                sa.select(amendments.c.id, amendments.c.dispositif).where(
                    amendments.c.id.in_(parent_ids)
                )
            ).all()
        ) if parent_ids else {}
        updates = []
        for row in rows:
            sub = row.parent_id is not None
            if sub:
                target = split_alineas(parents.get(row.parent_id, ''))
            else:
                target = articles[row.article_id] if row.position_kind == 'article' else None
            findings = lint(
                row.dispositif,
                alineas=target,
                expose=row.expose,
                position_alinea=None if sub else row.alinea,
                position_kind='amendment' if sub else row.position_kind,
                today=today,
            )
            updates.append(
                {
                    'row_id': row.id,
                    'lint': [asdict(f) for f in findings],
                    'digest': digest(row.dispositif),
                }
            )
        connection.execute(
            amendments.update().where(amendments.c.id == sa.bindparam('row_id')), updates
        )
        last = rows[-1].id


def upgrade():
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lint', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('digest', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_amendments_text_digest', ['text_id', 'digest'], unique=False)
    backfill(op.get_bind())
    op.create_table(
        'amendment_touches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('amendment_id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('alinea', sa.Integer(), nullable=True),
        sa.Column('start', sa.Integer(), nullable=True),
        sa.Column('end', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['amendment_id'], ['amendments.id'], ),
        sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ),
        sa.ForeignKeyConstraint(['parent_id'], ['amendments.id'], ),
        sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('amendment_touches', schema=None) as batch_op:
        batch_op.create_index(
            'ix_amendment_touches_amendment_id', ['amendment_id'], unique=False
        )
        batch_op.create_index(
            'ix_amendment_touches_place', ['article_id', 'alinea'], unique=False
        )


def downgrade():
    op.drop_table('amendment_touches')
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.drop_index('ix_amendments_text_digest')
        batch_op.drop_column('digest')
        batch_op.drop_column('lint')
