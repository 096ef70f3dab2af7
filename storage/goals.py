"""Queries about goals and progress notes, always through the owner's person id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from storage.models import Goal, GoalStatus, ProgressNote


def goal_by_number(session: Session, person_id: int, number: int) -> Goal | None:
    """The goal with this number, only if it belongs to this person."""
    return session.scalars(
        select(Goal).where(Goal.person_id == person_id, Goal.number == number)
    ).one_or_none()


def goal_by_request_key(session: Session, request_key: str) -> Goal | None:
    return session.scalars(select(Goal).where(Goal.request_key == request_key)).one_or_none()


def note_by_request_key(session: Session, request_key: str) -> ProgressNote | None:
    return session.scalars(select(ProgressNote).where(ProgressNote.request_key == request_key)).one_or_none()


def active_goals(session: Session, person_id: int) -> list[Goal]:
    """Active goals by number, with their notes loaded in one extra query."""
    return list(
        session.scalars(
            select(Goal)
            .where(Goal.person_id == person_id, Goal.status == GoalStatus.ACTIVE)
            .order_by(Goal.number)
            .options(selectinload(Goal.notes))
        )
    )


def closed_goal_counts(session: Session, person_id: int) -> dict[GoalStatus, int]:
    rows = session.execute(
        select(Goal.status, func.count())
        .where(Goal.person_id == person_id, Goal.status != GoalStatus.ACTIVE)
        .group_by(Goal.status)
    ).all()
    return {GoalStatus(status): int(count) for status, count in rows}


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
