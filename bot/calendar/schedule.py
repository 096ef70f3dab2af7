"""Calendar files on the durable schedule: each change bumps the event's SEQUENCE and plans a file.

A newer file withdraws an older one still waiting to go out (it would be skipped anyway: the
renderer sends only the current SEQUENCE). Kind name and key formats are stored: never change them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.platform.delivery.planning import plan_one
from storage import calendar as queries
from storage import deliveries
from storage import meetings as meeting_queries
from storage.models import Delivery, Person
from storage.models.meetings import Meeting, Pairing
from storage.models.workshops import Workshop

CALENDAR_FILE = "calendar_file"


def meeting_prefix(meeting_id: int) -> str:
    return f"calendar:meeting:{meeting_id}:"


def workshop_prefix(workshop_id: int) -> str:
    return f"calendar:workshop:{workshop_id}:"


def plan_meeting_files(session: Session, meeting: Meeting, pairing: Pairing, now: datetime) -> int:
    """The session changed (booked, moved, its place, cancelled): both people get a fresh file."""
    sequence = queries.bump_sequence(session, meeting.team_id, now, meeting_id=meeting.id)
    deliveries.cancel_pending(
        session,
        Delivery.dedupe_key.startswith(meeting_prefix(meeting.id), autoescape=True),
        reason="a newer file",
    )
    for person_id in (pairing.coach_id, pairing.coachee_id):
        person = meeting_queries.person(session, person_id)
        key = f"{meeting_prefix(meeting.id)}s{sequence}:{person_id}"
        plan_one(
            session,
            person,
            kind=CALENDAR_FILE,
            key=key,
            now=now,
            payload={"meeting_id": meeting.id, "sequence": sequence},
        )
    return sequence


def plan_workshop_file(
    session: Session, workshop: Workshop, person: Person, now: datetime, *, reason: str
) -> bool:
    """Send the person the workshop's file as it stands; `reason` (a click's id, "going", an edit)
    makes one file per occasion, so a replayed request sends nothing twice. True if planned."""
    queries.note_copy(session, workshop.team_id, workshop.id, person.id, now)
    sequence = queries.sequence(session, workshop_id=workshop.id)
    key = f"{workshop_prefix(workshop.id)}s{sequence}:{person.id}:{reason}"
    return plan_one(
        session,
        person,
        kind=CALENDAR_FILE,
        key=key,
        now=now,
        payload={"workshop_id": workshop.id, "sequence": sequence},
    )


def plan_workshop_update(session: Session, workshop: Workshop, now: datetime) -> None:
    """The workshop was edited or cancelled: everyone holding its file gets the new one."""
    queries.bump_sequence(session, workshop.team_id, now, workshop_id=workshop.id)
    if queries.sequence(session, workshop_id=workshop.id) == 0:
        # A first row starts at 0, but a change must read higher than the file people hold.
        queries.bump_sequence(session, workshop.team_id, now, workshop_id=workshop.id)
    for person in queries.copy_holders(session, workshop.id):
        plan_workshop_file(session, workshop, person, now, reason="update")
