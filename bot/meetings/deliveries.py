"""Delivery kinds of coaching sessions: notices, reminders, prep, brief, agreement and follow-ups.

Each renderer re-reads the meeting: a cancelled session, or a row of an older version (a moved
session), is skipped, so nothing stale is ever sent even if a row escaped cancellation.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from slack_sdk.models.blocks import SectionBlock

from bot.goals import service as goals
from bot.meetings.agreement import agreement_text
from bot.meetings.attendance import follow_up_for
from bot.meetings.prep import brief_for
from bot.meetings.prep_views import agreement_blocks, prep_message
from bot.meetings.schedule import (
    AGREEMENT,
    AGREEMENT_NOTICE,
    BRIEF,
    COACH_FOLLOW_UP,
    FOLLOW_UP,
    NOTICE,
    PREP,
    REMINDER,
    reminder_offsets,
)
from bot.meetings.service import MeetingInfo, get_meeting
from bot.meetings.views import notice_text, reminder_text, when_for
from bot.platform import audit
from bot.platform.delivery.registry import DeliveryInfo, Kind, Outgoing, Skip, UsefulUntil
from bot.platform.people import Actor
from bot.platform.services import Services
from storage.models.meetings import MeetingStatus


def _current(services: Services, delivery: DeliveryInfo) -> MeetingInfo | Skip:
    meeting = get_meeting(services, int(delivery.payload.get("meeting_id", 0)))
    if meeting is None or meeting.status != MeetingStatus.SCHEDULED:
        return Skip("the session was cancelled")
    if meeting.version != delivery.payload.get("version"):
        return Skip("the session was moved")
    return meeting


def _reader(meeting: MeetingInfo, delivery: DeliveryInfo) -> Actor:
    return meeting.coach if delivery.person_id == meeting.coach.person_id else meeting.coachee


def render_notice(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    meeting = get_meeting(services, int(delivery.payload.get("meeting_id", 0)))
    if meeting is None:
        return Skip("the session is gone")
    reader = _reader(meeting, delivery)
    starts_at = datetime.fromisoformat(str(delivery.payload["starts_at"]))
    when = when_for(starts_at, int(delivery.payload["minutes"]), reader)
    event = str(delivery.payload["event"])
    return Outgoing(
        notice_text(
            event,
            meeting.id,
            meeting.other(reader).user_id,
            str(delivery.payload["by"]),
            when,
            meeting.location,
        )
    )


def render_reminder(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    meeting = _current(services, delivery)
    if isinstance(meeting, Skip):
        return meeting
    minutes = int(delivery.payload["minutes"])
    reader = _reader(meeting, delivery)
    with services.db.read() as session:
        wanted = reminder_offsets(session, reader.person_id)
    if minutes not in wanted:
        return Skip("the person changed their reminder times")
    # A reminder sent late (after an outage) must not say "in 24 hours" when a nearer one is due too.
    if any(m < minutes and now >= meeting.starts_at - timedelta(minutes=m) for m in wanted):
        return Skip("a nearer reminder for the same session is due")
    return Outgoing(reminder_text(meeting, reader, minutes))


def render_prep(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    meeting = _current(services, delivery)
    if isinstance(meeting, Skip):
        return meeting
    agreement = None
    if meeting.is_first:
        agreement = agreement_text(services, meeting.coachee.team_id)
    text, blocks = prep_message(meeting, goals.overview(services.db, meeting.coachee), agreement)
    return Outgoing(text, blocks)


def render_brief(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    meeting = _current(services, delivery)
    if isinstance(meeting, Skip):
        return meeting
    text, blocks = brief_for(services, meeting)
    return Outgoing(text, blocks)


def note_brief_opened(
    services: Services, delivery: DeliveryInfo, channel: str, ts: str, now: datetime
) -> None:
    """The audit log records that the coach was shown the coachee's goals and check-ins."""
    meeting = get_meeting(services, int(delivery.payload.get("meeting_id", 0)))
    if meeting is not None:
        audit.record_access(
            services,
            meeting.coach.team_id,
            meeting.coach.user_id,
            meeting.coachee.user_id,
            audit.BRIEF_SENT,
            f"session {meeting.id}",
        )


def render_follow_up(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    meeting = _current(services, delivery)
    if isinstance(meeting, Skip):
        return meeting
    text, blocks = follow_up_for(services, meeting, _reader(meeting, delivery))
    return Outgoing(text, blocks)


def render_agreement(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    text = agreement_text(services, delivery.team_id)
    intro = "Your coach would like you to read the coaching agreement again."
    blocks = agreement_blocks(text, int(delivery.payload["pairing_id"]))
    return Outgoing(intro, [SectionBlock(text=intro), *blocks])


def render_agreement_notice(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    coachee = str(delivery.payload["coachee"])
    if delivery.payload.get("event") == "agreed":
        return Outgoing(f"<@{coachee}> agreed to the coaching agreement.")
    return Outgoing(
        f"<@{coachee}> would like to discuss the coaching agreement with you. "
        "Your next session could start there."
    )


def reminder_useful_until(services: Services, delivery: DeliveryInfo) -> UsefulUntil:
    """A meeting reminder is worth sending until the meeting starts."""
    meeting = get_meeting(services, int(delivery.payload.get("meeting_id", 0)))
    starts_at = meeting.starts_at if meeting is not None else delivery.due_at + timedelta(hours=1)
    return UsefulUntil(starts_at, "the meeting has started")


KINDS = {
    NOTICE: Kind(render_notice),
    REMINDER: Kind(render_reminder, useful_until=reminder_useful_until),
    PREP: Kind(render_prep),
    BRIEF: Kind(render_brief, after_send=note_brief_opened),
    FOLLOW_UP: Kind(render_follow_up),
    COACH_FOLLOW_UP: Kind(render_follow_up),
    AGREEMENT: Kind(render_agreement),
    AGREEMENT_NOTICE: Kind(render_agreement_notice),
}
