"""Workshops announced in program channels: the series, each session, RSVPs and welcomes."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, UTCDateTime, str_enum


class WorkshopStatus(enum.StrEnum):
    """Whether a workshop or a session still takes place."""

    ACTIVE = "active"
    CANCELLED = "cancelled"


class RsvpAnswer(enum.StrEnum):
    """A person's RSVP to one session."""

    GOING = "going"
    MAYBE = "maybe"
    NO = "no"


class Workshop(Base):
    """A workshop series as an admin or lead described it; `number` is the team's (#1, #2 …).

    `version` goes up on every edit, so reminders planned for an older schedule never match.
    """

    __tablename__ = "workshops"
    __table_args__ = (UniqueConstraint("team_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(255), default="")
    channel_id: Mapped[str] = mapped_column(String(32), index=True)
    tz: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    repeat: Mapped[str] = mapped_column(String(16), default="none")
    repeat_until: Mapped[date | None] = mapped_column(Date)
    repeat_count: Mapped[int | None] = mapped_column(Integer)
    # Minutes before each session, comma-separated: "1440,60" is a day and an hour before.
    reminder_minutes: Mapped[str] = mapped_column(String(64), default="1440,60")
    announce_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[WorkshopStatus] = mapped_column(
        str_enum(WorkshopStatus, "workshop_status"), default=WorkshopStatus.ACTIVE
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    announcement_channel: Mapped[str | None] = mapped_column(String(32))
    announcement_ts: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The Slack request that created it: a replayed request finds this row instead.
    request_key: Mapped[str | None] = mapped_column(String(255), unique=True)

    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="workshop", order_by="Occurrence.starts_at", cascade="all, delete-orphan"
    )


class Occurrence(Base):
    """One session of a workshop; RSVPs and reminders belong to a session, not to the series."""

    __tablename__ = "workshop_occurrences"
    __table_args__ = (
        UniqueConstraint("workshop_id", "seq"),
        Index("ix_workshop_occurrences_team_id_starts_at", "team_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[WorkshopStatus] = mapped_column(
        str_enum(WorkshopStatus, "occurrence_status"), default=WorkshopStatus.ACTIVE
    )
    # Bumped on every RSVP change: whoever refreshes the message last can tell it was stale.
    rsvp_version: Mapped[int] = mapped_column(Integer, default=0)
    message_channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))

    workshop: Mapped[Workshop] = relationship(back_populates="occurrences")


class Rsvp(Base):
    """One person's answer for one session; `version` counts their changes of mind."""

    __tablename__ = "workshop_rsvps"
    __table_args__ = (UniqueConstraint("occurrence_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("workshop_occurrences.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    answer: Mapped[RsvpAnswer] = mapped_column(str_enum(RsvpAnswer, "rsvp_answer"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChannelWelcome(Base):
    """A welcome sent to someone who joined a program channel; the event id stops a retry repeating it."""

    __tablename__ = "channel_welcomes"
    __table_args__ = (UniqueConstraint("team_id", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
