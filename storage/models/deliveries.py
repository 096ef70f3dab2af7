"""The durable schedule: everything the bot will send later, one row per message."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, str_enum


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class Delivery(Base):
    """Something the bot will send later: the database, not a timer, is the source of truth.

    `dedupe_key` is unique, so two processes planning the same occurrence make one row; a claim
    sets `lease_until`, and a lease that runs out (a crashed process) makes the row due again.
    """

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A retry waits until then; due_at keeps the original time, so a backlog drains oldest first and
    # "still useful" is measured from when the message was meant to go.
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set just before the post leaves: a claim that expires with it set may already be in Slack.
    posting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())


WORKSPACE_SLOT = ""


class SendSlot(Base):
    """The next free send time of a workspace or a channel, shared by every dispatcher (PostgreSQL)."""

    __tablename__ = "send_slots"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # A channel id, or WORKSPACE_SLOT for the workspace's own rate.
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())
