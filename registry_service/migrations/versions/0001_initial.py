"""Initial schema: applications (with idempotency record), licences, kiosks.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", _serial, primary_key=True, autoincrement=True),
        sa.Column("public_id", sa.String(36), nullable=False),
        sa.Column("kiosk_id", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("lock_token", sa.String(32), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("tracking_number", sa.String(32), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("sealed_application", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kiosk_id", "idempotency_key", name="uq_app_idem"),
        sa.UniqueConstraint("public_id"),
    )
    op.create_table(
        "licences",
        sa.Column("uscc", sa.String(18), primary_key=True),
        sa.Column("application_id", _serial, sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("division_code", sa.String(6), nullable=False),
        sa.Column("industry_code", sa.String(16), nullable=False),
        sa.Column("trade_name_key", sa.String(64), nullable=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("composition", sa.String(16), nullable=False),
        sa.Column("premises", sa.String(256), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("registration_date", sa.String(10), nullable=False),
        sa.Column("authority", sa.String(128), nullable=False),
        sa.Column("qr_payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("application_id"),
        sa.UniqueConstraint(
            "division_code", "industry_code", "trade_name_key", name="uq_lic_name"
        ),
    )
    op.create_table(
        "kiosks",
        sa.Column("kiosk_id", sa.String(64), primary_key=True),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("software_version", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("kiosks")
    op.drop_table("licences")
    op.drop_table("applications")
