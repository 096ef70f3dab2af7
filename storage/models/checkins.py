"""Models for nudges and check-ins: per-person nudge settings, program quiet periods, answers."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, str_enum

DEFAULT_NUDGE_MINUTE = 9 * 60
DEFAULT_QUIET_START_MINUTE = 20 * 60
DEFAULT_QUIET_END_MINUTE = 8 * 60


class NudgePrefs(Base):
    """One person's nudge settings; times are minutes after local midnight in their Slack zone."""

    __tablename__ = "nudge_prefs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    nudge_minute: Mapped[int] = mapped_column(Integer, default=DEFAULT_NUDGE_MINUTE)
    quiet_start_minute: Mapped[int] = mapped_column(Integer, default=DEFAULT_QUIET_START_MINUTE)
    quiet_end_minute: Mapped[int] = mapped_column(Integer, default=DEFAULT_QUIET_END_MINUTE)
    weekends: Mapped[bool] = mapped_column(default=False)
    paused_until: Mapped[date | None] = mapped_column(Date)
    # Set when Slack says the person can no longer be reached (deactivated, gone): no more nudges.
    stopped_reason: Mapped[str | None] = mapped_column(Text)
    # The person's regular nudge row is `nudge:<person>:<seq>`; seq moves on once a row is settled.
    nudge_seq: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuietPeriod(Base):
    """A program break or exam block (inclusive local dates) when nobody gets nudges."""

    __tablename__ = "quiet_periods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GoalNudgeState(Base):
    """What nudging remembers about a goal: the target date its overdue question was asked for."""

    __tablename__ = "goal_nudge_state"

    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    overdue_asked_for: Mapped[date | None] = mapped_column(Date)


class NudgeAnswer(enum.StrEnum):
    ON_TRACK = "on_track"
    NEED_HELP = "need_help"
    DONE = "done"
    SNOOZED = "snoozed"
    NOTE = "note"
    CHECKIN = "checkin"
    CLOSED = "closed"  # "Close goal" clicked: the outcome question follows
    NOT_ACHIEVED = "not_achieved"
    NEW_DATE = "new_date"  # "Set a new date" on an overdue goal, saved
    BACKOFF = "backoff"  # the answer to "would a weekly check-in suit you better?" (its note says which)


class CheckIn(Base):
    """One answer from a coachee: a nudge click, a note, or a /checkin with well-being."""

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_person_id_created_at", "person_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    answer: Mapped[NudgeAnswer] = mapped_column(str_enum(NudgeAnswer, "checkin_answer"))
    wellbeing: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    # Private notes are for the coachee alone: no query for anyone else returns their text.
    private: Mapped[bool] = mapped_column(default=False)
    # None until asked and answered; True only when the coachee said "yes, tell my coach".
    coach_consent: Mapped[bool | None] = mapped_column()
    message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    request_key: Mapped[str] = mapped_column(String(255), unique=True)


class SupportText(Base):
    """The program's support resources, shown at once after a low well-being answer."""

    __tablename__ = "support_texts"
    __table_args__ = (UniqueConstraint("team_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
