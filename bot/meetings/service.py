"""Meeting services: book, list, cancel and move coaching sessions, and each person's reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.calendar.schedule import plan_meeting_files
from bot.meetings.booking_text import read_place
from bot.meetings.schedule import (
    cancel_planned,
    plan_meeting,
    plan_notice,
    plan_reminders_for,
    reminder_offsets,
)
from bot.platform.dates import DateError, describe_minutes, local_timestamp, read_duration
from bot.platform.errors import UserError
from bot.platform.people import Actor, actor_from_person
from bot.platform.services import Services
from storage import meetings as queries
from storage.models.meetings import Attendance, Meeting, MeetingStatus, Pairing

MIN_MINUTES, MAX_MINUTES = 10, 240
NOTE_MAX = 2000
# The coachee's prep checklist: keys are stored, labels are shown.
CHECKLIST = {
    "deadlines": "Review your upcoming deadlines",
    "goals": "Review your goals",
    "portfolio": "Update your portfolio",
    "decisions": "Note decisions coming up that you want to talk through",
    "want": "Decide what you most want from this session",
}


@dataclass(frozen=True)
class MeetingInfo:
    """A session as views need it; `coach` and `coachee` carry their own time zones."""

    id: int
    pairing_id: int
    coach: Actor
    coachee: Actor
    starts_at: datetime
    minutes: int
    status: MeetingStatus
    version: int
    agenda_note: str
    location: str
    checklist: frozenset[str]
    agenda: tuple[str, ...]
    takeaways: str
    next_actions: str
    is_first: bool
    attendance: Attendance | None = None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    def other(self, actor: Actor) -> Actor:
        return self.coachee if actor.person_id == self.coach.person_id else self.coach


def meeting_info(session: Session, meeting: Meeting) -> MeetingInfo:
    pairing = session.get(Pairing, meeting.pairing_id)
    assert pairing is not None
    earlier = queries.previous_meeting(session, pairing.id, meeting.starts_at)
    return MeetingInfo(
        id=meeting.id,
        pairing_id=pairing.id,
        coach=actor_from_person(meeting.team_id, queries.person(session, pairing.coach_id)),
        coachee=actor_from_person(meeting.team_id, queries.person(session, pairing.coachee_id)),
        starts_at=meeting.starts_at,
        minutes=meeting.minutes,
        status=meeting.status,
        version=meeting.version,
        agenda_note=meeting.agenda_note,
        location=meeting.location,
        checklist=frozenset(key for key in meeting.checklist.split(",") if key),
        agenda=tuple(item.text for item in queries.agenda_items(session, meeting.id)),
        takeaways=meeting.takeaways,
        next_actions=meeting.next_actions,
        is_first=earlier is None,
        attendance=meeting.attendance,
    )


def _check_time(starts_at: datetime, minutes: int, now: datetime) -> None:
    if starts_at <= now:
        raise UserError("That time has already passed. Please choose a time in the future.")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise UserError(
            f"A session can last from {MIN_MINUTES} minutes to {describe_minutes(MAX_MINUTES)}; "
            f"you asked for {describe_minutes(minutes)}."
        )


def _refuse_overlap(
    session: Session,
    booker: Actor,
    people: list[int],
    starts_at: datetime,
    minutes: int,
    *,
    moving: int | None = None,
) -> None:
    """Neither person can be in two sessions at once: name the one already booked."""
    ends_at = starts_at + timedelta(minutes=minutes)
    longest = timedelta(minutes=MAX_MINUTES)
    clash = queries.overlapping(session, people, starts_at, ends_at, longest, excluding=moving)
    if clash is not None:
        meeting, coach, coachee = clash
        done = "nothing was moved" if moving else "nothing was booked"
        raise UserError(
            f"That overlaps the session of <@{coach.slack_user_id}> and <@{coachee.slack_user_id}> on "
            f"{local_timestamp(meeting.starts_at, booker.tz)} ({describe_minutes(meeting.minutes)}), "
            f"so {done}. Please choose another time."
        )


def book(
    services: Services,
    booker: Actor,
    other: Actor,
    starts_at: datetime,
    minutes: int,
    *,
    agenda_note: str = "",
    location: str = "",
    request_key: str | None = None,
    tell_booker: bool = False,
) -> MeetingInfo:
    """Book a session between a coach and their coachee (either may book); a replay books nothing new.

    One confirmation each: the other person's DM, and the booker's reply where they booked (a DM
    too only when `tell_booker`, for the form, which has no reply). The notice goes before the
    prep (planned first, so sent first): a first session's agreement follows its notice."""
    now = services.now()
    _check_time(starts_at, minutes, now)
    if len(agenda_note) > NOTE_MAX:
        raise UserError(f"Please keep the agenda note to {NOTE_MAX} characters.")
    with services.db.transaction() as session:
        if request_key and (seen := queries.meeting_by_request_key(session, request_key)):
            return meeting_info(session, seen)
        pairing = queries.open_pairing_between(session, booker.person_id, other.person_id)
        if pairing is None:
            raise UserError(
                f"You and <@{other.user_id}> are not a coaching pair, so I can't book a session. "
                "Sessions are booked between a coach and their coachee; a program admin sets up pairs."
            )
        _refuse_overlap(session, booker, [booker.person_id, other.person_id], starts_at, minutes)
        meeting = Meeting(
            team_id=booker.team_id,
            pairing_id=pairing.id,
            booked_by=booker.user_id,
            starts_at=starts_at,
            minutes=minutes,
            status=MeetingStatus.SCHEDULED,
            version=1,
            agenda_note=agenda_note.strip(),
            location=read_place(location),
            created_at=now,
            updated_at=now,
            request_key=request_key,
        )
        session.add(meeting)
        session.flush()
        for person in (other, booker) if tell_booker else (other,):
            plan_notice(session, meeting, (person.user_id, person.person_id), "booked", booker.user_id, now)
        plan_meeting(session, meeting, pairing, now)
        plan_meeting_files(session, meeting, pairing, now)
        return meeting_info(session, meeting)


def _own_meeting(session: Session, actor: Actor, number: int) -> Meeting:
    meeting = session.get(Meeting, number)
    pairing = session.get(Pairing, meeting.pairing_id) if meeting else None
    if (
        meeting is None
        or pairing is None
        or meeting.team_id != actor.team_id
        or actor.person_id not in {pairing.coach_id, pairing.coachee_id}
        or meeting.status != MeetingStatus.SCHEDULED
    ):
        raise UserError(
            f"You have no upcoming session #{number}. `/meeting list` shows your sessions and their numbers."
        )
    return meeting


def cancel(services: Services, actor: Actor, number: int) -> tuple[MeetingInfo, bool]:
    """Cancel a session and everything planned for it; the other person is told."""
    now = services.now()
    with services.db.transaction() as session:
        meeting = session.get(Meeting, number)
        if meeting is not None and meeting.status == MeetingStatus.CANCELLED:
            info = meeting_info(session, meeting)
            if actor.person_id in {info.coach.person_id, info.coachee.person_id}:
                return info, False  # a repeated cancel changes nothing
        meeting = _own_meeting(session, actor, number)
        meeting.status, meeting.updated_at = MeetingStatus.CANCELLED, now
        cancel_planned(session, meeting.id, f"cancelled by {actor.user_id}")
        info = meeting_info(session, meeting)
        other = info.other(actor)
        plan_notice(session, meeting, (other.user_id, other.person_id), "cancelled", actor.user_id, now)
        pairing = session.get(Pairing, meeting.pairing_id)
        assert pairing is not None
        plan_meeting_files(session, meeting, pairing, now)
        return info, True


def move(
    services: Services,
    actor: Actor,
    number: int,
    starts_at: datetime,
    minutes: int,
    location: str | None = None,
) -> MeetingInfo:
    """Move a session (and perhaps its place): a new version, fresh reminders and prep; the old ones never go out."""
    now = services.now()
    _check_time(starts_at, minutes, now)
    with services.db.transaction() as session:
        meeting = _own_meeting(session, actor, number)
        place = meeting.location if location is None else read_place(location)
        if (meeting.starts_at, meeting.minutes, meeting.location) == (starts_at, minutes, place):
            return meeting_info(session, meeting)
        if (meeting.starts_at, meeting.minutes) == (starts_at, minutes):
            return _new_place(session, meeting, actor, place, now)
        pairing = session.get(Pairing, meeting.pairing_id)
        assert pairing is not None
        people = [pairing.coach_id, pairing.coachee_id]
        _refuse_overlap(session, actor, people, starts_at, minutes, moving=meeting.id)
        cancel_planned(session, meeting.id, f"moved by {actor.user_id}")
        meeting.starts_at, meeting.minutes, meeting.location, meeting.updated_at = (
            starts_at,
            minutes,
            place,
            now,
        )
        meeting.version += 1
        session.flush()
        plan_meeting(session, meeting, pairing, now)
        info = meeting_info(session, meeting)
        other = info.other(actor)
        plan_notice(session, meeting, (other.user_id, other.person_id), "moved", actor.user_id, now)
        plan_meeting_files(session, meeting, pairing, now)
        return info


def _new_place(session: Session, meeting: Meeting, actor: Actor, place: str, now: datetime) -> MeetingInfo:
    """Only the place changed: reminders stand; the other person is told and both calendars updated."""
    meeting.location, meeting.updated_at = place, now
    session.flush()
    pairing = session.get(Pairing, meeting.pairing_id)
    assert pairing is not None
    info = meeting_info(session, meeting)
    other = info.other(actor)
    plan_notice(
        session,
        meeting,
        (other.user_id, other.person_id),
        "placed",
        actor.user_id,
        now,
        occasion=now.isoformat(),
    )
    plan_meeting_files(session, meeting, pairing, now)
    return info


def set_place(services: Services, actor: Actor, number: int, place: str) -> MeetingInfo:
    """`/meeting where N <place>`: the session's room or link ("" clears it)."""
    now = services.now()
    with services.db.transaction() as session:
        meeting = _own_meeting(session, actor, number)
        place = read_place(place)
        if place == meeting.location:
            return meeting_info(session, meeting)
        return _new_place(session, meeting, actor, place, now)


def upcoming(services: Services, actor: Actor) -> list[MeetingInfo]:
    with services.db.transaction() as session:
        return [
            meeting_info(session, m) for m in queries.meetings_of(session, actor.person_id, services.now())
        ]


RECENT = timedelta(days=30)


def recent(services: Services, actor: Actor) -> list[MeetingInfo]:
    """The person's sessions that ended in the last 30 days, newest first, with their attendance."""
    now = services.now()
    with services.db.read() as session:
        return [
            meeting_info(session, m)
            for m in queries.ended_meetings_of(session, actor.person_id, now - RECENT, now)
        ]


def get_meeting(services: Services, meeting_id: int) -> MeetingInfo | None:
    with services.db.read() as session:
        meeting = session.get(Meeting, meeting_id)
        return None if meeting is None else meeting_info(session, meeting)


def parse_offsets(words: str) -> list[int]:
    """`24h 1h` → [1440, 60]; `off` → []."""
    if words.strip().lower() in {"off", "none"}:
        return []
    try:
        offsets = sorted({read_duration(word) for word in words.split()}, reverse=True)
    except DateError:
        raise UserError(
            "Write how long before a session you'd like reminding, e.g. `/meeting reminders 24h 1h`, "
            "or `/meeting reminders off`."
        ) from None
    if not offsets or len(offsets) > 4 or offsets[0] > 7 * 24 * 60:
        raise UserError(
            "Choose up to four reminders, each at most a week ahead, e.g. `/meeting reminders 24h 1h`."
        )
    return offsets


def reminders(services: Services, actor: Actor) -> list[int]:
    with services.db.transaction() as session:
        return reminder_offsets(session, actor.person_id)


def set_reminders(services: Services, actor: Actor, offsets: list[int]) -> list[int]:
    """Store the person's offsets and plan them for their upcoming sessions (old ones are skipped)."""
    now = services.now()
    with services.db.transaction() as session:
        queries.set_reminder_offsets(session, actor.team_id, actor.person_id, offsets, now)
        session.flush()
        for meeting in queries.meetings_of(session, actor.person_id, now):
            plan_reminders_for(session, meeting, actor.person_id, now)
    return offsets
