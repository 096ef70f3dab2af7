"""Who gets a weekly summary or digest, and when: recipients, their chosen times and zones, what they
were already sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.orm import Session

from storage.models import Delivery, DeliveryStatus, Person
from storage.models.meetings import Pairing
from storage.models.summaries import SummaryPrefs


def coaches_with_coachees(session: Session) -> list[tuple[str, int, str]]:
    """(team, person id, Slack user) of every coach with an open pairing, in every workspace."""
    rows = session.execute(
        select(Person.team_id, Person.id, Person.slack_user_id)
        .where(
            Person.is_deleted.is_(False),
            exists().where(Pairing.coach_id == Person.id, Pairing.closed_at.is_(None)),
        )
        .order_by(Person.id)
    )
    return [(team, person_id, user) for team, person_id, user in rows]


def admins(session: Session, extra_admin_users: Sequence[str]) -> list[tuple[str, int, str]]:
    """(team, person id, Slack user) of workspace admins and the configured admin ids."""
    rows = session.execute(
        select(Person.team_id, Person.id, Person.slack_user_id)
        .where(
            Person.is_deleted.is_(False),
            or_(Person.is_workspace_admin.is_(True), Person.slack_user_id.in_(list(extra_admin_users))),
        )
        .order_by(Person.id)
    )
    return [(team, person_id, user) for team, person_id, user in rows]


def summary_times(session: Session, person_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """(weekday, minute) each person chose; absent means the default."""
    rows = session.execute(
        select(SummaryPrefs.person_id, SummaryPrefs.weekday, SummaryPrefs.minute).where(
            SummaryPrefs.person_id.in_(list(person_ids))
        )
    )
    return {person_id: (weekday, minute) for person_id, weekday, minute in rows}


def set_summary_time(
    session: Session, team_id: str, person_id: int, weekday: int, minute: int, now: datetime
) -> None:
    prefs = session.scalars(select(SummaryPrefs).where(SummaryPrefs.person_id == person_id)).one_or_none()
    if prefs is None:
        prefs = SummaryPrefs(team_id=team_id, person_id=person_id)
        session.add(prefs)
    prefs.weekday, prefs.minute, prefs.updated_at = weekday, minute, now


def drop_pending(session: Session, kinds: Sequence[str], person_id: int) -> None:
    """Forget a person's pending weekly rows (their time changed): the planner makes new ones."""
    session.execute(
        delete(Delivery).where(
            Delivery.kind.in_(list(kinds)),
            Delivery.person_id == person_id,
            Delivery.status == DeliveryStatus.PENDING,
        )
    )


def time_zones(session: Session, person_ids: Sequence[int]) -> dict[int, str]:
    rows = session.execute(select(Person.id, Person.tz).where(Person.id.in_(list(person_ids))))
    return {person_id: tz for person_id, tz in rows}


def has_received(session: Session, person_id: int, kind: str, other_than: int) -> bool:
    """Whether this person was already sent a delivery of this kind (other than row `other_than`)."""
    found = session.scalar(
        select(Delivery.id)
        .where(
            Delivery.person_id == person_id,
            Delivery.kind == kind,
            Delivery.sent_at.is_not(None),
            Delivery.id != other_than,
        )
        .limit(1)
    )
    return found is not None
