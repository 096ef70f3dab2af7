"""Queries about workshops, their sessions, RSVPs and channel welcomes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from storage.models import Person
from storage.models.workshops import ChannelWelcome, Occurrence, Rsvp, RsvpAnswer, Workshop, WorkshopStatus

WORKSHOP_LOCK = 7274  # advisory lock namespace for workshop numbers (the migration lock is 727274)


def lock_team_workshops(session: Session, team_id: str) -> None:
    """Hold the team's workshop numbering until commit, so concurrent creations queue up.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: BEGIN IMMEDIATE already serializes writers.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(WORKSHOP_LOCK, func.hashtext(team_id))))


def next_workshop_number(session: Session, team_id: str) -> int:
    """The team's next workshop number (call lock_team_workshops first)."""
    highest = session.scalar(select(func.max(Workshop.number)).where(Workshop.team_id == team_id))
    return int(highest or 0) + 1


def workshop_by_number(session: Session, team_id: str, number: int) -> Workshop | None:
    """The team's workshop with this number, sessions loaded."""
    return session.scalars(
        select(Workshop)
        .where(Workshop.team_id == team_id, Workshop.number == number)
        .options(selectinload(Workshop.occurrences))
    ).one_or_none()


def workshop_by_id(session: Session, workshop_id: int) -> Workshop | None:
    """A workshop by primary key, sessions loaded."""
    return session.get(Workshop, workshop_id, options=[selectinload(Workshop.occurrences)])


def workshop_by_request_key(session: Session, request_key: str) -> Workshop | None:
    """The workshop a Slack request created, if any."""
    return session.scalars(select(Workshop).where(Workshop.request_key == request_key)).one_or_none()


def occurrence_for_update(session: Session, occurrence_id: int) -> Occurrence | None:
    """The session row, locked until commit (PostgreSQL), so RSVPs to it are taken one at a time.

    SQLite needs no lock: every write transaction starts with BEGIN IMMEDIATE.
    """
    query = select(Occurrence).where(Occurrence.id == occurrence_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def upcoming(
    session: Session, team_id: str, now: datetime, channel_id: str | None = None
) -> list[Occurrence]:
    """Sessions still to start, soonest first, of workshops that are not cancelled."""
    query = (
        select(Occurrence)
        .join(Occurrence.workshop)
        .where(
            Occurrence.team_id == team_id,
            Occurrence.status == WorkshopStatus.ACTIVE,
            Workshop.status == WorkshopStatus.ACTIVE,
            Occurrence.starts_at > now,
        )
        .order_by(Occurrence.starts_at, Occurrence.id)
        .options(selectinload(Occurrence.workshop))
    )
    if channel_id is not None:
        query = query.where(Workshop.channel_id == channel_id)
    return list(session.scalars(query))


def rsvp_of(session: Session, occurrence_id: int, person_id: int) -> Rsvp | None:
    """One person's RSVP to one session, if they answered."""
    return session.scalars(
        select(Rsvp).where(Rsvp.occurrence_id == occurrence_id, Rsvp.person_id == person_id)
    ).one_or_none()


def rsvp_counts(session: Session, occurrence_ids: list[int]) -> dict[int, dict[RsvpAnswer, int]]:
    """For each session, how many answered Going, Maybe and Can't make it."""
    counts: dict[int, dict[RsvpAnswer, int]] = {oid: dict.fromkeys(RsvpAnswer, 0) for oid in occurrence_ids}
    rows = session.execute(
        select(Rsvp.occurrence_id, Rsvp.answer, func.count())
        .where(Rsvp.occurrence_id.in_(occurrence_ids))
        .group_by(Rsvp.occurrence_id, Rsvp.answer)
    ).all()
    for occurrence_id, answer, count in rows:
        counts[occurrence_id][RsvpAnswer(answer)] = int(count)
    return counts


def attendees(
    session: Session, occurrence_ids: list[int], answers: set[RsvpAnswer]
) -> list[tuple[Person, Rsvp]]:
    """The people who gave one of `answers` to any of these sessions, with their RSVP, by name."""
    rows = session.execute(
        select(Person, Rsvp)
        .join(Rsvp, Rsvp.person_id == Person.id)
        .where(Rsvp.occurrence_id.in_(occurrence_ids), Rsvp.answer.in_(answers))
        .order_by(Person.display_name, Person.id)
    ).all()
    return [(person, rsvp) for person, rsvp in rows]


def record_welcome(
    session: Session, team_id: str, channel_id: str, user_id: str, event_id: str, now: datetime
) -> bool:
    """Note that this join event is being welcomed; False when a retry of it already was."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(ChannelWelcome)
        .values(
            team_id=team_id, channel_id=channel_id, slack_user_id=user_id, event_id=event_id, created_at=now
        )
        .on_conflict_do_nothing(index_elements=["team_id", "event_id"])
        .returning(ChannelWelcome.id)
    )
    return session.execute(stmt).first() is not None
