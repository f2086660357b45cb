"""assembly data

The Assembly's data in and out (issue 17): a text's divisions, its official short title, the
committee text its séance amendments amend and its previous stage; articles' status and anchor;
deputies' and groups' Assembly ids, the group's printed mention, memberships with dates; the
invitations of imported accounts to choose a password; and every amendment of a text as the
Assembly published it (`published_amendments`: the record of one of ours, or an external one).

Revision ID: 17a1b2c3d4e5
Revises: 18a1c0de5e1f
Create Date: 2026-12-06 14:00:00

"""
from alembic import op
import sqlalchemy as sa
import drafting.models.types


# revision identifiers, used by Alembic.
revision = '17a1b2c3d4e5'
down_revision = '18a1c0de5e1f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', drafting.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', drafting.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', drafting.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('used_at', drafting.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_invitations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_invitations_token_hash'))
    )
    with op.batch_alter_table('account_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_invitations_user_id'), ['user_id'], unique=False)

    op.create_table('group_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_group_memberships_group_id_groups')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_group_memberships_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_memberships'))
    )
    with op.batch_alter_table('group_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('text_divisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('heading', sa.Text(), nullable=True),
    sa.Column('article_position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['text_id'], ['texts.id'], name=op.f('fk_text_divisions_text_id_texts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_text_divisions')),
    sa.UniqueConstraint('text_id', 'position', name=op.f('uq_text_divisions_text_id'))
    )
    op.create_table('published_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=80), nullable=False),
    sa.Column('amendment_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('rectification', sa.Integer(), nullable=False),
    sa.Column('order_key', sa.String(length=120), nullable=True),
    sa.Column('assembly_order', sa.Boolean(), nullable=False),
    sa.Column('rule_key', sa.String(length=120), nullable=True),
    sa.Column('division_type', sa.String(length=16), nullable=False),
    sa.Column('article_number', sa.String(length=40), nullable=True),
    sa.Column('position_kind', sa.String(length=16), nullable=False),
    sa.Column('anchor', sa.String(length=120), nullable=True),
    sa.Column('designation', sa.String(length=120), nullable=True),
    sa.Column('alinea', sa.Integer(), nullable=True),
    sa.Column('alinea_relation', sa.String(length=8), nullable=True),
    sa.Column('author_kind', sa.String(length=16), nullable=False),
    sa.Column('author_ref', sa.String(length=16), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('group_ref', sa.String(length=16), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('group_mention', sa.String(length=300), nullable=True),
    sa.Column('cosignatory_refs', sa.JSON(), nullable=False),
    sa.Column('signatories_label', sa.Text(), nullable=False),
    sa.Column('dispositif', sa.Text(), nullable=False),
    sa.Column('expose', sa.Text(), nullable=False),
    sa.Column('notice', sa.Text(), nullable=True),
    sa.Column('identical_group', sa.String(length=40), nullable=True),
    sa.Column('identical_position', sa.String(length=8), nullable=True),
    sa.Column('joint_group', sa.String(length=40), nullable=True),
    sa.Column('joint_position', sa.String(length=8), nullable=True),
    sa.Column('parent_uid', sa.String(length=80), nullable=True),
    sa.Column('parent_number', sa.String(length=40), nullable=True),
    sa.Column('state_label', sa.String(length=80), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('outcome_label', sa.String(length=120), nullable=True),
    sa.Column('inadmissibility_ground', sa.String(length=8), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('decided_at', drafting.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('article_99', sa.Boolean(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('synced_at', drafting.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendments.id'], name=op.f('fk_published_amendments_amendment_id_amendments')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_published_amendments_author_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_published_amendments_group_id_groups')),
    sa.ForeignKeyConstraint(['text_id'], ['texts.id'], name=op.f('fk_published_amendments_text_id_texts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_amendments')),
    sa.UniqueConstraint('amendment_id', name=op.f('uq_published_amendments_amendment_id')),
    sa.UniqueConstraint('text_id', 'uid', name=op.f('uq_published_amendments_text_id'))
    )
    with op.batch_alter_table('published_amendments', schema=None) as batch_op:
        batch_op.create_index('ix_published_amendments_text_order', ['text_id', 'order_key'], unique=False)

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('anchor', sa.String(length=120), nullable=True))

    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assembly_id', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('printed_mention', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_groups_assembly_id'), ['assembly_id'])

    with op.batch_alter_table('texts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_title', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('committee_text_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('previous_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_texts_previous_id_texts'), 'texts', ['previous_id'], ['id'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assembly_id', sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_assembly_id'), ['assembly_id'])



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_assembly_id'), type_='unique')
        batch_op.drop_column('assembly_id')

    with op.batch_alter_table('texts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_texts_previous_id_texts'), type_='foreignkey')
        batch_op.drop_column('previous_id')
        batch_op.drop_column('committee_text_number')
        batch_op.drop_column('short_title')

    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_groups_assembly_id'), type_='unique')
        batch_op.drop_column('printed_mention')
        batch_op.drop_column('assembly_id')

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('anchor')
        batch_op.drop_column('status')

    with op.batch_alter_table('published_amendments', schema=None) as batch_op:
        batch_op.drop_index('ix_published_amendments_text_order')

    op.drop_table('published_amendments')
    op.drop_table('text_divisions')
    with op.batch_alter_table('group_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_memberships_user_id'))

    op.drop_table('group_memberships')
    with op.batch_alter_table('account_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_invitations_user_id'))

    op.drop_table('account_invitations')
