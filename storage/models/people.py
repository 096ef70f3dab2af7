"""People (one row per Slack user per workspace) and their program roles."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, UTCDateTime, str_enum

if TYPE_CHECKING:
    from storage.models.goals import Goal


class Person(Base):
    """A Slack user as coachbot knows them; the time zone is cached from users.info."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("team_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(255), default="")
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    # Slack's locale (users.info include_locale): whether they write 12/11 for 12 November.
    locale: Mapped[str] = mapped_column(String(16), default="", server_default="")
    is_workspace_admin: Mapped[bool] = mapped_column(default=False)
    is_deleted: Mapped[bool] = mapped_column(default=False)
    profile_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_goal_number: Mapped[int] = mapped_column(Integer, default=0)
    # Set when they first open the Home tab: until then there is no Home to keep fresh.
    home_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Class year or program ("M1 2030", "IM PGY-2"), set by an admin; reports break down by it.
    cohort: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    goals: Mapped[list[Goal]] = relationship(back_populates="person")


class RoleName(enum.StrEnum):
    LEAD = "lead"


class ProgramRole(Base):
    """A role an admin grants within the program (program leads run workshops)."""

    __tablename__ = "program_roles"
    __table_args__ = (UniqueConstraint("person_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[RoleName] = mapped_column(str_enum(RoleName, "program_role"))
    granted_by: Mapped[str] = mapped_column(String(32))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
