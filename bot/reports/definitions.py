"""What counts as what in reports: the one place the measures' meanings are defined.

A goal's outcome is its closed status: done is completed, not achieved is closed not achieved,
dropped is dropped (a deleted goal is gone and counted nowhere). A session counts as held only
when its coach confirmed it was (“Did it happen?” → Held) and it was not cancelled since; a
session nobody confirmed is not held, however long ago it ended.
"""

from __future__ import annotations

import enum

from storage.models import Attendance, GoalStatus, MeetingStatus


class Outcome(enum.StrEnum):
    COMPLETED = "completed"
    CLOSED_NOT_ACHIEVED = "closed_not_achieved"
    DROPPED = "dropped"


_OUTCOMES = {
    GoalStatus.DONE: Outcome.COMPLETED,
    GoalStatus.NOT_ACHIEVED: Outcome.CLOSED_NOT_ACHIEVED,
    GoalStatus.DROPPED: Outcome.DROPPED,
}


def goal_outcome(status: GoalStatus | None) -> Outcome | None:
    """The outcome of a closed goal (None: not closed)."""
    return None if status is None else _OUTCOMES.get(status)


def meeting_held(status: MeetingStatus, attendance: Attendance | None) -> bool:
    """A session was held when its coach confirmed it and it was not cancelled."""
    return status != MeetingStatus.CANCELLED and attendance == Attendance.HELD
