"""After a session: the coach's “Did it happen?”, and the follow-up messages that carry it."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.meetings.prep_views import follow_up_message
from bot.meetings.schedule import COACH_FOLLOW_UP_SUFFIX, meeting_key
from bot.meetings.service import MeetingInfo, meeting_info
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from storage import meetings as queries
from storage.models.meetings import Attendance, Meeting, MeetingStatus, Pairing


def record_attendance(services: Services, coach: Actor, meeting_id: int, answer: Attendance) -> MeetingInfo:
    """The coach's answer, once the session has ended; the first answer stands (a double click, or a
    second button from a stale copy, changes nothing). Only the session's coach may answer."""
    now = services.now()
    with services.db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        pairing = session.get(Pairing, meeting.pairing_id) if meeting else None
        if (
            meeting is None
            or pairing is None
            or meeting.team_id != coach.team_id
            or pairing.coach_id != coach.person_id
        ):
            raise UserError("Only the coach of this session can say whether it happened.")
        if meeting.status != MeetingStatus.SCHEDULED:
            raise UserError(f"Session #{meeting.id} was cancelled, so there is nothing to confirm.")
        info = meeting_info(session, meeting)
        if now < info.ends_at:
            raise UserError(f"Session #{meeting.id} has not ended yet: it was moved to a later time.")
        if meeting.attendance is None:
            queries.set_attendance_once(session, meeting.id, answer, now)
            session.refresh(meeting)
            info = meeting_info(session, meeting)
        return info


def booked_after(services: Services, meeting: MeetingInfo, now: datetime) -> MeetingInfo | None:
    """The pair's next session still ahead, if one is booked (so none is offered again)."""
    with services.db.read() as session:
        found = queries.next_meeting(session, meeting.pairing_id, max(now, meeting.starts_at))
        return None if found is None else meeting_info(session, found)


def follow_up_for(services: Services, meeting: MeetingInfo, reader: Actor) -> tuple[str, list[Block]]:
    """The follow-up as it stands now: the coach's answer in place of the buttons, no second booking."""
    return follow_up_message(meeting, reader, booked_after(services, meeting, services.now()))


def sent_coach_follow_up(
    services: Services, meeting: MeetingInfo
) -> tuple[str, str, str, list[Block]] | None:
    """Where the coach's follow-up landed, and what it should say now (None: it was never sent)."""
    with services.db.read() as session:
        found = session.get(Meeting, meeting.id)
        where = (
            None
            if found is None
            else queries.sent_message(session, meeting_key(found, COACH_FOLLOW_UP_SUFFIX))
        )
    if where is None:
        return None
    text, blocks = follow_up_for(services, meeting, meeting.coach)
    return where[0], where[1], text, blocks
