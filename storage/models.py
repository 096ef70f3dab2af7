"""SQLAlchemy 2 typed models. Every row carries the Slack team (workspace) id it belongs to."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite has no time zones, so we never let one in."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class GoalStatus(enum.StrEnum):
    ACTIVE = "active"
    DONE = "done"
    DROPPED = "dropped"


class Cadence(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    OFF = "off"


class Area(enum.StrEnum):
    ACADEMIC = "academic"
    CLINICAL = "clinical"
    WELLBEING = "wellbeing"
    PROFESSIONAL = "professional"
    LEADERSHIP = "leadership"
    COMMUNITY = "community"
    OTHER = "other"


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=16)


class Person(Base):
    """A Slack user as coachbot knows them; the time zone is cached from users.info."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("team_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(255), default="")
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    is_workspace_admin: Mapped[bool] = mapped_column(default=False)
    is_deleted: Mapped[bool] = mapped_column(default=False)
    profile_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_goal_number: Mapped[int] = mapped_column(Integer, default=0)
    # Set when they first open the Home tab: until then there is no Home to keep fresh.
    home_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    goals: Mapped[list[Goal]] = relationship(back_populates="person")


class Goal(Base):
    """A goal the coachee set for themselves; `number` is theirs (1, 2, 3 …) and never reused."""

    __tablename__ = "goals"
    __table_args__ = (
        UniqueConstraint("person_id", "number"),
        Index("ix_goals_team_id_status", "team_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(Text, default="")
    measure: Mapped[str] = mapped_column(Text, default="")
    target_date: Mapped[date | None] = mapped_column(Date)
    area: Mapped[Area] = mapped_column(_enum(Area, "goal_area"), default=Area.OTHER)
    cadence: Mapped[Cadence] = mapped_column(_enum(Cadence, "goal_cadence"), default=Cadence.WEEKLY)
    status: Mapped[GoalStatus] = mapped_column(_enum(GoalStatus, "goal_status"), default=GoalStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The Slack request that created it: a retried or replayed request finds this row instead.
    request_key: Mapped[str | None] = mapped_column(String(255), unique=True)

    person: Mapped[Person] = relationship(back_populates="goals")
    notes: Mapped[list[ProgressNote]] = relationship(
        back_populates="goal", order_by="ProgressNote.created_at", cascade="all, delete-orphan"
    )


class ProgressNote(Base):
    """A timestamped note a coachee logs against one of their goals."""

    __tablename__ = "progress_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    request_key: Mapped[str | None] = mapped_column(String(255), unique=True)

    goal: Mapped[Goal] = relationship(back_populates="notes")


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
        _enum(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
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


class SendSlot(Base):
    """The next free send time of a workspace or a channel, shared by every dispatcher (PostgreSQL)."""

    __tablename__ = "send_slots"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RoleName(enum.StrEnum):
    LEAD = "lead"


class ProgramRole(Base):
    """A role an admin grants within the program (program leads run workshops)."""

    __tablename__ = "program_roles"
    __table_args__ = (UniqueConstraint("person_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[RoleName] = mapped_column(_enum(RoleName, "program_role"))
    granted_by: Mapped[str] = mapped_column(String(32))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
