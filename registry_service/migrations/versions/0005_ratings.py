"""Service ratings (好差评) and the follow-up records of bad ones.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", _serial, primary_key=True, autoincrement=True),
        sa.Column("public_id", sa.String(36), nullable=False),
        sa.Column("kiosk_id", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("case_kind", sa.String(24), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("ending", sa.String(16), nullable=False),
        sa.Column("level", sa.String(24), nullable=False),
        sa.Column("reasons", sa.String(256), nullable=False),
        sa.Column("rated_at", sa.String(20), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("public_id"),
        sa.UniqueConstraint("kiosk_id", "idempotency_key", name="uq_rating_idem"),
        sa.UniqueConstraint("kiosk_id", "case_kind", "case_id", name="uq_rating_case"),
    )
    op.create_table(
        "rating_follow_ups",
        sa.Column("id", _serial, primary_key=True, autoincrement=True),
        sa.Column("public_id", sa.String(36), nullable=False),
        sa.Column("rating_id", _serial, sa.ForeignKey("ratings.id"), nullable=False),
        sa.Column("indicators", sa.String(64), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("public_id"),
        sa.UniqueConstraint("rating_id"),
    )
    op.create_index("ix_follow_up_status_due", "rating_follow_ups", ["status", "due_date"])


def downgrade() -> None:
    op.drop_index("ix_follow_up_status_due", table_name="rating_follow_ups")
    op.drop_table("rating_follow_ups")
    op.drop_table("ratings")
