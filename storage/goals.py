"""Queries about goals and progress notes, always through the owner's person id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Row, String, Table, bindparam, cast, func, insert, literal, select
from sqlalchemy.orm import Session

from storage.models import Delivery, DeliveryStatus, Goal, GoalStatus, Person, ProgressNote
from storage.models.checkins import NudgePrefs, QuietPeriod
from storage.people import next_goal_number
from storage.prepared import Prepared

_GOALS = Goal.__table__
assert isinstance(_GOALS, Table)
# The `/goal add` path, built once: SQLAlchemy caches their compiled form, and Core skips the ORM.
_PEOPLE, _PREFS, _ROWS, _QUIET = (
    Person.__table__,
    NudgePrefs.__table__,
    Delivery.__table__,
    QuietPeriod.__table__,
)
_ROW_KEY = literal("nudge:") + cast(_PEOPLE.c.id, String) + literal(":") + cast(_PREFS.c.nudge_seq, String)
_ADD_CONTEXT_SELECT = (
    select(
        select(_GOALS.c.id).where(_GOALS.c.request_key == bindparam("key")).scalar_subquery(),
        _PEOPLE.c.tz,
        _PEOPLE.c.is_deleted,
        _PREFS.c.id,
        _PREFS.c.nudge_minute,
        _PREFS.c.quiet_start_minute,
        _PREFS.c.quiet_end_minute,
        _PREFS.c.weekends,
        _PREFS.c.paused_until,
        _PREFS.c.stopped_reason,
        _PREFS.c.nudge_seq,
        _ROWS.c.id,
        _ROWS.c.status,
        _ROWS.c.due_at,
        _ROWS.c.payload,
        _QUIET.c.starts_on,
        _QUIET.c.ends_on,
    )
    .select_from(
        _PEOPLE.outerjoin(_PREFS, _PREFS.c.person_id == _PEOPLE.c.id)
        .outerjoin(_ROWS, _ROWS.c.dedupe_key == _ROW_KEY)
        .outerjoin(_QUIET, (_QUIET.c.team_id == _PEOPLE.c.team_id) & (_QUIET.c.ends_on >= bindparam("today")))
    )
    .where(_PEOPLE.c.id == bindparam("person_id"))
)
_ADD_CONTEXT = Prepared(_ADD_CONTEXT_SELECT)
_ADD_CONTEXT_PG = Prepared(_ADD_CONTEXT_SELECT.with_for_update(of=_PEOPLE))
_GOAL_COLUMNS = ("team_id", "person_id", "number", "title", "why", "measure", "target_date", "area", "cadence",
                 "status", "created_at", "updated_at", "request_key")  # fmt: skip
_INSERT_GOAL = Prepared(insert(_GOALS).returning(_GOALS.c.id), column_keys=_GOAL_COLUMNS)
# Home and `/goal list` after every change: Core rows, one statement, no ORM object graph.
_NOTES = ProgressNote.__table__
assert isinstance(_NOTES, Table)
_LATER = _NOTES.alias("later")
_LAST_NOTE_ID = (
    select(_LATER.c.id)
    .where(_LATER.c.goal_id == _GOALS.c.id)
    .order_by(_LATER.c.created_at.desc(), _LATER.c.id.desc())
    .limit(1)
    .correlate(_GOALS)
    .scalar_subquery()
)
_ACTIVE_WITH_LAST_NOTE = (
    select(
        _GOALS.c.number,
        _GOALS.c.title,
        _GOALS.c.why,
        _GOALS.c.measure,
        _GOALS.c.target_date,
        _GOALS.c.area,
        _GOALS.c.cadence,
        _GOALS.c.status,
        _NOTES.c.text.label("note_text"),
        _NOTES.c.created_at.label("note_at"),
    )
    .select_from(_GOALS.outerjoin(_NOTES, _NOTES.c.id == _LAST_NOTE_ID))
    .where(_GOALS.c.person_id == bindparam("person_id"), _GOALS.c.status == GoalStatus.ACTIVE)
    .order_by(_GOALS.c.number)
)


def goal_by_number(session: Session, person_id: int, number: int) -> Goal | None:
    """The goal with this number, only if it belongs to this person."""
    return session.scalars(
        select(Goal).where(Goal.person_id == person_id, Goal.number == number)
    ).one_or_none()


def goal_by_request_key(session: Session, request_key: str) -> Goal | None:
    return session.scalars(select(Goal).where(Goal.request_key == request_key)).one_or_none()


def note_by_request_key(session: Session, request_key: str) -> ProgressNote | None:
    return session.scalars(select(ProgressNote).where(ProgressNote.request_key == request_key)).one_or_none()


def active_goals_with_last_note(session: Session, person_id: int) -> list[Row[Any]]:
    """Active goals by number, each with its latest note's text and time (None, None without one)."""
    return list(session.execute(_ACTIVE_WITH_LAST_NOTE, {"person_id": person_id}))


_CLOSED_COUNTS = (
    select(_GOALS.c.status, func.count())
    .where(_GOALS.c.person_id == bindparam("person_id"), _GOALS.c.status != GoalStatus.ACTIVE)
    .group_by(_GOALS.c.status)
)


def closed_goal_counts(session: Session, person_id: int) -> dict[GoalStatus, int]:
    rows = session.execute(_CLOSED_COUNTS, {"person_id": person_id}).all()
    return {GoalStatus(status): int(count) for status, count in rows}


@dataclass(frozen=True)
class AddContext:
    """What adding a goal needs to know, read in one statement."""

    seen_goal_id: int | None  # the goal this request already made (Slack retried it)
    tz: str
    is_deleted: bool
    prefs: NudgePrefsRow | None  # None until the person's settings row exists
    nudge_row: NudgeRow | None  # the person's current regular nudge row (by its sequence number)
    quiet_periods: list[tuple[date, date]]  # the program's, ending today or later


@dataclass(frozen=True)
class NudgePrefsRow:
    nudge_minute: int
    quiet_start_minute: int
    quiet_end_minute: int
    weekends: bool
    paused_until: date | None
    stopped_reason: str | None
    nudge_seq: int


@dataclass(frozen=True)
class NudgeRow:
    id: int
    status: DeliveryStatus
    due_at: datetime
    goal_ids: list[int]


def add_context(connection: Connection, request_key: str | None, person_id: int, today: date) -> AddContext:
    """The request's earlier goal, the person's zone, nudge settings, nudge row and program quiet
    periods: one statement (a row per quiet period). Locks the person on PostgreSQL, so two adds
    for one person take turns at their nudge row."""
    stmt = _ADD_CONTEXT_PG if connection.dialect.name == "postgresql" else _ADD_CONTEXT
    params = {"key": request_key, "person_id": person_id, "today": today}
    rows = stmt.rows(connection, params)
    first = rows[0]
    prefs = None if first[3] is None else NudgePrefsRow(*first[4:11])
    nudge_row = None
    if first[11] is not None:
        ids = json.loads(first[14] or "{}").get("goal_ids", [])
        nudge_row = NudgeRow(first[11], DeliveryStatus(first[12]), _utc(first[13]), [int(i) for i in ids])
    periods = [(r[15], r[16]) for r in rows if r[15] is not None]
    return AddContext(first[0], first[1], bool(first[2]), prefs, nudge_row, periods)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def insert_goal(connection: Connection, person_id: int, **values: Any) -> tuple[int, int]:
    """Take the person's next goal number and insert the goal; returns (id, number). Two statements."""
    number = next_goal_number(connection, person_id)
    params = {**values, "person_id": person_id, "number": number}
    goal_id = _INSERT_GOAL.scalar(connection, params)
    return int(goal_id), number


def goal_titles(session: Session, person_id: int) -> dict[int, tuple[int, str]]:
    """Each of the person's goals by row id: (number, title)."""
    rows = session.execute(select(Goal.id, Goal.number, Goal.title).where(Goal.person_id == person_id))
    return {goal_id: (number, title) for goal_id, number, title in rows}


def progress_notes_since(
    session: Session, person_id: int, since: datetime
) -> list[tuple[datetime, int, str, str]]:
    """(when, goal number, goal title, note) of the person's progress notes since `since`, oldest first."""
    rows = session.execute(
        select(ProgressNote.created_at, Goal.number, Goal.title, ProgressNote.text)
        .join(Goal, Goal.id == ProgressNote.goal_id)
        .where(Goal.person_id == person_id, ProgressNote.created_at >= since)
        .order_by(ProgressNote.created_at, ProgressNote.id)
    )
    return [(at, number, title, text) for at, number, title, text in rows]
