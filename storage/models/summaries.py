"""Models for weekly summaries: when each coach (or admin) wants their summary and digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime

DEFAULT_SUMMARY_WEEKDAY = 0  # Monday, as Python counts weekdays
DEFAULT_SUMMARY_MINUTE = 8 * 60


class SummaryPrefs(Base):
    """A person's summary day and time, in minutes after local midnight in their Slack zone."""

    __tablename__ = "summary_prefs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    weekday: Mapped[int] = mapped_column(Integer, default=DEFAULT_SUMMARY_WEEKDAY)
    minute: Mapped[int] = mapped_column(Integer, default=DEFAULT_SUMMARY_MINUTE)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
