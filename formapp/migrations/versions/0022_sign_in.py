"""sign-in through an identity provider (OpenID Connect) and TOTP second factor (issue 20).

Users may be linked to a subject of an identity provider; local accounts get a TOTP secret
(encrypted), one-time recovery codes (hashed) and a hand-back PIN (hashed); a login session
keeps how it was signed in to and the provider's ID token for its logout.

Plain ADD COLUMN and a unique index: app_user and login_session are not rebuilt.

Revision ID: 0022
Revises: 0018
Create Date: 2026-12-04 22:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('app_user', sa.Column('last_login_method', sa.String(length=16), nullable=True))
    op.add_column('app_user', sa.Column('idp_provider', sa.String(length=40), nullable=True))
    op.add_column('app_user', sa.Column('idp_subject', sa.String(length=255), nullable=True))
    op.add_column('app_user', sa.Column('totp_secret', sa.Text(), nullable=True))
    op.add_column('app_user', sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('app_user', sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.add_column('app_user', sa.Column('handback_pin_hash', sa.String(length=255), nullable=True))
    op.create_index('ix_app_user_idp', 'app_user', ['idp_provider', 'idp_subject'], unique=True)
    op.add_column('login_session', sa.Column('method', sa.String(length=16), nullable=True))
    op.add_column('login_session', sa.Column('id_token', sa.Text(), nullable=True))
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_recovery_code_user_id', 'recovery_code', ['user_id'])


def downgrade():
    op.drop_index('ix_recovery_code_user_id', table_name='recovery_code')
    op.drop_table('recovery_code')
    with op.batch_alter_table('login_session') as batch:
        batch.drop_column('id_token')
        batch.drop_column('method')
    op.drop_index('ix_app_user_idp', table_name='app_user')
    with op.batch_alter_table('app_user') as batch:
        for column in ('handback_pin_hash', 'totp_last_step', 'totp_enabled_at', 'totp_secret',
                       'idp_subject', 'idp_provider', 'last_login_method'):
            batch.drop_column(column)
