"""Keeping each person's next nudge row true to their goals and settings, inside the caller's
transaction: goals due at the same time share one row, so they reach the person as one DM."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.orm import Session

from bot.dates import local_today
from bot.nudge_schedule import NudgeRules, next_nudge
from storage import deliveries as store
from storage import nudges as queries
from storage.models import Delivery, DeliveryStatus, Person
from storage.models_nudges import NudgePrefs

NUDGE_KIND = "nudge"
_SETTLED = {DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED}


@dataclass(frozen=True)
class NextNudge:
    due_at: datetime
    goal_ids: list[int]


def regular_key(person_id: int, seq: int) -> str:
    return f"nudge:{person_id}:{seq}"


def rules_for(session: Session, person: Person, prefs: NudgePrefs) -> NudgeRules:
    return NudgeRules(
        tz=person.tz,
        nudge_minute=prefs.nudge_minute,
        quiet_start_minute=prefs.quiet_start_minute,
        quiet_end_minute=prefs.quiet_end_minute,
        weekends=prefs.weekends,
        paused_until=prefs.paused_until,
        quiet_periods=[(p.starts_on, p.ends_on) for p in queries.quiet_periods(session, person.team_id)],
    )


def compute_next(session: Session, person: Person, rules: NudgeRules, after: datetime) -> NextNudge | None:
    """The earliest slot any goal is due after `after`, and every goal due in that slot.

    A goal past its target date is nudged once more (asking to close it or set a new date) and
    then waits until its date changes.
    """
    goals = queries.nudged_goals(session, person.id)
    asked = queries.overdue_asked(session, [g.id for g in goals if g.target_date is not None])
    slots: dict[datetime, list[int]] = {}
    for goal in goals:
        if goal.target_date is not None and asked.get(goal.id) == goal.target_date:
            continue
        anchor = local_today(goal.created_at, person.tz)
        # Past its target date, the next regular slot carries the close-or-new-date question.
        due = next_nudge(goal.cadence, anchor, after, rules)
        if due is not None:
            slots.setdefault(due, []).append(goal.id)
    if not slots:
        return None
    first = min(slots)
    return NextNudge(first, slots[first])


def replan_person(session: Session, person_id: int, now: datetime) -> datetime | None:
    """Move, create or cancel the person's pending regular nudge; returns its due time, if any.

    A row already claimed by a dispatcher is left alone: once sent, its after-send replans.
    """
    person = session.get(Person, person_id)
    if person is None:
        return None
    prefs = queries.lock_prefs(session, person_id)
    if prefs is None:
        queries.prefs_for(session, person.team_id, person_id, now)
        prefs = queries.lock_prefs(session, person_id)
        assert prefs is not None
    key = regular_key(person_id, prefs.nudge_seq)
    row = queries.delivery_by_key(session, key)
    if row is not None and row.status in _SETTLED:
        prefs.nudge_seq += 1
        key, row = regular_key(person_id, prefs.nudge_seq), None
    if row is not None and row.status == DeliveryStatus.CLAIMED:
        return None
    after = now
    if row is not None and row.status == DeliveryStatus.PENDING and row.due_at <= now:
        after = row.due_at - timedelta(microseconds=1)  # a due row keeps its slot, not skipped over
    upcoming = None
    if prefs.stopped_reason is None and not person.is_deleted:
        upcoming = compute_next(session, person, rules_for(session, person, prefs), after)
    if upcoming is None:
        if row is not None and row.status == DeliveryStatus.PENDING:
            store.cancel_pending(session, Delivery.id == row.id, reason="nothing to nudge about")
        return None
    payload = json.dumps({"goal_ids": upcoming.goal_ids}, sort_keys=True)
    if row is None:
        store.plan(
            session,
            team_id=person.team_id,
            kind=NUDGE_KIND,
            recipient=person.slack_user_id,
            due_at=upcoming.due_at,
            dedupe_key=key,
            now=now,
            person_id=person_id,
            payload={"goal_ids": upcoming.goal_ids},
        )
    else:
        row.status, row.due_at, row.payload, row.last_error = (
            DeliveryStatus.PENDING,
            upcoming.due_at,
            payload,
            None,
        )
    session.flush()
    return upcoming.due_at


def stop_nudges(session: Session, person_id: int, team_id: str, reason: str, now: datetime) -> None:
    """Slack cannot reach this person any more: cancel what is pending and plan nothing new."""
    prefs = queries.prefs_for(session, team_id, person_id, now)
    prefs.stopped_reason = reason
    store.cancel_pending(
        session,
        Delivery.person_id == person_id,
        or_(Delivery.kind == NUDGE_KIND, Delivery.dedupe_key.like("nudge%")),
        reason=f"stopped: {reason}",
    )
