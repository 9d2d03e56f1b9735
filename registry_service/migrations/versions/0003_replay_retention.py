"""An index of the applications whose stored answer can still be replayed, by age, so that the
retention purge finds the old ones without scanning the table. Partial: a purged row leaves
the index, which therefore stays the size of the retention window.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_REPLAYABLE = sa.text("response_body IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_app_replayable_created", "applications", ["created_at"],
                    postgresql_where=_REPLAYABLE, sqlite_where=_REPLAYABLE)


def downgrade() -> None:
    op.drop_index("ix_app_replayable_created", table_name="applications")
