"""What counts as what in reports: the one place to switch when honest outcomes and attendance land.

Today a goal is completed when its status is done and dropped when it is dropped; there is no
"closed, not achieved" yet, so that count is 0. A session counts as held when it was not
cancelled and its end has passed. When goals get their own outcome and sessions a confirmed
attendance, only these functions (and the columns the queries return) change.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from storage.models import GoalStatus, MeetingStatus


class Outcome(enum.StrEnum):
    COMPLETED = "completed"
    CLOSED_NOT_ACHIEVED = "closed_not_achieved"
    DROPPED = "dropped"


_OUTCOMES = {GoalStatus.DONE: Outcome.COMPLETED, GoalStatus.DROPPED: Outcome.DROPPED}


def goal_outcome(status: GoalStatus | None) -> Outcome | None:
    """The outcome of a closed goal (None: not closed)."""
    return None if status is None else _OUTCOMES.get(status)


def meeting_held(status: MeetingStatus, starts_at: datetime, minutes: int, now: datetime) -> bool:
    """A session was held when it was not cancelled and has ended by `now`."""
    return status != MeetingStatus.CANCELLED and starts_at + timedelta(minutes=minutes) <= now
