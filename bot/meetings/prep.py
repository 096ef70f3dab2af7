"""Before and after a session: the coachee's checklist and agenda, the coach's brief, follow-up answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.goals import service as goals
from bot.meetings.prep_views import ANSWER_MAX, brief_message
from bot.meetings.schedule import BRIEF_SUFFIX, meeting_prefix
from bot.meetings.service import CHECKLIST, MeetingInfo, get_meeting, meeting_info
from bot.platform.dates import local_timestamp, zone
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.slack import SlackGateway
from bot.platform.text import escape_mrkdwn
from storage import checkins as queries_checkins
from storage import goals as goal_queries
from storage import meetings as queries
from storage.checkins import shared_checkins
from storage.models.meetings import AgendaItem, Meeting, MeetingStatus, Pairing

NEXT_SESSION_AFTER = timedelta(weeks=4)


def _meeting_of(session: Session, actor: Actor, meeting_id: int, *, role: str) -> Meeting:
    """The meeting, if `actor` is its coachee (role="coachee") or coach (role="coach")."""
    meeting = session.get(Meeting, meeting_id)
    pairing = session.get(Pairing, meeting.pairing_id) if meeting else None
    owner = None if pairing is None else (pairing.coachee_id if role == "coachee" else pairing.coach_id)
    if meeting is None or owner != actor.person_id:
        raise UserError("This session is not one of yours any more.")
    return meeting


def save_checklist(services: Services, coachee: Actor, meeting_id: int, keys: list[str]) -> MeetingInfo:
    """Every click saves the whole ticked set (a replayed click saves the same set)."""
    with services.db.transaction() as session:
        meeting = _meeting_of(session, coachee, meeting_id, role="coachee")
        meeting.checklist = ",".join(key for key in CHECKLIST if key in keys)
        meeting.updated_at = services.now()
        return meeting_info(session, meeting)


def add_agenda_item(
    services: Services, coachee: Actor, meeting_id: int, text: str, request_key: str
) -> MeetingInfo:
    text = text.strip()
    if not text:
        raise UserError("What would you like to talk about? Write a few words.")
    with services.db.transaction() as session:
        meeting = _meeting_of(session, coachee, meeting_id, role="coachee")
        if meeting.status != MeetingStatus.SCHEDULED:
            raise UserError("This session was cancelled, so there is no agenda to add to.")
        if not queries.has_agenda_request(session, request_key):
            session.add(
                AgendaItem(
                    team_id=meeting.team_id,
                    meeting_id=meeting.id,
                    text=text[:ANSWER_MAX],
                    created_at=services.now(),
                    request_key=request_key,
                )
            )
            session.flush()
        return meeting_info(session, meeting)


def save_follow_up(services: Services, coachee: Actor, meeting_id: int, takeaways: str, actions: str) -> None:
    """The coachee's reflections; saving again replaces them (the modal shows what was saved)."""
    if not takeaways.strip() and not actions.strip():
        raise UserError("Write a few words in either box, or close the form.")
    with services.db.transaction() as session:
        meeting = _meeting_of(session, coachee, meeting_id, role="coachee")
        meeting.takeaways, meeting.next_actions = takeaways.strip(), actions.strip()
        meeting.updated_at = services.now()


def follow_up_of(services: Services, coachee: Actor, meeting_id: int) -> MeetingInfo:
    with services.db.transaction() as session:
        return meeting_info(session, _meeting_of(session, coachee, meeting_id, role="coachee"))


def save_coach_note(services: Services, coach: Actor, meeting_id: int, note: str) -> None:
    with services.db.transaction() as session:
        meeting = _meeting_of(session, coach, meeting_id, role="coach")
        meeting.coach_note, meeting.updated_at = note.strip(), services.now()


def coach_note(services: Services, coach: Actor, meeting_id: int) -> str:
    with services.db.transaction() as session:
        return _meeting_of(session, coach, meeting_id, role="coach").coach_note


@dataclass(frozen=True)
class Prefill:
    """What the booking form opens with: who, which day (None: left to pick), what time, how long,
    and a line saying the pair's next session is already booked (None when it is not)."""

    person: str
    day: date | None
    time: str
    minutes: int
    booked: str | None = None


def after_quiet_periods(session: Session, team_id: str, day: date) -> date:
    """The day, or the first day after the program quiet period(s) it falls in."""
    for period in queries_checkins.quiet_periods(session, team_id):  # ordered by start
        if period.starts_on <= day <= period.ends_on:
            day = period.ends_on + timedelta(days=1)
    return day


def next_session_prefill(
    services: Services, actor: Actor, meeting_id: int, *, rescheduled: bool = False
) -> Prefill:
    """Who, which day and what time (in the actor's zone): four weeks after this session, never in a
    program quiet period; for a rescheduled session, the same time with the day left to pick.
    A button from before the next booking still opens the form, saying which session is booked."""
    with services.db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise UserError("This session is not one of yours any more.")
        info = meeting_info(session, meeting)
        if actor.person_id not in {info.coach.person_id, info.coachee.person_id}:
            raise UserError("This session is not one of yours any more.")
        booked = queries.next_meeting(session, info.pairing_id, max(services.now(), info.starts_at))
        note = None
        if booked is not None:
            note = f"Your next session, #{booked.id}, is already booked: {local_timestamp(booked.starts_at, actor.tz)}."
        # Same wall time four weeks on, even across a DST change.
        local = info.starts_at.astimezone(zone(actor.tz)) + NEXT_SESSION_AFTER
        day = None if rescheduled else after_quiet_periods(session, actor.team_id, local.date())
    return Prefill(info.other(actor).user_id, day, f"{local:%H:%M}", info.minutes, note)


CHECKIN_WINDOW = timedelta(days=30)
_ANSWER_WORDS = {
    "on_track": "on track",
    "need_help": "asked for help",
    "done": "finished a goal",
    "closed": "closed a goal",
    "snoozed": "snoozed a nudge",
    "note": "a note",
    "checkin": "a check-in",
}


def _goal_name(number: int, title: str) -> str:
    return f"#{number} {escape_mrkdwn(title)}"


def checkins_since(services: Services, coachee: Actor, since: datetime | None, reader_tz: str) -> list[str]:
    """The coachee's check-ins since `since` (the last 30 days for a first session), one line each
    in the reader's zone, naming the goal answered about; a private note shows only that there was
    one, never its words nor its goal."""
    start = since or services.now() - CHECKIN_WINDOW
    with services.db.read() as session:
        rows = shared_checkins(session, coachee.person_id, start)
        titles = goal_queries.goal_titles(session, coachee.person_id)
    lines = []
    for row in rows:
        line = f"{local_timestamp(row.created_at, reader_tz)}: {_ANSWER_WORDS.get(row.answer, row.answer)}"
        if row.goal_id in titles and not row.private:
            line += f" on {_goal_name(*titles[row.goal_id])}"
        if row.wellbeing is not None:
            line += f", well-being {row.wellbeing}/5"
        line += f" — {escape_mrkdwn(row.note)}" if row.note else ""
        lines.append(line)
    return lines


def progress_notes_since(
    services: Services, coachee: Actor, since: datetime | None, reader_tz: str
) -> list[str]:
    """The coachee's progress notes on their goals since `since` (the last 30 days for a first
    session): notes logged with `/goal progress` are shared with their coach by design."""
    start = since or services.now() - CHECKIN_WINDOW
    with services.db.read() as session:
        notes = goal_queries.progress_notes_since(session, coachee.person_id, start)
    return [
        f"{local_timestamp(at, reader_tz)} — {_goal_name(number, title)}: {escape_mrkdwn(text)}"
        for at, number, title, text in notes
    ]


def brief_for(services: Services, meeting: MeetingInfo) -> tuple[str, list[Block]]:
    """The coach's brief as it stands now (it is refreshed as the coachee ticks their checklist)."""
    with services.db.read() as session:
        earlier = queries.previous_meeting(session, meeting.pairing_id, meeting.starts_at)
        last = meeting_info(session, earlier) if earlier else None
    overview = goals.overview(services.db, meeting.coachee)
    since = last.starts_at if last else None
    checkins = checkins_since(services, meeting.coachee, since, meeting.coach.tz)
    notes = progress_notes_since(services, meeting.coachee, since, meeting.coach.tz)
    return brief_message(meeting, overview, checkins, notes, last)


def brief_key(meeting_id: int, version: int) -> str:
    return f"{meeting_prefix(meeting_id)}v{version}:{BRIEF_SUFFIX}"


def refresh_brief(services: Services, slack: SlackGateway, meeting_id: int) -> None:
    """Update the coach's sent brief in place, so it shows the coachee's latest prep."""
    meeting = get_meeting(services, meeting_id)
    if meeting is None or meeting.status != MeetingStatus.SCHEDULED:
        return
    with services.db.transaction() as session:
        where = queries.sent_message(session, brief_key(meeting.id, meeting.version))
    if where is not None:
        text, blocks = brief_for(services, meeting)
        slack.update_message(where[0], where[1], text, blocks)
