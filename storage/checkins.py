"""Queries for check-ins, nudges (settings rows, quiet periods, goal nudge state, the person's nudge row) and support text.
The nudge buttons' own path (recording a click, reading a message's answers) is storage/nudge_answers.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from storage.models import Cadence, Delivery, DeliveryStatus, Goal, GoalStatus, Person, ProgressNote
from storage.models.checkins import CheckIn, GoalNudgeState, NudgeAnswer, NudgePrefs, QuietPeriod, SupportText

LOW_WELLBEING = 2


def coach_may_see() -> ColumnElement[bool]:
    """Check-ins a coach may see: a low well-being one, and the goal answers given with it, only
    after the coachee said yes (no, or no answer, is no)."""
    return and_(
        CheckIn.coach_consent.is_not(False),
        or_(CheckIn.wellbeing.is_(None), CheckIn.wellbeing > LOW_WELLBEING, CheckIn.coach_consent.is_(True)),
    )


_CHECKINS = CheckIn.__table__
assert isinstance(_CHECKINS, Table)
# Built once per dialect (every check-in and goal answer records one): compiled once, executed in Core.
_RECORD = {
    name: insert(_CHECKINS).on_conflict_do_nothing(index_elements=["request_key"]).returning(_CHECKINS.c.id)
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def record(session: Session, **values: Any) -> int | None:
    """Insert a check-in unless its request key was seen; returns the new id, or None if seen."""
    stmt = _RECORD["postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"]
    return session.connection().execute(stmt, values).scalar_one_or_none()


def by_request_key(session: Session, request_key: str) -> CheckIn | None:
    return session.scalars(select(CheckIn).where(CheckIn.request_key == request_key)).one_or_none()


def owned_goal(session: Session, person_id: int, goal_id: int) -> Goal | None:
    """The goal with this id, only if it belongs to this person."""
    return session.scalars(select(Goal).where(Goal.id == goal_id, Goal.person_id == person_id)).one_or_none()


def give_consent(session: Session, person_id: int, checkin_id: int, consent: bool) -> bool:
    """Store the coachee's answer once; True only for the request that stored it.

    A yes also shares the goal answers given in the same /checkin (withheld until then)."""
    checkin = session.get(CheckIn, checkin_id)
    if consent and checkin is not None and checkin.person_id == person_id and checkin.coach_consent is None:
        session.execute(
            update(CheckIn)
            .where(
                CheckIn.person_id == person_id,
                CheckIn.request_key.startswith(f"{checkin.request_key}:goal:", autoescape=True),
            )
            .values(coach_consent=True)
        )
    result = session.execute(
        update(CheckIn)
        .where(CheckIn.id == checkin_id, CheckIn.person_id == person_id, CheckIn.coach_consent.is_(None))
        .values(coach_consent=consent)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


@dataclass(frozen=True)
class SharedCheckIn:
    """A check-in as anyone but its author may see it: a private note's text is never included."""

    goal_id: int | None
    answer: str
    wellbeing: int | None
    note: str
    created_at: datetime
    private: bool = False


def shared_checkins(session: Session, person_id: int, since: datetime) -> list[SharedCheckIn]:
    """Check-ins since `since` for coach-facing views; private notes come back without their text."""
    rows = session.scalars(
        select(CheckIn)
        .where(CheckIn.person_id == person_id, CheckIn.created_at >= since, coach_may_see())
        .order_by(CheckIn.created_at)
    )
    return [
        SharedCheckIn(
            row.goal_id,
            row.answer.value,
            row.wellbeing,
            "" if row.private else row.note,
            row.created_at,
            row.private,
        )
        for row in rows
    ]


def support_text(session: Session, team_id: str) -> str | None:
    return session.scalar(select(SupportText.text).where(SupportText.team_id == team_id))


def set_support_text(session: Session, team_id: str, text: str, by: str, now: datetime) -> None:
    row = session.scalars(select(SupportText).where(SupportText.team_id == team_id)).one_or_none()
    if row is None:
        session.add(SupportText(team_id=team_id, text=text, updated_by=by, updated_at=now))
    else:
        row.text, row.updated_by, row.updated_at = text, by, now


def find_prefs(session: Session, person_id: int) -> NudgePrefs | None:
    return session.scalars(select(NudgePrefs).where(NudgePrefs.person_id == person_id)).one_or_none()


# The nudge renderer's reads, built once: every nudge sent runs them, and building a statement
# costs more than running it.
_PERSON_AND_PREFS = (
    select(Person, NudgePrefs)
    .outerjoin(NudgePrefs, NudgePrefs.person_id == Person.id)
    .where(Person.id == bindparam("person_id"))
)
_NOTE = aliased(ProgressNote)
_LATEST_NOTE = select(func.max(_NOTE.id)).where(_NOTE.goal_id == Goal.id).correlate(Goal).scalar_subquery()
_NUDGED_GOALS = (
    select(Goal, ProgressNote)
    .outerjoin(ProgressNote, ProgressNote.id == _LATEST_NOTE)
    .where(Goal.id.in_(bindparam("goal_ids", expanding=True)), Goal.person_id == bindparam("person_id"))
    .order_by(Goal.number)
)
_ANSWERED_SINCE = (
    select(CheckIn.goal_id)
    .where(
        CheckIn.goal_id.in_(bindparam("goal_ids", expanding=True)),
        CheckIn.created_at >= bindparam("since"),
        CheckIn.answer.not_in([NudgeAnswer.SNOOZED, NudgeAnswer.CLOSED]),
    )
    .distinct()
)


def person_and_prefs(session: Session, person_id: int) -> tuple[Person | None, NudgePrefs | None]:
    """The person and their settings row (None until first saved), in one query."""
    row = session.execute(_PERSON_AND_PREFS, {"person_id": person_id}).first()
    return (row[0], row[1]) if row else (None, None)


def goals_to_nudge(
    session: Session, person_id: int, goal_ids: list[int]
) -> list[tuple[Goal, ProgressNote | None]]:
    """The person's goals among `goal_ids` by number (whatever their status), each with its latest
    progress note (only that one, however many there are)."""
    rows = session.execute(_NUDGED_GOALS, {"goal_ids": goal_ids, "person_id": person_id})
    return [(goal, note) for goal, note in rows]


def prefs_for(session: Session, team_id: str, person_id: int, now: datetime) -> NudgePrefs:
    """The person's settings row, created with the defaults on first use (safe when two race)."""
    found = find_prefs(session, person_id)
    if found is not None:
        return found
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(NudgePrefs)
        .values(team_id=team_id, person_id=person_id, updated_at=now, nudge_seq=0, weekends=False)
        .on_conflict_do_nothing(index_elements=["person_id"])
    )
    return session.scalars(select(NudgePrefs).where(NudgePrefs.person_id == person_id)).one()


_PREFS = NudgePrefs.__table__
assert isinstance(_PREFS, Table)
# Built once per dialect and run with many rows' values (executemany): the dispatcher ensures a
# batch of settings rows after every batch of nudges it sends.
_ENSURE_PREFS = {
    name: insert(_PREFS).on_conflict_do_nothing(index_elements=["person_id"])
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def ensure_prefs(session: Session, people: list[tuple[str, int]], now: datetime) -> None:
    """Settings rows with the defaults for (team id, person id) pairs that have none, in one go."""
    if not people:
        return
    values = [
        dict(team_id=team_id, person_id=person_id, updated_at=now, nudge_seq=0, weekends=False)
        for team_id, person_id in people
    ]
    session.flush()  # the rows are inserted below the ORM: what it holds goes first, as it would
    session.connection().execute(_ENSURE_PREFS[session.get_bind().dialect.name], values)


def lock_prefs(session: Session, person_ids: list[int]) -> dict[int, NudgePrefs]:
    """Settings rows, locked on PostgreSQL (in id order, so two workers never deadlock) so two
    replans of one person take turns."""
    query = select(NudgePrefs).where(NudgePrefs.person_id.in_(person_ids)).order_by(NudgePrefs.person_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return {prefs.person_id: prefs for prefs in session.scalars(query)}


def nudged_goals(session: Session, person_ids: list[int]) -> dict[int, list[Goal]]:
    """Each person's active goals with a cadence, by number."""
    found: dict[int, list[Goal]] = {person_id: [] for person_id in person_ids}
    for goal in session.scalars(
        select(Goal)
        .where(Goal.person_id.in_(person_ids), Goal.status == GoalStatus.ACTIVE, Goal.cadence != Cadence.OFF)
        .order_by(Goal.person_id, Goal.number)
    ):
        found[goal.person_id].append(goal)
    return found


def overdue_asked(session: Session, goal_ids: list[int]) -> dict[int, date]:
    """For goals whose overdue question was asked: the target date it was asked about."""
    if not goal_ids:
        return {}
    rows = session.execute(
        select(GoalNudgeState.goal_id, GoalNudgeState.overdue_asked_for).where(
            GoalNudgeState.goal_id.in_(goal_ids), GoalNudgeState.overdue_asked_for.is_not(None)
        )
    ).all()
    return {goal_id: asked for goal_id, asked in rows if asked is not None}


def remember_overdue_asked(session: Session, team_id: str, goal_id: int, target: date) -> None:
    state = session.get(GoalNudgeState, goal_id)
    if state is None:
        session.add(GoalNudgeState(goal_id=goal_id, team_id=team_id, overdue_asked_for=target))
    else:
        state.overdue_asked_for = target
    session.flush()


def quiet_periods(session: Session, team_id: str) -> list[QuietPeriod]:
    return list(
        session.scalars(
            select(QuietPeriod).where(QuietPeriod.team_id == team_id).order_by(QuietPeriod.starts_on)
        )
    )


def deliveries_by_key(session: Session, dedupe_keys: list[str]) -> dict[str, Delivery]:
    return {
        row.dedupe_key: row
        for row in session.scalars(select(Delivery).where(Delivery.dedupe_key.in_(dedupe_keys)))
    }


def people_with_pending_nudges(session: Session, team_id: str, nudge_kind: str) -> list[int]:
    return list(
        session.scalars(
            select(Delivery.person_id)
            .where(
                Delivery.team_id == team_id,
                Delivery.kind == nudge_kind,
                Delivery.status == DeliveryStatus.PENDING,
                Delivery.person_id.is_not(None),
            )
            .distinct()
        )
    )


def open_need_help(
    session: Session, person_ids: list[int], since: datetime
) -> dict[int, list[tuple[int, str, datetime]]]:
    """Per person, active goals whose latest answer since `since` is "need help": (number, title, when)."""
    rows = session.execute(
        select(CheckIn.person_id, Goal.number, Goal.title, CheckIn.answer, CheckIn.created_at)
        .join(Goal, Goal.id == CheckIn.goal_id)
        .where(
            CheckIn.person_id.in_(person_ids),
            CheckIn.created_at >= since,
            Goal.status == GoalStatus.ACTIVE,
            CheckIn.answer.in_([NudgeAnswer.NEED_HELP, NudgeAnswer.ON_TRACK]),
            coach_may_see(),  # a low well-being check-in's answers only after the coachee's yes
        )
        .order_by(CheckIn.created_at, CheckIn.id)
    )
    latest: dict[tuple[int, int], tuple[str, NudgeAnswer, datetime]] = {}
    for person_id, number, title, answer, at in rows:
        latest[(person_id, number)] = (title, answer, at)
    out: dict[int, list[tuple[int, str, datetime]]] = {}
    for (person_id, number), (title, answer, at) in sorted(latest.items()):
        if answer == NudgeAnswer.NEED_HELP:
            out.setdefault(person_id, []).append((number, title, at))
    return out


@cache
def _latest_answered(kind: str, count: int) -> Select[bool]:
    """Built once per kind and count (every nudge sent runs it): whether each of a person's latest
    `count` regular `kind` messages was answered, newest first."""
    person_id: BindParameter[int] = bindparam("person_id")
    answered = exists().where(CheckIn.person_id == person_id, CheckIn.message_ts == Delivery.message_ts)
    return (
        select(answered)
        .where(
            Delivery.person_id == person_id,
            Delivery.kind == kind,
            Delivery.status == DeliveryStatus.SENT,
            Delivery.message_ts.is_not(None),
            Delivery.dedupe_key.startswith(f"{kind}:", autoescape=True),
        )
        .order_by(Delivery.sent_at.desc(), Delivery.id.desc())
        .limit(count)
    )


def unanswered_in_a_row(session: Session, person_id: int, kind: str, count: int) -> int:
    """How many of the person's latest regular nudges (up to `count`) went unanswered, newest first."""
    rows = session.execute(_latest_answered(kind, count), {"person_id": person_id}).scalars()
    streak = 0
    for was_answered in rows:
        if was_answered:
            break
        streak += 1
    return streak


def answered_since(session: Session, goal_ids: list[int], since: datetime) -> set[int]:
    """Goals with a check-in answer about them since `since` (a snooze or "Close goal" is no answer)."""
    if not goal_ids:
        return set()
    return set(session.scalars(_ANSWERED_SINCE, {"goal_ids": goal_ids, "since": since}))


def backoff_answer(session: Session, person_id: int, message_ts: str) -> str | None:
    """The back-off choice already given on this nudge message, if any."""
    return session.scalar(
        select(CheckIn.note)
        .where(
            CheckIn.person_id == person_id,
            CheckIn.message_ts == message_ts,
            CheckIn.answer == NudgeAnswer.BACKOFF,
        )
        .limit(1)
    )
