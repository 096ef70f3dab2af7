"""Coaching sessions: pairings, meetings with their prep and follow-up, reminder offsets, program texts."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, str_enum


class Pairing(Base):
    """A coach and a coachee; closed pairings stay as history, and a coachee has one open pairing."""

    __tablename__ = "pairings"
    __table_args__ = (
        Index(
            "uq_pairings_open_coachee",
            "coachee_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # Indexed on its own too: the partial index above serves only questions about open pairings,
    # and the summaries ask about a coachee's sessions in every pairing they had.
    coachee_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    discuss_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Attendance(enum.StrEnum):
    """The coach's answer to "Did it happen?" after a session (None on the meeting: not confirmed)."""

    HELD = "held"
    NOT_HELD = "not_held"
    RESCHEDULED = "rescheduled"


class Meeting(Base):
    """One coaching session. `version` grows on every move, so the schedule's keys change with it."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_pairing_id_starts_at", "pairing_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairings.id", ondelete="CASCADE"))
    booked_by: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[MeetingStatus] = mapped_column(
        str_enum(MeetingStatus, "meeting_status"), default=MeetingStatus.SCHEDULED
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    agenda_note: Mapped[str] = mapped_column(Text, default="")
    # Where the session happens: a room or a video link, as the booker typed it ("" when not said).
    location: Mapped[str] = mapped_column(String(500), default="")
    # The prep checklist's ticked item keys, comma-separated; every click saves the whole set.
    checklist: Mapped[str] = mapped_column(String(255), default="")
    takeaways: Mapped[str] = mapped_column(Text, default="")
    next_actions: Mapped[str] = mapped_column(Text, default="")
    # The coach's own note: shown to the coach only, never to the coachee.
    coach_note: Mapped[str] = mapped_column(Text, default="")
    # Only a session the coach confirmed as held counts as held, anywhere.
    attendance: Mapped[Attendance | None] = mapped_column(str_enum(Attendance, "attendance"))
    attendance_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    request_key: Mapped[str | None] = mapped_column(String(255), unique=True)


class AgendaItem(Base):
    """Something the coachee wants to talk about at a session; the coach sees it in the brief."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    request_key: Mapped[str | None] = mapped_column(String(255), unique=True)


class ReminderPreference(Base):
    """How long before a session a person wants reminding, in minutes ("" means no reminders)."""

    __tablename__ = "reminder_preferences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    offsets: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProgramText(Base):
    """A text the program sets for itself (the coaching agreement), one per name and workspace."""

    __tablename__ = "program_texts"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
