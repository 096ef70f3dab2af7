"""Queries about pairings, meetings, agenda items, reminder offsets and program texts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Delivery, DeliveryStatus, Person
from storage.models.meetings import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingStatus,
    Pairing,
    ProgramText,
    ReminderPreference,
)

_PAIRINGS, _MEETINGS, _PEOPLE = Pairing.__table__, Meeting.__table__, Person.__table__
assert isinstance(_PAIRINGS, Table) and isinstance(_MEETINGS, Table) and isinstance(_PEOPLE, Table)
_MY_PAIRING = (
    select(_PAIRINGS.c.id, _PEOPLE.c.slack_user_id)
    .join(_PEOPLE, _PEOPLE.c.id == _PAIRINGS.c.coach_id)
    .where(_PAIRINGS.c.coachee_id == bindparam("person_id"), _PAIRINGS.c.closed_at.is_(None))
    .subquery()
)
# A person's Home, every time it is published: their coach, their next session, whether they
# coach anyone. One statement of Core rows, built once.
_HOME_PAIRINGS = select(
    select(_MY_PAIRING.c.slack_user_id).limit(1).scalar_subquery(),
    select(_MEETINGS.c.starts_at)
    .where(
        _MEETINGS.c.pairing_id == select(_MY_PAIRING.c.id).limit(1).scalar_subquery(),
        _MEETINGS.c.status == MeetingStatus.SCHEDULED,
        _MEETINGS.c.starts_at > bindparam("now"),
    )
    .order_by(_MEETINGS.c.starts_at)
    .limit(1)
    .scalar_subquery(),
    select(func.count())
    .select_from(_PAIRINGS)
    .where(_PAIRINGS.c.coach_id == bindparam("person_id"), _PAIRINGS.c.closed_at.is_(None))
    .scalar_subquery(),
)


def home_pairings(
    session: Session, person_id: int, now: datetime
) -> tuple[str | None, datetime | None, bool]:
    """(their coach's Slack user id, when their next session with them starts, whether they coach anyone)."""
    coach, next_session, coaching = session.execute(
        _HOME_PAIRINGS, {"person_id": person_id, "now": now}
    ).one()
    return coach, next_session, bool(coaching)


def open_pairing_of_coachee(session: Session, coachee_id: int) -> Pairing | None:
    return session.scalars(
        select(Pairing).where(Pairing.coachee_id == coachee_id, Pairing.closed_at.is_(None))
    ).one_or_none()


def open_pairing_between(session: Session, person_a: int, person_b: int) -> Pairing | None:
    """The open pairing of these two people, whichever of them is the coach."""
    return session.scalars(
        select(Pairing).where(
            Pairing.closed_at.is_(None),
            or_(
                (Pairing.coach_id == person_a) & (Pairing.coachee_id == person_b),
                (Pairing.coach_id == person_b) & (Pairing.coachee_id == person_a),
            ),
        )
    ).one_or_none()


def open_pairings(session: Session, team_id: str, coach_id: int | None = None) -> list[Pairing]:
    query = select(Pairing).where(Pairing.team_id == team_id, Pairing.closed_at.is_(None))
    if coach_id is not None:
        query = query.where(Pairing.coach_id == coach_id)
    return list(session.scalars(query.order_by(Pairing.created_at, Pairing.id)))


def person(session: Session, person_id: int) -> Person:
    found = session.get(Person, person_id)
    assert found is not None
    return found


def meeting_by_request_key(session: Session, request_key: str) -> Meeting | None:
    return session.scalars(select(Meeting).where(Meeting.request_key == request_key)).one_or_none()


def meetings_of(session: Session, person_id: int, since: datetime) -> list[Meeting]:
    """Scheduled meetings of the person's open pairings that end after `since`, soonest first."""
    pairing_ids = select(Pairing.id).where(
        Pairing.closed_at.is_(None), or_(Pairing.coach_id == person_id, Pairing.coachee_id == person_id)
    )
    candidates = session.scalars(
        select(Meeting)
        .where(Meeting.pairing_id.in_(pairing_ids), Meeting.status == MeetingStatus.SCHEDULED)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [m for m in candidates if m.starts_at.timestamp() + m.minutes * 60 > since.timestamp()]


def ended_meetings_of(session: Session, person_id: int, since: datetime, now: datetime) -> list[Meeting]:
    """Scheduled meetings of the person's open pairings that started after `since` and have ended by
    `now`, newest first."""
    pairing_ids = select(Pairing.id).where(
        Pairing.closed_at.is_(None), or_(Pairing.coach_id == person_id, Pairing.coachee_id == person_id)
    )
    candidates = session.scalars(
        select(Meeting)
        .where(
            Meeting.pairing_id.in_(pairing_ids),
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at >= since,
            Meeting.starts_at < now,
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id)
    )
    return [m for m in candidates if m.starts_at + timedelta(minutes=m.minutes) <= now]


def next_meeting(session: Session, pairing_id: int, now: datetime) -> Meeting | None:
    return session.scalars(
        select(Meeting)
        .where(
            Meeting.pairing_id == pairing_id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > now,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    ).first()


def previous_meeting(session: Session, pairing_id: int, before: datetime) -> Meeting | None:
    """The last scheduled session of the pairing that started before `before`."""
    return session.scalars(
        select(Meeting)
        .where(
            Meeting.pairing_id == pairing_id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at < before,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    ).first()


def agenda_items(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.created_at)
        )
    )


def has_agenda_request(session: Session, request_key: str) -> bool:
    return session.scalar(select(AgendaItem.id).where(AgendaItem.request_key == request_key)) is not None


def reminder_offsets(session: Session, person_id: int) -> list[int] | None:
    """The person's reminder offsets in minutes, or None when they never chose any."""
    raw = session.scalar(select(ReminderPreference.offsets).where(ReminderPreference.person_id == person_id))
    if raw is None:
        return None
    return [int(part) for part in raw.split(",") if part]


def set_reminder_offsets(
    session: Session, team_id: str, person_id: int, offsets: list[int], now: datetime
) -> None:
    row = session.scalars(
        select(ReminderPreference).where(ReminderPreference.person_id == person_id)
    ).one_or_none()
    joined = ",".join(str(minutes) for minutes in offsets)
    if row is None:
        session.add(ReminderPreference(team_id=team_id, person_id=person_id, offsets=joined, updated_at=now))
    else:
        row.offsets, row.updated_at = joined, now


def program_text(session: Session, team_id: str, name: str) -> str | None:
    return session.scalar(
        select(ProgramText.body).where(ProgramText.team_id == team_id, ProgramText.name == name)
    )


def set_program_text(session: Session, team_id: str, name: str, body: str, now: datetime) -> None:
    row = session.scalars(
        select(ProgramText).where(ProgramText.team_id == team_id, ProgramText.name == name)
    ).one_or_none()
    if row is None:
        session.add(ProgramText(team_id=team_id, name=name, body=body, updated_at=now))
    else:
        row.body, row.updated_at = body, now


def sent_message(session: Session, dedupe_key: str) -> tuple[str, str] | None:
    """Where a sent delivery landed (channel, ts), so it can be updated in place."""
    row = session.execute(
        select(Delivery.message_channel, Delivery.message_ts).where(
            Delivery.dedupe_key == dedupe_key, Delivery.status == DeliveryStatus.SENT
        )
    ).first()
    return (row[0], row[1]) if row and row[0] and row[1] else None


def set_attendance_once(session: Session, meeting_id: int, answer: Attendance, now: datetime) -> None:
    """Store the coach's answer unless one is stored: one conditional UPDATE, so of two clicks at the
    same moment the first to commit stands."""
    session.execute(
        update(Meeting)
        .where(Meeting.id == meeting_id, Meeting.attendance.is_(None))
        .values(attendance=answer, attendance_at=now)
        .execution_options(synchronize_session=False)
    )


def overlapping(
    session: Session,
    person_ids: list[int],
    starts_at: datetime,
    ends_at: datetime,
    longest: timedelta,
    excluding: int | None = None,
) -> tuple[Meeting, Person, Person] | None:
    """A scheduled session of any of these people (as coach or coachee) overlapping the time, with
    its coach and coachee; `longest` bounds how long a session can be; `excluding`: a session being moved."""
    rows = session.execute(
        select(Meeting, Pairing)
        .join(Pairing, Pairing.id == Meeting.pairing_id)
        .where(
            or_(Pairing.coach_id.in_(person_ids), Pairing.coachee_id.in_(person_ids)),
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at < ends_at,
            Meeting.starts_at > starts_at - longest,
            Meeting.id != (excluding or 0),
        )
        .order_by(Meeting.starts_at)
    ).all()
    for meeting, pairing in rows:
        if meeting.starts_at + timedelta(minutes=meeting.minutes) > starts_at:
            return meeting, person(session, pairing.coach_id), person(session, pairing.coachee_id)
    return None
