"""SQLAlchemy 2 typed models, one module per area; every name is re-exported here.

Every row carries the Slack team (workspace) id it belongs to.
"""

from __future__ import annotations

from storage.models.base import NAMING_CONVENTION, Base, UTCDateTime
from storage.models.calendar import CalendarFeed, CalendarSequence, WorkshopCalendarCopy
from storage.models.checkins import (
    DEFAULT_NUDGE_MINUTE,
    DEFAULT_QUIET_END_MINUTE,
    DEFAULT_QUIET_START_MINUTE,
    CheckIn,
    GoalNudgeState,
    NudgeAnswer,
    NudgePrefs,
    QuietPeriod,
    SupportText,
)
from storage.models.deliveries import Delivery, DeliveryStatus, SendSlot
from storage.models.goals import Area, Cadence, Goal, GoalStatus, ProgressNote
from storage.models.meetings import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingStatus,
    Pairing,
    ProgramText,
    ReminderPreference,
)
from storage.models.oauth import OAUTH_METADATA
from storage.models.people import Person, ProgramRole, RoleName
from storage.models.privacy import AuditEntry, KeptCoachNote, WorkspaceLifecycle
from storage.models.summaries import DEFAULT_SUMMARY_MINUTE, DEFAULT_SUMMARY_WEEKDAY, SummaryPrefs
from storage.models.workshops import ChannelWelcome, Occurrence, Rsvp, RsvpAnswer, Workshop, WorkshopStatus

__all__ = [
    "DEFAULT_NUDGE_MINUTE",
    "DEFAULT_QUIET_END_MINUTE",
    "DEFAULT_QUIET_START_MINUTE",
    "DEFAULT_SUMMARY_MINUTE",
    "DEFAULT_SUMMARY_WEEKDAY",
    "NAMING_CONVENTION",
    "OAUTH_METADATA",
    "AgendaItem",
    "Area",
    "Attendance",
    "AuditEntry",
    "Base",
    "Cadence",
    "CalendarFeed",
    "CalendarSequence",
    "ChannelWelcome",
    "CheckIn",
    "Delivery",
    "DeliveryStatus",
    "Goal",
    "GoalNudgeState",
    "GoalStatus",
    "KeptCoachNote",
    "Meeting",
    "MeetingStatus",
    "NudgeAnswer",
    "NudgePrefs",
    "Occurrence",
    "Pairing",
    "Person",
    "ProgramRole",
    "ProgramText",
    "ProgressNote",
    "QuietPeriod",
    "ReminderPreference",
    "RoleName",
    "Rsvp",
    "RsvpAnswer",
    "SendSlot",
    "SummaryPrefs",
    "SupportText",
    "UTCDateTime",
    "Workshop",
    "WorkshopCalendarCopy",
    "WorkshopStatus",
    "WorkspaceLifecycle",
]
