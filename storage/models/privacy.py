"""Privacy records: the audit log, each workspace's install lifecycle, coach notes kept for the coach."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class AuditEntry(Base):
    """Who looked at or acted on whose data. Slack user ids only, never the data itself."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_team_id_created_at", "team_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    actor_user_id: Mapped[str] = mapped_column(String(32))
    subject_user_id: Mapped[str | None] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WorkspaceLifecycle(Base):
    """When a workspace uninstalled coachbot and when its data goes, unless it comes back first."""

    __tablename__ = "workspace_lifecycle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), unique=True)
    installed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    purge_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class KeptCoachNote(Base):
    """A coach's private session note, kept for the coach when the coachee's data is deleted.

    The coachee's identity goes; the note is the coach's own writing, so it stays theirs.
    """

    __tablename__ = "kept_coach_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    coach_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    session_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    kept_at: Mapped[datetime] = mapped_column(UTCDateTime())
