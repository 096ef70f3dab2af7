"""Queries behind program reports: a fixed handful of statements per report, whatever the program's size.

Each query covers the whole workspace and a run of weeks at once. Weeks are given as their UTC
boundaries; aggregate queries put each row in its week with one CASE (week -1: before the first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, literal, null, or_, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.models import (
    Attendance,
    CheckIn,
    Delivery,
    Goal,
    GoalStatus,
    Meeting,
    MeetingStatus,
    NudgeAnswer,
    Pairing,
    Person,
    ProgressNote,
)

NUDGE_KIND = "nudge"  # the nudges' delivery kind (bot.nudge_plan.NUDGE_KIND); storage never imports bot


@dataclass(frozen=True)
class Span:
    """A coachee's pairing, open from `opened` until `closed` (None: still open)."""

    person_id: int
    user_id: str
    cohort: str | None
    opened: datetime
    closed: datetime | None


@dataclass(frozen=True)
class SentNudge:
    person_id: int
    sent_at: datetime
    answered: bool


@dataclass(frozen=True)
class CheckInWeek:
    """One person's check-ins in one week: how many answered "need help", how many rated each
    well-being score, and when the last one came (week -1: only the last one before the weeks)."""

    person_id: int
    week: int
    need_help: int
    wellbeing: tuple[int, ...]
    last_at: datetime


@dataclass(frozen=True)
class GoalCount:
    """Goals a person set (`closed_status` None) or closed with a status, in one week."""

    person_id: int
    week: int
    closed_status: GoalStatus | None
    count: int


@dataclass(frozen=True)
class MeetingRow:
    person_id: int
    starts_at: datetime
    minutes: int
    status: MeetingStatus
    attendance: Attendance | None


def _aware(value: datetime | str) -> datetime:
    # MAX loses the column type on SQLite (a string comes back): type it again as UTC.
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def week_of(
    column: InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None],
    bounds: Sequence[datetime],
) -> ColumnElement[int]:
    """The week a moment falls in: -1 before bounds[0], i in [bounds[i], bounds[i+1]), last after."""
    whens = [(column < bounds[0], -1)] + [(column < bound, i) for i, bound in enumerate(bounds[1:])]
    return case(*whens, else_=len(bounds) - 1)


def spans(session: Session, team_id: str, start: datetime, end: datetime) -> list[Span]:
    """Every coachee pairing open at some moment in [start, end), with the coachee's cohort."""
    rows = session.execute(
        select(Pairing.coachee_id, Person.slack_user_id, Person.cohort, Pairing.created_at, Pairing.closed_at)
        .join(Person, Person.id == Pairing.coachee_id)
        .where(
            Pairing.team_id == team_id,
            Pairing.created_at < end,
            or_(Pairing.closed_at.is_(None), Pairing.closed_at > start),
            Person.is_deleted.is_(False),
        )
        .order_by(Pairing.coachee_id, Pairing.created_at)
    )
    return [Span(*row) for row in rows]


def sent_nudges(session: Session, team_id: str, start: datetime, end: datetime) -> list[SentNudge]:
    """Nudges sent in [start, end) and each person's last two before `start`, oldest first per person."""
    # One grouped join, not a subquery per nudge: which (person, message) got a check-in.
    answers = (
        select(CheckIn.person_id.label("person_id"), CheckIn.message_ts.label("ts"))
        .where(CheckIn.team_id == team_id, CheckIn.message_ts.is_not(None))
        .group_by(CheckIn.person_id, CheckIn.message_ts)
        .subquery()
    )
    on_answer = (answers.c.person_id == Delivery.person_id) & (answers.c.ts == Delivery.message_ts)
    answered = answers.c.person_id.is_not(None)
    rank = func.row_number().over(partition_by=Delivery.person_id, order_by=Delivery.sent_at.desc())
    window = (
        select(
            Delivery.person_id.label("person_id"),
            Delivery.sent_at.label("sent_at"),
            answered.label("answered"),
        )
        .outerjoin(answers, on_answer)
        .where(
            Delivery.team_id == team_id,
            Delivery.kind == NUDGE_KIND,
            Delivery.sent_at >= start,
            Delivery.sent_at < end,
            Delivery.person_id.is_not(None),
        )
    )
    # Rank first, then ask about answers for the last two only: not for every nudge in history.
    ranked = (
        select(Delivery.id.label("id"), rank.label("rank"))
        .where(
            Delivery.team_id == team_id,
            Delivery.kind == NUDGE_KIND,
            Delivery.sent_at < start,
            Delivery.person_id.is_not(None),
        )
        .subquery()
    )
    earlier = (
        select(Delivery.person_id, Delivery.sent_at, answered)
        .join(ranked, ranked.c.id == Delivery.id)
        .outerjoin(answers, on_answer)
        .where(ranked.c.rank <= 2)
    )
    both = union_all(window, earlier).subquery()
    rows = session.execute(
        select(both.c.person_id, both.c.sent_at, both.c.answered).order_by(both.c.person_id, both.c.sent_at)
    )
    # person_id and sent_at are never NULL here (both filtered on).
    return [SentNudge(int(p or 0), _aware(at or start), bool(n)) for p, at, n in rows]


def checkin_weeks(
    session: Session, team_id: str, bounds: Sequence[datetime], scores: Sequence[int]
) -> list[CheckInWeek]:
    """Check-ins per person and week, as counts (these only feed aggregates), and before the weeks
    only each person's last one (week -1, no counts): one row per person-week, not per check-in."""
    week = week_of(CheckIn.created_at, bounds)
    earlier = (
        select(
            CheckIn.person_id,
            literal(-1),
            *[literal(0)] * (1 + len(scores)),
            func.max(CheckIn.created_at),
        )
        .where(CheckIn.team_id == team_id, CheckIn.created_at < bounds[0])
        .group_by(CheckIn.person_id)
    )
    within = (
        select(
            CheckIn.person_id,
            week,
            func.sum(case((CheckIn.answer == NudgeAnswer.NEED_HELP, 1), else_=0)),
            *[func.sum(case((CheckIn.wellbeing == score, 1), else_=0)) for score in scores],
            func.max(CheckIn.created_at),
        )
        .where(CheckIn.team_id == team_id, CheckIn.created_at >= bounds[0], CheckIn.created_at < bounds[-1])
        .group_by(CheckIn.person_id, week)
    )
    rows: list[Any] = list(session.execute(union_all(earlier, within)))
    return [
        CheckInWeek(int(row[0]), int(row[1]), int(row[2]), tuple(map(int, row[3:-1])), _aware(row[-1]))
        for row in rows
    ]


def note_activity(
    session: Session, team_id: str, bounds: Sequence[datetime]
) -> list[tuple[int, int, datetime]]:
    """(person, week, last progress note in that week), and (person, -1, last note before the weeks)."""
    week = week_of(ProgressNote.created_at, bounds)
    earlier = (
        select(Goal.person_id, literal(-1), func.max(ProgressNote.created_at))
        .join(Goal, Goal.id == ProgressNote.goal_id)
        .where(ProgressNote.team_id == team_id, ProgressNote.created_at < bounds[0])
        .group_by(Goal.person_id)
    )
    within = (
        select(Goal.person_id, week, func.max(ProgressNote.created_at))
        .join(Goal, Goal.id == ProgressNote.goal_id)
        .where(
            ProgressNote.team_id == team_id,
            ProgressNote.created_at >= bounds[0],
            ProgressNote.created_at < bounds[-1],
        )
        .group_by(Goal.person_id, week)
    )
    rows = session.execute(union_all(earlier, within))
    return [(int(p), int(w), _aware(at)) for p, w, at in rows]


def goal_counts(session: Session, team_id: str, bounds: Sequence[datetime]) -> list[GoalCount]:
    """Goals set per person and week, and goals closed per person, week and status, in one statement."""
    start, end = bounds[0], bounds[-1]
    set_week = week_of(Goal.created_at, bounds)
    closed_week = week_of(Goal.closed_at, bounds)
    made = select(
        Goal.person_id.label("person_id"), set_week.label("week"), cast(null(), String(16)).label("status")
    ).where(Goal.team_id == team_id, Goal.created_at >= start, Goal.created_at < end)
    closed = select(Goal.person_id, closed_week, Goal.status).where(
        Goal.team_id == team_id,
        Goal.closed_at >= start,
        Goal.closed_at < end,
        Goal.status != GoalStatus.ACTIVE,
    )
    both = union_all(made, closed).subquery()
    rows = session.execute(
        select(both.c.person_id, both.c.week, both.c.status, func.count()).group_by(
            both.c.person_id, both.c.week, both.c.status
        )
    )
    return [GoalCount(int(p), int(w), None if s is None else GoalStatus(s), int(n)) for p, w, s, n in rows]


def meetings(session: Session, team_id: str, start: datetime, end: datetime) -> list[MeetingRow]:
    """Coaching sessions starting in [start, end), with the coachee they were for."""
    rows = session.execute(
        select(Pairing.coachee_id, Meeting.starts_at, Meeting.minutes, Meeting.status, Meeting.attendance)
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .where(Meeting.team_id == team_id, Meeting.starts_at >= start, Meeting.starts_at < end)
    )
    return [
        MeetingRow(int(p), _aware(at), int(m), MeetingStatus(s), None if a is None else Attendance(a))
        for p, at, m, s, a in rows
    ]
