"""Database tables. The migration in registry_service/migrations must match these
(tests/registry_service/test_migrations.py compares them)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
_SerialKey = BigInteger().with_variant(Integer(), "sqlite")


class ApplicationRow(Base):
    """One decided submission. Also the idempotency record: (kiosk_id, idempotency_key) is
    unique and the stored response is written in the same statement as the licence, so a
    replay after a crash between commit and response returns exactly what was issued. After
    the retention period the stored response and the request fingerprint are cleared and the
    row stays, key included, as a tombstone: a replay that late is refused (410), never
    decided a second time."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "idempotency_key", name="uq_app_idem"),
        # the retention purge's way to the old stored answers (registry_service.retention)
        Index("ix_app_replayable_created", "created_at",
              postgresql_where=text("response_body IS NOT NULL"),
              sqlite_where=text("response_body IS NOT NULL")),
        # a person's recent applications at one authority (rules.check_recent_application)
        Index("ix_app_operator_ref", "operator_ref", "created_at",
              postgresql_where=text("operator_ref IS NOT NULL"),
              sqlite_where=text("operator_ref IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(_SerialKey, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256, not the request
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    tracking_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    sealed_application: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # HMAC of (authority, operator ID number) under the service's secret: never the number
    operator_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)


class LicenceRow(Base):
    __tablename__ = "licences"
    __table_args__ = (
        # Same 字号 in the same industry at the same authority is a duplicate name. NULL for
        # unnamed businesses, which never conflict.
        UniqueConstraint("division_code", "industry_code", "trade_name_key", name="uq_lic_name"),
    )

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    application_id: Mapped[int] = mapped_column(
        _SerialKey, ForeignKey("applications.id"), unique=True
    )
    division_code: Mapped[str] = mapped_column(String(6))
    industry_code: Mapped[str] = mapped_column(String(16))
    trade_name_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    name: Mapped[str] = mapped_column(String(128))
    operator: Mapped[str] = mapped_column(String(64))
    composition: Mapped[str] = mapped_column(String(16))
    premises: Mapped[str] = mapped_column(String(256))
    scope: Mapped[str] = mapped_column(Text)
    registration_date: Mapped[str] = mapped_column(String(10))
    authority: Mapped[str] = mapped_column(String(128))
    qr_payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # active | revoked
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KioskRow(Base):
    __tablename__ = "kiosks"

    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    software_version: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))


class RatingRow(Base):
    """One service rating (好差评), also its idempotency record: the stored response is what a
    replay with the same (kiosk_id, idempotency_key) gets back. One rating per case: a second
    one for the same case under another key is refused. No personal data: the case number,
    the ending, the level and reason codes only."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "idempotency_key", name="uq_rating_idem"),
        UniqueConstraint("kiosk_id", "case_kind", "case_id", name="uq_rating_case"),
    )

    id: Mapped[int] = mapped_column(_SerialKey, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical request
    case_kind: Mapped[str] = mapped_column(String(24))
    case_id: Mapped[str] = mapped_column(String(64))
    ending: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(24))
    reasons: Mapped[str] = mapped_column(String(256))  # reason codes, comma-separated
    rated_at: Mapped[str] = mapped_column(String(20))  # the kiosk's clock, UTC
    response_status: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FollowUpRow(Base):
    """The authority's work item for a bad rating: verify, fix and answer by ``due_date``
    (working days, registry_service.workdays); ``status`` moves open -> answered -> closed, or
    to appealed when the answer is contested."""

    __tablename__ = "rating_follow_ups"
    __table_args__ = (
        # the work queue: open items by deadline
        Index("ix_follow_up_status_due", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(_SerialKey, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    rating_id: Mapped[int] = mapped_column(_SerialKey, ForeignKey("ratings.id"), unique=True)
    indicators: Mapped[str] = mapped_column(String(64))  # indicators the reasons speak to, comma-separated
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # open | answered | appealed | closed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
