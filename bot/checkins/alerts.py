"""Telling a coachee's coach, only ever with the coachee's consent, through a planned delivery."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.goals.nudge_schedule import NudgeRules, allowed_time
from bot.meetings.pairings import coach_of
from bot.platform.delivery.planning import Address, plan_one
from bot.platform.delivery.registry import DeliveryInfo, Kind, Outgoing, Skip
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.text import escape_mrkdwn
from storage import checkins as queries
from storage.models import Goal
from storage.people import find_person

COACH_ALERT_KIND = "coach_alert"


def alert_coach(services: Services, coachee: Actor, reason: str, now: datetime) -> bool:
    """Plan a DM to the coachee's coach; False when they have no coach (nothing is sent)."""
    coach = coach_of(services, coachee)
    if coach is None:
        return False
    with services.db.transaction() as session:
        return plan_coach_alert(session, coachee, coach, reason, now)


def plan_coach_alert(session: Session, coachee: Actor, coach: str, reason: str, now: datetime) -> bool:
    """The alert as a delivery row, inside the caller's transaction (e.g. the one storing consent).

    The coach is looked up before that transaction opens: the lookup may open its own.
    """
    key = f"coach_alert:{coachee.team_id}:{coachee.user_id}:{now.isoformat()}"
    payload = {"coachee": coachee.user_id, "reason": reason}
    return plan_one(
        session, Address(coachee.team_id, coach), kind=COACH_ALERT_KIND, key=key, now=now, payload=payload
    )


def need_help_key(coachee: Actor, where: str, goal_id: int) -> str:
    """The alert's dedupe key: one per goal per nudge message (or per /checkin)."""
    return f"coach_alert:{coachee.team_id}:{coachee.user_id}:need_help:{where}:{goal_id}"


def coach_working_time(session: Session, team_id: str, coach: str, now: datetime) -> datetime:
    """The next moment inside the coach's working hours: outside their quiet hours (and weekends,
    unless they take nudges then), in their own zone. A program break does not hold back a call for help."""
    person = find_person(session, team_id, coach)
    if person is None:
        return now
    prefs = queries.prefs_for(session, team_id, person.id, now)
    rules = NudgeRules(
        tz=person.tz,
        nudge_minute=prefs.quiet_end_minute,  # a weekend waits for the start of Monday's working day
        quiet_start_minute=prefs.quiet_start_minute,
        quiet_end_minute=prefs.quiet_end_minute,
        weekends=prefs.weekends,
    )
    return allowed_time(now, rules) or now


def plan_need_help_alert(
    session: Session, coachee: Actor, coach: str, goal: Goal, where: str, now: datetime
) -> datetime:
    """Tell the coach a goal got "need help", at their next working moment; returns when."""
    due = coach_working_time(session, coachee.team_id, coach, now)
    payload = {
        "coachee": coachee.user_id,
        "reason": f"answered “need help” on goal #{goal.number}: {escape_mrkdwn(goal.title)}",
    }
    key = need_help_key(coachee, where, goal.id)
    to = Address(coachee.team_id, coach)
    plan_one(session, to, kind=COACH_ALERT_KIND, key=key, now=now, payload=payload, due_at=due)
    return due


def _render(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    coachee = delivery.payload.get("coachee")
    if not coachee:
        return Skip("no coachee named")
    reason = delivery.payload.get("reason") or "asked that you know how they are doing"
    return Outgoing(
        text=f"<@{coachee}> {reason}. When you reach out, leave them in charge of what happens next."
    )


KINDS = {
    COACH_ALERT_KIND: Kind(_render),
}
