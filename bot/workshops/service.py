"""Workshop services: create, edit, cancel and list workshops announced in program channels."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.calendar.schedule import plan_workshop_update
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.roles import require_admin_or_lead
from bot.platform.services import Services
from bot.platform.text import escape_mrkdwn
from bot.platform.when import Repeat, WhenError, occurrence_starts, plain_time
from bot.workshops import schedule
from storage import workshops as queries
from storage.models.workshops import Occurrence, RsvpAnswer, Workshop, WorkshopStatus

TITLE_MAX = 150
DESCRIPTION_MAX = 2000
LOCATION_MAX = 255
DEFAULT_REMINDERS = (24 * 60, 60)
REMINDER_CHOICES = (7 * 24 * 60, 24 * 60, 60, 15)


class WorkshopError(UserError):
    """A refusal that belongs to one field of the workshop form (`field` names it)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class WorkshopDraft:
    """What an admin described; `start` is aware, in the program's time zone."""

    title: str
    channel_id: str
    start: datetime
    duration: timedelta = timedelta(hours=1)
    description: str = ""
    location: str = ""
    repeat: Repeat = Repeat.NONE
    until: date | None = None
    count: int | None = None
    reminders: tuple[int, ...] = DEFAULT_REMINDERS
    announce_at: datetime | None = None


@dataclass(frozen=True)
class OccurrenceInfo:
    """One session as views see it, with its RSVP counts."""

    id: int
    starts_at: datetime
    active: bool
    counts: dict[RsvpAnswer, int]
    message_channel: str | None
    message_ts: str | None
    rsvp_version: int


@dataclass(frozen=True)
class WorkshopInfo:
    """A workshop and its sessions as plain data (no ORM object leaves a transaction)."""

    id: int
    number: int
    draft: WorkshopDraft
    active: bool
    version: int
    announcement_channel: str | None
    announcement_ts: str | None
    sessions: list[OccurrenceInfo] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        tz = self.draft.start.tzinfo
        assert isinstance(tz, ZoneInfo)
        return tz

    def session(self, occurrence_id: int) -> OccurrenceInfo:
        return next(s for s in self.sessions if s.id == occurrence_id)

    def upcoming(self, now: datetime) -> list[OccurrenceInfo]:
        return [s for s in self.sessions if s.active and s.starts_at > now]


def creator_zone(services: Services, actor: Actor) -> ZoneInfo:
    """The zone a workshop's creator types times in: their own Slack zone, or the program's if unknown."""
    return ZoneInfo(actor.tz if actor.tz_known else services.settings.program_tz)


def workshop_info(session: Session, workshop: Workshop) -> WorkshopInfo:
    """Plain data for views and handlers, with each session's RSVP counts."""
    tz = ZoneInfo(workshop.tz)
    counts = queries.rsvp_counts(session, [o.id for o in workshop.occurrences])
    active = [o for o in workshop.occurrences if o.status == WorkshopStatus.ACTIVE]
    first = active[0] if active else workshop.occurrences[0]
    draft = WorkshopDraft(
        title=workshop.title,
        channel_id=workshop.channel_id,
        start=first.starts_at.astimezone(tz),
        duration=timedelta(minutes=workshop.duration_minutes),
        description=workshop.description,
        location=workshop.location,
        repeat=Repeat(workshop.repeat),
        until=workshop.repeat_until,
        count=workshop.repeat_count,
        reminders=tuple(schedule.reminder_minutes(workshop)),
        announce_at=workshop.announce_at,
    )
    sessions = [
        OccurrenceInfo(
            id=o.id,
            starts_at=o.starts_at,
            active=o.status == WorkshopStatus.ACTIVE and workshop.status == WorkshopStatus.ACTIVE,
            counts=counts[o.id],
            message_channel=o.message_channel,
            message_ts=o.message_ts,
            rsvp_version=o.rsvp_version,
        )
        for o in workshop.occurrences
    ]
    return WorkshopInfo(
        id=workshop.id,
        number=workshop.number,
        draft=draft,
        active=workshop.status == WorkshopStatus.ACTIVE,
        version=workshop.version,
        announcement_channel=workshop.announcement_channel,
        announcement_ts=workshop.announcement_ts,
        sessions=sessions,
    )


def checked(draft: WorkshopDraft, now: datetime) -> tuple[WorkshopDraft, list[datetime]]:
    """The draft tidied, with every session's start; a WorkshopError names what is wrong."""
    title = " ".join(draft.title.split())
    if not title:
        raise WorkshopError("A workshop needs a title.", "title")
    if len(title) > TITLE_MAX:
        raise WorkshopError(
            f"Please keep the title to {TITLE_MAX} characters (it has {len(title)}).", "title"
        )
    if len(draft.description) > DESCRIPTION_MAX:
        raise WorkshopError(f"Please keep the description to {DESCRIPTION_MAX} characters.", "description")
    if len(draft.location) > LOCATION_MAX:
        raise WorkshopError(f"Please keep the location to {LOCATION_MAX} characters.", "location")
    if draft.start <= now:
        zone = draft.start.tzinfo if isinstance(draft.start.tzinfo, ZoneInfo) else ZoneInfo("UTC")
        raise WorkshopError(
            f"{plain_time(draft.start, zone)} has already passed: choose a time that is still to come.",
            "start",
        )
    if draft.announce_at is not None and not now <= draft.announce_at < draft.start:
        raise WorkshopError("Announce it between now and the start of the first session.", "announce")
    if not draft.reminders or any(r not in REMINDER_CHOICES for r in draft.reminders):
        raise WorkshopError(
            "Choose when to remind people: a week, a day, an hour or 15 minutes before.", "reminders"
        )
    try:
        starts = occurrence_starts(draft.start, draft.repeat, until=draft.until, count=draft.count)
    except WhenError as error:
        raise WorkshopError(str(error), "repeat") from None
    tidy = replace(
        draft,
        title=title,
        description=draft.description.strip(),
        location=draft.location.strip(),
        reminders=tuple(sorted(set(draft.reminders), reverse=True)),
    )
    return tidy, starts


def _apply(workshop: Workshop, draft: WorkshopDraft, now: datetime) -> None:
    workshop.title, workshop.description, workshop.location = draft.title, draft.description, draft.location
    workshop.duration_minutes = int(draft.duration.total_seconds() // 60)
    workshop.repeat, workshop.repeat_until, workshop.repeat_count = draft.repeat, draft.until, draft.count
    workshop.reminder_minutes = ",".join(str(m) for m in draft.reminders)
    workshop.updated_at = now
    if not workshop.announcement_ts:
        workshop.announce_at = draft.announce_at


def create_workshop(
    services: Services, actor: Actor, draft: WorkshopDraft, request_key: str | None
) -> tuple[WorkshopInfo, bool]:
    """Save a workshop and plan its announcement; False when this request was seen before."""
    require_admin_or_lead(services, actor, "announce workshops")
    now = services.now()
    draft, starts = checked(draft, now)
    with services.db.transaction() as session:
        queries.lock_team_workshops(session, actor.team_id)
        if request_key and (seen := queries.workshop_by_request_key(session, request_key)):
            return workshop_info(session, seen), False
        workshop = Workshop(
            team_id=actor.team_id,
            number=queries.next_workshop_number(session, actor.team_id),
            channel_id=draft.channel_id,
            tz=draft.start.tzinfo.key,  # type: ignore[union-attr]
            version=1,
            status=WorkshopStatus.ACTIVE,
            created_by=actor.user_id,
            created_at=now,
            request_key=request_key,
        )
        _apply(workshop, draft, now)
        workshop.occurrences = [
            Occurrence(team_id=actor.team_id, seq=i, starts_at=start, status=WorkshopStatus.ACTIVE)
            for i, start in enumerate(starts, 1)
        ]
        session.add(workshop)
        session.flush()
        schedule.plan_announcement(session, workshop, now)
        schedule.plan_occurrence_posts(session, workshop, now)
        return workshop_info(session, workshop), True


def _managed(session: Session, actor: Actor, number: int) -> Workshop:
    workshop = queries.workshop_by_number(session, actor.team_id, number)
    if workshop is None:
        raise UserError(
            f"There is no workshop #{number}. `/workshop list` shows upcoming workshops and their numbers."
        )
    if workshop.status == WorkshopStatus.CANCELLED:
        raise UserError(f"Workshop #{number} ({escape_mrkdwn(workshop.title)}) is already cancelled.")
    return workshop


def get_workshop(services: Services, actor: Actor, number: int) -> WorkshopInfo:
    """A workshop the actor may edit (admins and leads only), as it is now."""
    require_admin_or_lead(services, actor, "edit workshops")
    with services.db.transaction() as session:
        return workshop_info(session, _managed(session, actor, number))


def update_workshop(services: Services, actor: Actor, number: int, draft: WorkshopDraft) -> WorkshopInfo:
    """Change a workshop: sessions still to come move to the new times and keep their RSVPs;
    everything planned for the old schedule is withdrawn and planned again."""
    require_admin_or_lead(services, actor, "edit workshops")
    now = services.now()
    with services.db.transaction() as session:
        workshop = _managed(session, actor, number)
        # The edit form has no announce field: a later announcement keeps its time.
        announce_at = None if workshop.announcement_ts else workshop.announce_at
        draft, starts = checked(replace(draft, announce_at=announce_at), now)
        schedule.withdraw_all(session, workshop, reason="workshop edited")
        workshop.version += 1
        _apply(workshop, draft, now)
        upcoming = [
            o for o in workshop.occurrences if o.status == WorkshopStatus.ACTIVE and o.starts_at > now
        ]
        for occurrence, start in zip(upcoming, starts, strict=False):
            occurrence.starts_at = start
        for occurrence in upcoming[len(starts) :]:
            occurrence.status = WorkshopStatus.CANCELLED
        seq = max((o.seq for o in workshop.occurrences), default=0)
        for offset, start in enumerate(starts[len(upcoming) :], 1):
            workshop.occurrences.append(
                Occurrence(
                    team_id=workshop.team_id, seq=seq + offset, starts_at=start, status=WorkshopStatus.ACTIVE
                )
            )
        session.flush()
        workshop.occurrences.sort(key=lambda o: o.starts_at)
        schedule.plan_announcement(session, workshop, now)
        schedule.plan_occurrence_posts(session, workshop, now)
        for occurrence in workshop.occurrences[:]:
            if occurrence.status != WorkshopStatus.ACTIVE or occurrence.starts_at <= now:
                continue
            for person, rsvp in queries.attendees(session, [occurrence.id], schedule.REMINDED_ANSWERS):
                schedule.plan_reminders(session, workshop, occurrence, rsvp, person, now)
        plan_workshop_update(session, workshop, now)
        return workshop_info(session, workshop)


def cancel_workshop(services: Services, actor: Actor, number: int) -> WorkshopInfo:
    """Cancel every session still to come; a thread note and DMs to Going/Maybe are planned for now."""
    require_admin_or_lead(services, actor, "cancel workshops")
    now = services.now()
    with services.db.transaction() as session:
        workshop = _managed(session, actor, number)
        schedule.withdraw_all(session, workshop, reason="workshop cancelled")
        upcoming = [
            o for o in workshop.occurrences if o.status == WorkshopStatus.ACTIVE and o.starts_at > now
        ]
        people = {
            person.id: person
            for person, _ in queries.attendees(session, [o.id for o in upcoming], schedule.REMINDED_ANSWERS)
        }
        workshop.status = WorkshopStatus.CANCELLED
        workshop.updated_at = now
        for occurrence in upcoming:
            occurrence.status = WorkshopStatus.CANCELLED
        schedule.plan_cancellation(session, workshop, list(people.values()), now)
        plan_workshop_update(session, workshop, now)
        return workshop_info(session, workshop)


def workshop_by_request(services: Services, request_key: str) -> WorkshopInfo | None:
    """The workshop a Slack request created, if any."""
    with services.db.transaction() as session:
        workshop = queries.workshop_by_request_key(session, request_key)
        return workshop_info(session, workshop) if workshop else None


def workshop_by_id(services: Services, workshop_id: int) -> WorkshopInfo | None:
    """The workshop with this id, as it is now."""
    with services.db.read() as session:
        workshop = queries.workshop_by_id(session, workshop_id)
        return workshop_info(session, workshop) if workshop else None


def upcoming_occurrences(
    services: Services, team_id: str, channel_id: str | None = None
) -> list[tuple[WorkshopInfo, OccurrenceInfo]]:
    """Sessions still to come, soonest first, each with its workshop (optionally in one channel)."""
    now = services.now()
    with services.db.transaction() as session:
        occurrences = queries.upcoming(session, team_id, now, channel_id)
        infos: dict[int, WorkshopInfo] = {}
        for occurrence in occurrences:
            if occurrence.workshop_id not in infos:
                infos[occurrence.workshop_id] = workshop_info(session, occurrence.workshop)
        return [(infos[o.workshop_id], infos[o.workshop_id].session(o.id)) for o in occurrences]


def find_workshop(services: Services, team_id: str, number: int) -> WorkshopInfo | None:
    """Any workshop of the team by number, cancelled ones included (for follow-ups)."""
    with services.db.transaction() as session:
        workshop = queries.workshop_by_number(session, team_id, number)
        return workshop_info(session, workshop) if workshop else None


def edit_draft(workshop: WorkshopInfo, now: datetime) -> WorkshopDraft:
    """What the edit form starts from: the next session's time and the sessions still to come."""
    upcoming = workshop.upcoming(now)
    if not upcoming:
        return workshop.draft
    start = upcoming[0].starts_at.astimezone(workshop.zone)
    count = len(upcoming) if workshop.draft.count else None
    return replace(workshop.draft, start=start, count=count)
