"""Queries behind program reports: a fixed handful of statements per report, whatever the program's size.

Each query covers the whole workspace and a run of weeks at once. Weeks are given as their UTC
boundaries; aggregate queries put each row in its week with one CASE (week -1: before the first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    String,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

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
class SentNudges:
    """Sent nudges in (person, sent) order, as columns; `sent` in microseconds since 1970 (UTC)."""

    person_id: list[int]
    sent: list[int]
    answered: list[bool]


@dataclass(frozen=True)
class CheckInWeeks:
    """Check-ins per person and week, as columns: how many answered "need help", how many rated each
    well-being score (one column per score), and the last one's moment in microseconds since 1970;
    week -1 carries only each person's last check-in before the weeks."""

    person_id: list[int]
    week: list[int]
    need_help: list[int]
    wellbeing: list[list[int]]
    last_at: list[int]


@dataclass(frozen=True)
class GoalCount:
    """Goals a person set (`closed_status` None) or closed with a status, in one week."""

    person_id: int
    week: int
    closed_status: GoalStatus | None
    count: int


@dataclass(frozen=True)
class MeetingCount:
    """How many of a coachee's sessions starting in one week have this status and attendance."""

    person_id: int
    week: int
    status: MeetingStatus
    attendance: Attendance | None
    count: int


class micros(FunctionElement[int]):
    """A stored UTC moment as whole microseconds since 1970, computed by the database (exact on both
    SQLite and PostgreSQL): bulk rows come back as plain integers, with no datetime to build."""

    type = BigInteger()
    name = "micros"
    inherit_cache = True


@compiles(micros, "sqlite")
def _micros_sqlite(element: micros, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as text, "YYYY-MM-DD HH:MM:SS.ffffff": whole seconds, then the fraction padded to six
    # digits (strftime alone keeps milliseconds and rounds .9995 up into the next second).
    moment = compiler.process(element.clauses, **kw)
    return (
        f"(CAST(strftime('%s', substr({moment}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr(substr({moment}, 21) || '000000', 1, 6) AS INTEGER))"
    )


@compiles(micros, "postgresql")
def _micros_postgresql(element: micros, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) * 1000000 AS BIGINT)"


def _columns(rows: Sequence[Any], width: int) -> list[list[Any]]:
    """Rows turned into `width` columns (lists), empty ones when there are no rows."""
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


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


def sent_nudges(session: Session, team_id: str, start: datetime, end: datetime) -> SentNudges:
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
            micros(Delivery.sent_at).label("sent"),
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
        select(Delivery.person_id, micros(Delivery.sent_at), answered)
        .join(ranked, ranked.c.id == Delivery.id)
        .outerjoin(answers, on_answer)
        .where(ranked.c.rank <= 2)
    )
    both = union_all(window, earlier).subquery()
    rows = session.execute(
        select(both.c.person_id, both.c.sent, both.c.answered).order_by(both.c.person_id, both.c.sent)
    ).all()
    person_id, sent, answered_ = _columns(rows, 3)
    return SentNudges(person_id, sent, [bool(n) for n in answered_])


def checkin_weeks(
    session: Session, team_id: str, bounds: Sequence[datetime], scores: Sequence[int]
) -> CheckInWeeks:
    """Check-ins per person and week in the weeks, as counts (these only feed aggregates), and before
    them only each person's last one (week -1, no counts): one row per person-week, not per check-in."""
    week = week_of(CheckIn.created_at, bounds)
    earlier = (
        select(
            CheckIn.person_id,
            literal(-1),
            *[literal(0)] * (1 + len(scores)),
            micros(func.max(CheckIn.created_at)),
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
            micros(func.max(CheckIn.created_at)),
        )
        .where(CheckIn.team_id == team_id, CheckIn.created_at >= bounds[0], CheckIn.created_at < bounds[-1])
        .group_by(CheckIn.person_id, week)
    )
    columns = _columns(session.execute(union_all(earlier, within)).all(), 4 + len(scores))
    person_id, weeks, need_help, *wellbeing, last_at = columns
    return CheckInWeeks(person_id, weeks, need_help, wellbeing, last_at)


def note_activity(
    session: Session, team_id: str, bounds: Sequence[datetime]
) -> tuple[list[int], list[int], list[int]]:
    """Columns of (person, week, last progress note in that week in microseconds since 1970), and of
    (person, -1, last note before the weeks)."""
    week = week_of(ProgressNote.created_at, bounds)
    earlier = (
        select(Goal.person_id, literal(-1), micros(func.max(ProgressNote.created_at)))
        .join(Goal, Goal.id == ProgressNote.goal_id)
        .where(ProgressNote.team_id == team_id, ProgressNote.created_at < bounds[0])
        .group_by(Goal.person_id)
    )
    within = (
        select(Goal.person_id, week, micros(func.max(ProgressNote.created_at)))
        .join(Goal, Goal.id == ProgressNote.goal_id)
        .where(
            ProgressNote.team_id == team_id,
            ProgressNote.created_at >= bounds[0],
            ProgressNote.created_at < bounds[-1],
        )
        .group_by(Goal.person_id, week)
    )
    person_id, week_, last_at = _columns(session.execute(union_all(earlier, within)).all(), 3)
    return person_id, week_, last_at


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


def meeting_counts(session: Session, team_id: str, bounds: Sequence[datetime]) -> list[MeetingCount]:
    """Coaching sessions starting in the weeks, per coachee, week, status and attendance."""
    week = week_of(Meeting.starts_at, bounds)
    rows = session.execute(
        select(Pairing.coachee_id, week, Meeting.status, Meeting.attendance, func.count())
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .where(Meeting.team_id == team_id, Meeting.starts_at >= bounds[0], Meeting.starts_at < bounds[-1])
        .group_by(Pairing.coachee_id, week, Meeting.status, Meeting.attendance)
    )
    return [MeetingCount(int(p), int(w), status, attendance, int(n)) for p, w, status, attendance, n in rows]
