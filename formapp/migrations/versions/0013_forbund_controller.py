"""förbund as personuppgiftsansvarig: its address, contact and dataskyddsombud (filled into
formapp's own consent text), the consent text it uses, and which text a published version is
of (issue 18).

Existing förbund keep the text they had: FK 9443, or their own if they published a Swedish one;
a förbund created from now on uses formapp's text.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-03 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('forbund', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postadress', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('kontakt_epost', sa.String(length=254), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('kontakt_telefon', sa.String(length=40), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('dataskyddsombud', sa.String(length=254), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('consent_text', sa.String(length=32), nullable=False,
                                      server_default='fk-9443'))
    with op.batch_alter_table('consent_text_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_id', sa.String(length=32), nullable=False,
                                      server_default='egen'))
    op.execute("UPDATE forbund SET consent_text = 'egen' WHERE id IN "
               "(SELECT forbund_id FROM consent_text_version WHERE locale = 'sv')")
    with op.batch_alter_table('forbund', schema=None) as batch_op:
        batch_op.alter_column('consent_text', server_default='formapp-samtycke')


def downgrade():
    with op.batch_alter_table('consent_text_version', schema=None) as batch_op:
        batch_op.drop_column('text_id')
    with op.batch_alter_table('forbund', schema=None) as batch_op:
        batch_op.drop_column('consent_text')
        batch_op.drop_column('dataskyddsombud')
        batch_op.drop_column('kontakt_telefon')
        batch_op.drop_column('kontakt_epost')
        batch_op.drop_column('postadress')
