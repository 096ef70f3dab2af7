"""Queries about calendar feeds, event sequences and who holds a workshop's calendar file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from storage.models import Person
from storage.models.calendar import CalendarFeed, CalendarSequence, WorkshopCalendarCopy
from storage.models.meetings import Meeting, MeetingStatus, Pairing
from storage.models.workshops import Occurrence, Rsvp, RsvpAnswer, Workshop, WorkshopStatus


def feed_of(session: Session, person_id: int) -> CalendarFeed | None:
    return session.scalars(select(CalendarFeed).where(CalendarFeed.person_id == person_id)).one_or_none()


def feed_by_hash(session: Session, secret_hash: str) -> CalendarFeed | None:
    return session.scalars(select(CalendarFeed).where(CalendarFeed.secret_hash == secret_hash)).one_or_none()


def set_feed(session: Session, team_id: str, person_id: int, secret_hash: str, now: datetime) -> None:
    """The person's one feed now answers to this secret only (a reset replaces the old one)."""
    row = feed_of(session, person_id)
    if row is None:
        session.add(
            CalendarFeed(team_id=team_id, person_id=person_id, secret_hash=secret_hash, created_at=now)
        )
    else:
        row.secret_hash, row.created_at = secret_hash, now


def _sequence_row(
    session: Session, *, meeting_id: int | None, workshop_id: int | None
) -> CalendarSequence | None:
    column = CalendarSequence.meeting_id if meeting_id is not None else CalendarSequence.workshop_id
    return session.scalars(
        select(CalendarSequence).where(column == (meeting_id if meeting_id is not None else workshop_id))
    ).one_or_none()


def sequence(session: Session, *, meeting_id: int | None = None, workshop_id: int | None = None) -> int:
    row = _sequence_row(session, meeting_id=meeting_id, workshop_id=workshop_id)
    return 0 if row is None else row.sequence


def bump_sequence(
    session: Session,
    team_id: str,
    now: datetime,
    *,
    meeting_id: int | None = None,
    workshop_id: int | None = None,
) -> int:
    """The event changed in a way calendars must see: its SEQUENCE grows by one (it starts at 0)."""
    row = _sequence_row(session, meeting_id=meeting_id, workshop_id=workshop_id)
    if row is None:
        session.add(
            CalendarSequence(
                team_id=team_id, meeting_id=meeting_id, workshop_id=workshop_id, sequence=0, updated_at=now
            )
        )
        return 0
    row.sequence, row.updated_at = row.sequence + 1, now
    return row.sequence


def sequences(session: Session, meeting_ids: list[int]) -> dict[int, int]:
    """Each meeting's SEQUENCE in one query (a meeting without a row is at 0)."""
    rows = session.execute(
        select(CalendarSequence.meeting_id, CalendarSequence.sequence).where(
            CalendarSequence.meeting_id.in_(meeting_ids)
        )
    ).all()
    return {int(meeting_id): int(sequence) for meeting_id, sequence in rows if meeting_id is not None}


def pair_names(session: Session, pairing_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(coach's, coachee's) display names of each pairing, in one query."""
    coach, coachee = aliased(Person), aliased(Person)
    rows = session.execute(
        select(Pairing.id, coach.display_name, coachee.display_name)
        .join(coach, coach.id == Pairing.coach_id)
        .join(coachee, coachee.id == Pairing.coachee_id)
        .where(Pairing.id.in_(pairing_ids))
    ).all()
    return {int(pairing_id): (str(a), str(b)) for pairing_id, a, b in rows}


def meetings_for_feed(session: Session, person_id: int, since: datetime) -> list[Meeting]:
    """Scheduled sessions of the person, in any of their pairings, starting after `since`."""
    pairing_ids = select(Pairing.id).where(
        or_(Pairing.coach_id == person_id, Pairing.coachee_id == person_id)
    )
    return list(
        session.scalars(
            select(Meeting)
            .where(
                Meeting.pairing_id.in_(pairing_ids),
                Meeting.status == MeetingStatus.SCHEDULED,
                Meeting.starts_at >= since,
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def answered_occurrences(session: Session, person_id: int, since: datetime) -> list[Occurrence]:
    """Active workshop sessions from `since` on that the person answered Going or Maybe."""
    return list(
        session.scalars(
            select(Occurrence)
            .join(Rsvp, Rsvp.occurrence_id == Occurrence.id)
            .join(Workshop, Workshop.id == Occurrence.workshop_id)
            .where(
                Rsvp.person_id == person_id,
                Rsvp.answer.in_([RsvpAnswer.GOING, RsvpAnswer.MAYBE]),
                Occurrence.status == WorkshopStatus.ACTIVE,
                Workshop.status == WorkshopStatus.ACTIVE,
                Occurrence.starts_at >= since,
            )
            .order_by(Occurrence.starts_at, Occurrence.id)
        )
    )


def note_copy(session: Session, team_id: str, workshop_id: int, person_id: int, now: datetime) -> None:
    """Remember that the person holds the workshop's file (two clicks at once still make one row)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(WorkshopCalendarCopy)
        .values(team_id=team_id, workshop_id=workshop_id, person_id=person_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["workshop_id", "person_id"])
    )


def copy_holders(session: Session, workshop_id: int) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .join(WorkshopCalendarCopy, WorkshopCalendarCopy.person_id == Person.id)
            .where(WorkshopCalendarCopy.workshop_id == workshop_id)
            .order_by(Person.id)
        )
    )
