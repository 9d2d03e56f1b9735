"""A keyed hash of each application's operator ID number at its authority, so that a second
application by the same person at the same authority within a short window goes to a person
(rule ``operator_recent_application``) instead of being decided again by itself. Partial index:
rows without it (earlier applications) stay out.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_HAS_REF = sa.text("operator_ref IS NOT NULL")


def upgrade() -> None:
    op.add_column("applications", sa.Column("operator_ref", sa.String(64), nullable=True))
    op.create_index("ix_app_operator_ref", "applications", ["operator_ref", "created_at"],
                    postgresql_where=_HAS_REF, sqlite_where=_HAS_REF)


def downgrade() -> None:
    op.drop_index("ix_app_operator_ref", table_name="applications")
    op.drop_column("applications", "operator_ref")
