"""The digest's workspace-wide counts: sessions held and booked, goals set and closed, nudges
answered, agreements signed. Aggregates only; who the digest goes to is in summary_prefs.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from storage.models import Delivery, DeliveryStatus, Goal, GoalStatus
from storage.models.checkins import CheckIn
from storage.models.meetings import Attendance, Meeting, MeetingStatus, Pairing


def meeting_counts(session: Session, team_id: str, since: datetime, now: datetime) -> tuple[int, int, int]:
    """(sessions held since `since`, those started since then that no coach confirmed, sessions
    booked from now on) in the workspace; held means the coach confirmed it (bot/reports/definitions.py)."""
    past = and_(Meeting.starts_at >= since, Meeting.starts_at < now)
    held = func.sum(case((and_(past, Meeting.attendance == Attendance.HELD), 1), else_=0))
    unconfirmed = func.sum(case((and_(past, Meeting.attendance.is_(None)), 1), else_=0))
    booked = func.sum(case((Meeting.starts_at >= now, 1), else_=0))
    row = session.execute(
        select(held, unconfirmed, booked).where(
            Meeting.team_id == team_id, Meeting.status == MeetingStatus.SCHEDULED
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


@dataclass(frozen=True)
class ProgramCounts:
    goals_set: int
    goals_done: int
    goals_not_achieved: int
    goals_dropped: int
    nudges_sent: int
    nudges_answered: int
    agreements_signed: int


def program_counts(session: Session, team_id: str, since: datetime, nudge_kind: str) -> ProgramCounts:
    """The digest's workspace-wide counts since `since`, in three aggregate statements."""
    goals = session.execute(
        select(
            func.sum(case((Goal.created_at >= since, 1), else_=0)),
            func.sum(case((and_(Goal.status == GoalStatus.DONE, Goal.closed_at >= since), 1), else_=0)),
            func.sum(
                case((and_(Goal.status == GoalStatus.NOT_ACHIEVED, Goal.closed_at >= since), 1), else_=0)
            ),
            func.sum(case((and_(Goal.status == GoalStatus.DROPPED, Goal.closed_at >= since), 1), else_=0)),
        ).where(Goal.team_id == team_id)
    ).one()
    answered = exists().where(
        CheckIn.person_id == Delivery.person_id, CheckIn.message_ts == Delivery.message_ts
    )
    nudges = session.execute(
        select(func.count(), func.sum(case((answered, 1), else_=0))).where(
            Delivery.team_id == team_id,
            Delivery.kind == nudge_kind,
            Delivery.status == DeliveryStatus.SENT,
            Delivery.sent_at >= since,
        )
    ).one()
    agreed = session.scalar(
        select(func.count()).where(Pairing.team_id == team_id, Pairing.agreed_at >= since)
    )
    return ProgramCounts(
        goals_set=int(goals[0] or 0),
        goals_done=int(goals[1] or 0),
        goals_not_achieved=int(goals[2] or 0),
        goals_dropped=int(goals[3] or 0),
        nudges_sent=int(nudges[0] or 0),
        nudges_answered=int(nudges[1] or 0),
        agreements_signed=int(agreed or 0),
    )
