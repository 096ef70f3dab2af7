"""The `nudge` delivery kind: render one DM per person and slot, and plan the next after it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins import backoff
from bot.checkins.nudge_views import NudgePart, nudge_blocks, nudge_text
from bot.goals.nudge_plan import NUDGE_KIND, replan_people, replan_person, rules_for, stop_nudges
from bot.goals.nudge_schedule import allowed_time, is_quiet_minute
from bot.platform.dates import local_today, zone
from bot.platform.delivery.planning import plan_one
from bot.platform.delivery.registry import DeliveryInfo, Kind, Outgoing, Skip, UsefulUntil
from bot.platform.services import Services
from storage import checkins as queries
from storage.models import (
    DEFAULT_QUIET_END_MINUTE,
    DEFAULT_QUIET_START_MINUTE,
    Cadence,
    Goal,
    GoalStatus,
    NudgePrefs,
    Person,
)

log = logging.getLogger(__name__)

# A late nudge (the app or Slack was down) is useful until the end of its day in the person's zone
# (nudge_useful_until); more than a little late, it is not sent into their quiet hours.
STILL_ON_TIME = timedelta(minutes=15)
# A nudge is not sent about a goal the person checked in on this recently (a /checkin, a note, an answer).
CHECKIN_COVERS = timedelta(hours=4)
# Slack errors that mean the person cannot be reached any more.
UNREACHABLE = {"channel_not_found", "user_not_found", "account_inactive"}


def _goal_ids(delivery: DeliveryInfo) -> list[int]:
    return [
        int(g) for g in delivery.payload.get("goal_ids", []) if isinstance(g, int | str) and str(g).isdigit()
    ]


def nudge_parts(
    session: Session, person: Person, goal_ids: list[int], now: datetime, snoozed: bool
) -> list[NudgePart]:
    """The goals a nudge asks about: the active ones (with a cadence, unless it is a snooze)."""
    today = local_today(now, person.tz)
    parts = []
    for goal, last in queries.goals_to_nudge(session, person.id, goal_ids):
        if goal.status != GoalStatus.ACTIVE or (goal.cadence == Cadence.OFF and not snoozed):
            continue
        parts.append(
            NudgePart(
                goal_id=goal.id,
                number=goal.number,
                title=goal.title,
                target_date=goal.target_date,
                last_note=last.text if last else None,
                last_note_at=last.created_at if last else None,
                overdue=goal.target_date is not None and goal.target_date < today,
                daily=goal.cadence == Cadence.DAILY,
            )
        )
    return parts


def render_nudge(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    """The DM for this slot, or a Skip with the reason (closed goals, a deactivated person, too late)."""
    # Only reads: on SQLite a write transaction here would queue every sending thread on the one writer.
    with services.db.read() as session:
        person, prefs = queries.person_and_prefs(session, delivery.person_id or 0)
        if person is None or person.is_deleted:
            return Skip("the person is no longer in Slack")
        if prefs is not None and prefs.stopped_reason:
            return Skip(f"nudges stopped: {prefs.stopped_reason}")
        late = now - delivery.due_at
        if late > STILL_ON_TIME and _quiet_now(person, prefs, now):
            return Skip("late, and it is now the person's quiet hours; the next nudge is planned instead")
        snoozed = delivery.dedupe_key.startswith("nudge_snooze:")
        # A check-in that already covered a goal a few hours ago is its answer for this slot.
        covered = queries.answered_since(session, _goal_ids(delivery), now - CHECKIN_COVERS)
        parts = [
            p
            for p in nudge_parts(session, person, _goal_ids(delivery), now, snoozed)
            if p.goal_id not in covered
        ]
        if not parts:
            if covered:
                return Skip(f"checked in on these goals in the last {CHECKIN_COVERS.seconds // 3600} hours")
            return Skip("no active goals left to ask about")
        blocks = nudge_blocks(parts, local_today(now, person.tz), person.tz)
        if not snoozed:
            blocks += backoff.question_blocks(session, person.id, [p.goal_id for p in parts if p.daily])
        return Outgoing(text=nudge_text(parts), blocks=blocks)


def _quiet_now(person: Person, prefs: NudgePrefs | None, now: datetime) -> bool:
    """In the person's quiet hours now (the defaults until their settings are first saved)."""
    start, end = (
        (prefs.quiet_start_minute, prefs.quiet_end_minute)
        if prefs is not None
        else (DEFAULT_QUIET_START_MINUTE, DEFAULT_QUIET_END_MINUTE)
    )
    local = now.astimezone(zone(person.tz))
    return is_quiet_minute(local.hour * 60 + local.minute, start, end)


def after_nudge_sent(
    services: Services, delivery: DeliveryInfo, channel: str, ts: str, now: datetime
) -> None:
    after_nudges_sent(services, [(delivery, channel, ts)], now)


def after_nudges_sent(services: Services, sent: list[tuple[DeliveryInfo, str, str]], now: datetime) -> None:
    """Remember which overdue questions were asked, and plan each person's next nudge."""
    owners = {d.person_id for d, _, _ in sent if d.person_id is not None}
    goal_ids = [goal_id for d, _, _ in sent for goal_id in _goal_ids(d)]
    with services.db.transaction() as session:
        people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(owners)))}
        for goal in session.scalars(select(Goal).where(Goal.id.in_(goal_ids), Goal.target_date.is_not(None))):
            person = people.get(goal.person_id)
            overdue = person is not None and goal.target_date < local_today(now, person.tz)  # type: ignore[operator]
            if person is not None and overdue and goal.target_date is not None:
                queries.remember_overdue_asked(session, person.team_id, goal.id, goal.target_date)
        replan_people(session, list(people), now)


def after_nudge_skipped(services: Services, delivery: DeliveryInfo, reason: str, now: datetime) -> None:
    if delivery.person_id is not None:
        with services.db.transaction() as session:
            replan_person(session, delivery.person_id, now)


def after_nudge_failed(services: Services, delivery: DeliveryInfo, error: str, now: datetime) -> None:
    """An unreachable person gets nothing more; any other failure moves on to the next slot."""
    if delivery.person_id is None:
        return
    with services.db.transaction() as session:
        if error.split(" ", 1)[0] in UNREACHABLE:
            stop_nudges(session, delivery.person_id, delivery.team_id, error, now)
            log.info("nudges stopped for person %s: %s", delivery.person_id, error)
        else:
            replan_person(session, delivery.person_id, now)


def plan_snooze(
    session: Session, person: Person, goal_id: int, message_ts: str, now: datetime
) -> datetime | None:
    """A one-off nudge for one goal a day from now (moved out of quiet time); returns when."""
    prefs = queries.prefs_for(session, person.team_id, person.id, now)
    due = allowed_time(now + timedelta(days=1), rules_for(session, person, prefs))
    if due is None:
        return None
    key, payload = f"nudge_snooze:{goal_id}:{message_ts}", {"goal_ids": [goal_id]}
    plan_one(session, person, kind=NUDGE_KIND, key=key, now=now, payload=payload, due_at=due)
    return due


def nudge_useful_until(services: Services, delivery: DeliveryInfo) -> UsefulUntil:
    """A nudge is worth sending the day it was due, in the person's own zone."""
    local = delivery.due_at.astimezone(zone(delivery.person_tz or "UTC"))
    end_of_day = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), local.tzinfo)
    return UsefulUntil(end_of_day, "a nudge past the end of its day in the person's zone")


KINDS = {
    NUDGE_KIND: Kind(
        render_nudge,
        after_nudge_sent,
        after_skip=after_nudge_skipped,
        after_failure=after_nudge_failed,
        after_send_batch=after_nudges_sent,
        useful_until=nudge_useful_until,
    ),
}
