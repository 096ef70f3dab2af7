"""Telling a coachee's coach, only ever with the coachee's consent, through a planned delivery."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.meetings.pairings import coach_of
from bot.platform.delivery.registry import DeliveryInfo, Kind, Outgoing, Skip
from bot.platform.people import Actor
from bot.platform.services import Services
from storage import deliveries as store

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
    return store.plan(
        session,
        team_id=coachee.team_id,
        kind=COACH_ALERT_KIND,
        recipient=coach,
        due_at=now,
        dedupe_key=f"coach_alert:{coachee.team_id}:{coachee.user_id}:{now.isoformat()}",
        now=now,
        payload={"coachee": coachee.user_id, "reason": reason},
    )


def _render(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    coachee = delivery.payload.get("coachee")
    if not coachee:
        return Skip("no coachee named")
    reason = delivery.payload.get("reason") or "asked that you know how they are doing"
    return Outgoing(
        text=f"<@{coachee}> {reason}. They asked for you to know. "
        "How might you reach out in a way that leaves them in charge of what happens next?"
    )


KINDS = {
    COACH_ALERT_KIND: Kind(_render),
}
