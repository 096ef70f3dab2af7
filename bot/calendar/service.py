"""Calendar services: a session's or workshop's file, a person's private feed, and its URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.calendar import feed as secrets
from bot.calendar.ics import (
    EventSpec,
    event_file,
    feed,
    meeting_uid,
    occurrence_uid,
    series_of,
    workshop_uid,
)
from bot.calendar.schedule import plan_workshop_file
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.when import Repeat
from storage import calendar as queries
from storage.models import Person
from storage.models.meetings import Meeting, MeetingStatus
from storage.models.workshops import Occurrence, Workshop, WorkshopStatus
from storage.people import find_person

# The feed shows the last month too, so a session that just happened is still there to look back on.
FEED_PAST = timedelta(days=30)
MEETING_DESCRIPTION = (
    "A coaching session booked in coachbot. Your prep checklist (coachee) or brief (coach) "
    "arrives in your Slack DM with coachbot before the session."
)


@dataclass(frozen=True)
class CalendarFile:
    """A file to send: its name, a title, the bytes and a line to read in Slack."""

    filename: str
    title: str
    content: str
    cancelled: bool


def meeting_title(coach: str, coachee: str) -> str:
    return f"Coaching session: {coach} & {coachee}"


def meeting_spec(meeting: Meeting, names: tuple[str, str], sequence: int) -> EventSpec:
    """The session as calendars see it: UTC times, the place, never the agenda or anyone's notes."""
    return EventSpec(
        uid=meeting_uid(meeting.team_id, meeting.id),
        summary=meeting_title(*names),
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + timedelta(minutes=meeting.minutes),
        sequence=sequence,
        location=meeting.location,
        description=MEETING_DESCRIPTION,
        cancelled=meeting.status == MeetingStatus.CANCELLED,
    )


def _meeting_specs(session: Session, meetings: list[Meeting]) -> list[EventSpec]:
    """Specs for many sessions with two queries, not a few per session (a feed can hold a year)."""
    names = queries.pair_names(session, sorted({m.pairing_id for m in meetings}))
    sequences = queries.sequences(session, [m.id for m in meetings])
    return [meeting_spec(m, names[m.pairing_id], sequences.get(m.id, 0)) for m in meetings]


def workshop_spec(session: Session, workshop: Workshop) -> EventSpec:
    """The whole workshop as one event: a series with RRULE and EXDATE for cancelled dates."""
    zone = ZoneInfo(workshop.tz)
    duration = timedelta(minutes=workshop.duration_minutes)
    running = workshop.status == WorkshopStatus.ACTIVE
    sessions = [(o.starts_at, running and o.status == WorkshopStatus.ACTIVE) for o in workshop.occurrences]
    found = series_of(sessions, Repeat(workshop.repeat), zone)
    if found is None:  # nothing left to attend: the file cancels the event
        first, series, cancelled = workshop.occurrences[0].starts_at.astimezone(zone), None, True
    else:
        (first, series), cancelled = found, False
    return EventSpec(
        uid=workshop_uid(workshop.team_id, workshop.id),
        summary=workshop.title,
        starts_at=first,
        ends_at=first + duration,
        sequence=queries.sequence(session, workshop_id=workshop.id),
        location=workshop.location,
        description=workshop.description,
        cancelled=cancelled,
        series=series,
    )


def meeting_file(services: Services, meeting_id: int) -> tuple[CalendarFile, int] | None:
    """The session's file as it stands, with its SEQUENCE (None if the session is gone)."""
    with services.db.read() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            return None
        (spec,) = _meeting_specs(session, [meeting])
    name = f"coaching-session-{meeting_id}.ics"
    return CalendarFile(
        name, spec.summary, event_file(spec, services.now()).decode(), spec.cancelled
    ), spec.sequence


def workshop_file(services: Services, workshop_id: int) -> tuple[CalendarFile, int] | None:
    with services.db.read() as session:
        workshop = session.get(Workshop, workshop_id)
        if workshop is None or not workshop.occurrences:
            return None
        spec = workshop_spec(session, workshop)
        number = workshop.number
    name = f"workshop-{number}.ics"
    return CalendarFile(
        name, spec.summary, event_file(spec, services.now()).decode(), spec.cancelled
    ), spec.sequence


def send_workshop_file(services: Services, actor: Actor, occurrence_id: int, *, request_key: str) -> bool:
    """Plan the workshop's file for the person who asked; False for a workshop that is gone or cancelled."""
    now = services.now()
    with services.db.transaction() as session:
        occurrence = session.get(Occurrence, occurrence_id)
        person = session.get(Person, actor.person_id)
        if occurrence is None or person is None or occurrence.workshop.status != WorkshopStatus.ACTIVE:
            return False
        return plan_workshop_file(session, occurrence.workshop, person, now, reason=request_key)


def _feed_specs(session: Session, person_id: int, since: datetime) -> list[EventSpec]:
    specs = _meeting_specs(session, queries.meetings_for_feed(session, person_id, since))
    for occurrence in queries.answered_occurrences(session, person_id, since):
        workshop = occurrence.workshop
        specs.append(
            EventSpec(
                uid=occurrence_uid(workshop.team_id, workshop.id, occurrence.seq),
                summary=workshop.title,
                starts_at=occurrence.starts_at.astimezone(ZoneInfo(workshop.tz)),
                ends_at=(occurrence.starts_at + timedelta(minutes=workshop.duration_minutes)).astimezone(
                    ZoneInfo(workshop.tz)
                ),
                sequence=queries.sequence(session, workshop_id=workshop.id),
                location=workshop.location,
                description=workshop.description,
            )
        )
    return specs


def feed_for(services: Services, secret: str) -> bytes | None:
    """The feed this secret opens (sessions from the last 30 days on, workshops answered Going or
    Maybe), or None for a wrong or reset secret."""
    now = services.now()
    with services.db.read() as session:
        person_id = secrets.person_for(session, secret)
        if person_id is None:
            return None
        specs = _feed_specs(session, person_id, now - FEED_PAST)
    return feed(specs, now, "coachbot")


def feed_url(public_url: str, secret: str) -> str:
    return f"{public_url.rstrip('/')}{secrets.FEED_PATH}{secret}.ics"


NO_PUBLIC_URL = (
    "Calendar subscriptions need coachbot's public address, and it isn't set here. "
    "Whoever runs coachbot can set `COACHBOT_PUBLIC_URL` to the address `coachbot serve` answers at "
    "(e.g. `https://coachbot.example.edu`) and restart it. Until then, the `.ics` files I send "
    "when a session is booked, moved or cancelled can be opened to add them to your calendar."
)
SUBSCRIBE_STEPS = (
    "Subscribe to it once and your calendar keeps up with every booking, move and cancel:\n"
    "• Google Calendar: Other calendars › + › From URL, paste it, Add calendar\n"
    "• Outlook: Add calendar › Subscribe from web, paste it, Import\n"
    "• Apple Calendar: File › New Calendar Subscription, paste it, Subscribe\n"
    "Keep it to yourself: anyone with it can see your schedule. `/coachbot calendar reset` makes a new one "
    "and the old one stops working."
)


def calendar_answer(services: Services, actor: Actor, rest: str) -> str:
    """`/coachbot calendar [reset]`: the person's private feed URL, shown only to them."""
    verb = " ".join(rest.lower().split())
    if verb not in {"", "reset"}:
        raise UserError(
            "`/coachbot calendar` gives your private calendar URL; `/coachbot calendar reset` replaces it."
        )
    public_url = services.settings.public_url
    if not public_url:
        return NO_PUBLIC_URL
    with services.db.transaction() as session:
        person = find_person(session, actor.team_id, actor.user_id)
        assert person is not None  # resolving the actor saved them
        if verb == "" and queries.feed_of(session, person.id) is not None:
            return (
                "You already have a private calendar URL. I keep only a fingerprint of it, so I can't show "
                "it again: if you lost it, `/coachbot calendar reset` makes a new one (the old one stops working)."
            )
        secret = secrets.reset(session, actor.team_id, person.id, services.now())
    lead = (
        "Here is your new private calendar URL; the old one no longer works"
        if verb
        else ("Here is your private calendar URL")
    )
    return f"{lead}:\n`{feed_url(public_url, secret)}`\n{SUBSCRIBE_STEPS}"
