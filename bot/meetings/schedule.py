"""What a booked session puts on the durable schedule, and how a change takes it off again.

Every key holds the meeting id and its version: a moved meeting (a new version) plans fresh rows,
and the old version's pending rows are cancelled in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.platform.delivery.planning import Address, plan_one
from storage import deliveries
from storage import meetings as queries
from storage.models import Delivery
from storage.models.meetings import Meeting, Pairing

DEFAULT_REMINDERS = [24 * 60, 60]
PREP_AHEAD = timedelta(hours=48)
FOLLOW_UP_AFTER = timedelta(minutes=15)

NOTICE = "meeting_notice"
REMINDER = "meeting_reminder"
PREP = "meeting_prep"
BRIEF = "meeting_brief"
FOLLOW_UP = "meeting_follow_up"
COACH_FOLLOW_UP = "meeting_coach_follow_up"
AGREEMENT = "coaching_agreement"
AGREEMENT_NOTICE = "agreement_notice"
BRIEF_SUFFIX = "brief"
COACH_FOLLOW_UP_SUFFIX = "coach-follow-up"  # the coach's follow-up carries “Did it happen?”


def meeting_prefix(meeting_id: int) -> str:
    return f"meeting:{meeting_id}:"


def meeting_key(meeting: Meeting, suffix: str) -> str:
    return f"{meeting_prefix(meeting.id)}v{meeting.version}:{suffix}"


def reminder_offsets(session: Session, person_id: int) -> list[int]:
    chosen = queries.reminder_offsets(session, person_id)
    return DEFAULT_REMINDERS if chosen is None else chosen


def ends_at(meeting: Meeting) -> datetime:
    return meeting.starts_at + timedelta(minutes=meeting.minutes)


def _plan(
    session: Session,
    meeting: Meeting,
    *,
    kind: str,
    to: tuple[str, int],
    due_at: datetime,
    suffix: str,
    now: datetime,
    **payload: Any,
) -> None:
    address = Address(meeting.team_id, *to)
    body = {"meeting_id": meeting.id, "version": meeting.version, **payload}
    plan_one(
        session, address, kind=kind, key=meeting_key(meeting, suffix), now=now, payload=body, due_at=due_at
    )


def plan_reminders_for(session: Session, meeting: Meeting, person_id: int, now: datetime) -> None:
    """One reminder per offset the person wants that is still ahead of us."""
    user_id = queries.person(session, person_id).slack_user_id
    for minutes in reminder_offsets(session, person_id):
        due_at = meeting.starts_at - timedelta(minutes=minutes)
        if due_at > now:
            _plan(
                session,
                meeting,
                kind=REMINDER,
                to=(user_id, person_id),
                due_at=due_at,
                suffix=f"reminder:{person_id}:{minutes}",
                now=now,
                minutes=minutes,
            )


def plan_meeting(session: Session, meeting: Meeting, pairing: Pairing, now: datetime) -> None:
    """Reminders for both, the coachee's prep and the coach's brief, and both follow-ups."""
    coach = (queries.person(session, pairing.coach_id).slack_user_id, pairing.coach_id)
    coachee = (queries.person(session, pairing.coachee_id).slack_user_id, pairing.coachee_id)
    for person_id in (pairing.coach_id, pairing.coachee_id):
        plan_reminders_for(session, meeting, person_id, now)
    prep_at = max(now, meeting.starts_at - PREP_AHEAD)
    _plan(session, meeting, kind=PREP, to=coachee, due_at=prep_at, suffix="prep", now=now)
    _plan(session, meeting, kind=BRIEF, to=coach, due_at=prep_at, suffix=BRIEF_SUFFIX, now=now)
    follow_up_at = ends_at(meeting) + FOLLOW_UP_AFTER
    _plan(session, meeting, kind=FOLLOW_UP, to=coachee, due_at=follow_up_at, suffix="follow-up", now=now)
    _plan(
        session,
        meeting,
        kind=COACH_FOLLOW_UP,
        to=coach,
        due_at=follow_up_at,
        suffix=COACH_FOLLOW_UP_SUFFIX,
        now=now,
    )


def plan_notice(
    session: Session,
    meeting: Meeting,
    to: tuple[str, int],
    event: str,
    by: str,
    now: datetime,
    *,
    occasion: str = "",
) -> None:
    """Tell someone, now, that a session was booked, moved, cancelled or given a new place (in their
    own zone); `occasion` tells apart changes that keep the version (each new place)."""
    _plan(
        session,
        meeting,
        kind=NOTICE,
        to=to,
        due_at=now,
        suffix=f"{event}:{to[1]}{':' + occasion if occasion else ''}",
        now=now,
        event=event,
        by=by,
        starts_at=meeting.starts_at.isoformat(),
        minutes=meeting.minutes,
    )


def cancel_planned(session: Session, meeting_id: int, reason: str) -> int:
    """Cancel every pending row of the meeting (all versions): nothing stale is ever sent."""
    return deliveries.cancel_pending(
        session, Delivery.dedupe_key.startswith(meeting_prefix(meeting_id)), reason=reason
    )
