"""Goals a coachee sets for themselves, and their progress notes."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, UTCDateTime, str_enum

if TYPE_CHECKING:
    from storage.models.people import Person


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
    area: Mapped[Area] = mapped_column(str_enum(Area, "goal_area"), default=Area.OTHER)
    cadence: Mapped[Cadence] = mapped_column(str_enum(Cadence, "goal_cadence"), default=Cadence.WEEKLY)
    status: Mapped[GoalStatus] = mapped_column(str_enum(GoalStatus, "goal_status"), default=GoalStatus.ACTIVE)
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
