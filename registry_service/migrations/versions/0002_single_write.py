"""Applications are written once, decided: no 'processing' claim, so no state or lock columns.

A 'processing' row left by the earlier two-transaction design never issued anything (its
licence would have been written in the same transaction that marked it done), so it is
removed: the kiosk's retry with that key is then decided afresh.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM applications WHERE state <> 'done'")
    # SQLite >= 3.35 drops plain columns in place (no table rebuild, no foreign-key dance)
    op.drop_column("applications", "locked_at")
    op.drop_column("applications", "lock_token")
    op.drop_column("applications", "state")


def downgrade() -> None:
    op.add_column("applications", sa.Column("state", sa.String(16), nullable=False,
                                            server_default="done"))
    op.add_column("applications", sa.Column("lock_token", sa.String(32), nullable=False,
                                            server_default=""))
    op.add_column("applications", sa.Column("locked_at", sa.DateTime(timezone=True),
                                            nullable=False,
                                            server_default="1970-01-01 00:00:00+00:00"))
