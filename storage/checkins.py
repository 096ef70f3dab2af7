"""Queries for check-ins and support text; a request key makes every answer record once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import Goal
from storage.models_nudges import CheckIn, SupportText

LOW_WELLBEING = 2


def coach_may_see() -> ColumnElement[bool]:
    """Check-ins a coach may see: a low well-being one, and the goal answers given with it, only
    after the coachee said yes (no, or no answer, is no)."""
    return and_(
        CheckIn.coach_consent.is_not(False),
        or_(CheckIn.wellbeing.is_(None), CheckIn.wellbeing > LOW_WELLBEING, CheckIn.coach_consent.is_(True)),
    )


def record(session: Session, **values: Any) -> int | None:
    """Insert a check-in unless its request key was seen; returns the new id, or None if seen."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(CheckIn).values(**values).on_conflict_do_nothing(index_elements=["request_key"])
    return session.execute(stmt.returning(CheckIn.id)).scalar_one_or_none()


def by_request_key(session: Session, request_key: str) -> CheckIn | None:
    return session.scalars(select(CheckIn).where(CheckIn.request_key == request_key)).one_or_none()


def owned_goal(session: Session, person_id: int, goal_id: int) -> Goal | None:
    """The goal with this id, only if it belongs to this person."""
    return session.scalars(select(Goal).where(Goal.id == goal_id, Goal.person_id == person_id)).one_or_none()


def for_message(session: Session, person_id: int, message_ts: str) -> list[CheckIn]:
    return list(
        session.scalars(
            select(CheckIn)
            .where(CheckIn.person_id == person_id, CheckIn.message_ts == message_ts)
            .order_by(CheckIn.id)
        )
    )


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


def shared_checkins(session: Session, person_id: int, since: datetime) -> list[SharedCheckIn]:
    """Check-ins since `since` for coach-facing views; private notes come back without their text."""
    rows = session.scalars(
        select(CheckIn)
        .where(CheckIn.person_id == person_id, CheckIn.created_at >= since, coach_may_see())
        .order_by(CheckIn.created_at)
    )
    return [
        SharedCheckIn(
            row.goal_id, row.answer.value, row.wellbeing, "" if row.private else row.note, row.created_at
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
