"""Keeping each person's next nudge row true to their goals and settings, inside the caller's
transaction: goals due at the same time share one row, so they reach the person as one DM."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, or_, select
from sqlalchemy.orm import Session

from bot.goals.nudge_schedule import NudgeRules, next_nudge
from bot.platform.dates import local_today, zone
from storage import checkins as queries
from storage import deliveries as store
from storage.db import session_on
from storage.goals import AddContext
from storage.models import Cadence, Delivery, DeliveryStatus, Goal, Person
from storage.models.checkins import NudgePrefs

NUDGE_KIND = "nudge"
_SETTLED = {DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED}


@dataclass(frozen=True)
class NextNudge:
    due_at: datetime
    goal_ids: list[int]


def regular_key(person_id: int, seq: int) -> str:
    return f"nudge:{person_id}:{seq}"


def rules_for(
    session: Session, person: Person, prefs: NudgePrefs, periods: list[tuple[date, date]] | None = None
) -> NudgeRules:
    if periods is None:
        periods = [(p.starts_on, p.ends_on) for p in queries.quiet_periods(session, person.team_id)]
    return NudgeRules(
        tz=person.tz,
        nudge_minute=prefs.nudge_minute,
        quiet_start_minute=prefs.quiet_start_minute,
        quiet_end_minute=prefs.quiet_end_minute,
        weekends=prefs.weekends,
        paused_until=prefs.paused_until,
        quiet_periods=periods,
    )


def first_after(created_at: datetime, after: datetime, tz: str) -> datetime:
    """A new goal's first nudge waits a day: never on the day it was set, in the person's zone."""
    next_day = datetime.combine(local_today(created_at, tz) + timedelta(days=1), time(), zone(tz))
    return max(after, next_day - timedelta(microseconds=1))


def compute_next(
    goals: list[Goal], asked: dict[int, date], person: Person, rules: NudgeRules, after: datetime
) -> NextNudge | None:
    """The earliest slot any goal is due after `after`, and every goal due in that slot.

    A goal past its target date is nudged once more (asking to close it or set a new date) and
    then waits until its date changes.
    """
    slots: dict[datetime, list[int]] = {}
    for goal in goals:
        if goal.target_date is not None and asked.get(goal.id) == goal.target_date:
            continue
        anchor = local_today(goal.created_at, person.tz)
        # Past its target date, the next regular slot carries the close-or-new-date question.
        due = next_nudge(goal.cadence, anchor, first_after(goal.created_at, after, person.tz), rules)
        if due is not None:
            slots.setdefault(due, []).append(goal.id)
    if not slots:
        return None
    first = min(slots)
    return NextNudge(first, slots[first])


def replan_person(session: Session, person_id: int, now: datetime) -> datetime | None:
    """Move, create or cancel the person's pending regular nudge; returns its due time, if any."""
    return replan_people(session, [person_id], now).get(person_id)


def replan_people(session: Session, person_ids: list[int], now: datetime) -> dict[int, datetime | None]:
    """replan_person for many people with a handful of queries (the dispatcher settles in batches).

    A row already claimed by a dispatcher is left alone: once sent, its after-send replans.
    """
    ids = sorted(set(person_ids))
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    prefs = queries.lock_prefs(session, ids)
    missing = [(people[pid].team_id, pid) for pid in people if pid not in prefs]
    if missing:
        queries.ensure_prefs(session, missing, now)
        prefs = queries.lock_prefs(session, ids)
    rows = queries.deliveries_by_key(session, [regular_key(pid, prefs[pid].nudge_seq) for pid in people])
    goals = queries.nudged_goals(session, list(people))
    asked = queries.overdue_asked(
        session, [g.id for gs in goals.values() for g in gs if g.target_date is not None]
    )
    periods: dict[str, list[tuple[date, date]]] = {}
    for team_id in {p.team_id for p in people.values()}:
        periods[team_id] = [(q.starts_on, q.ends_on) for q in queries.quiet_periods(session, team_id)]
    planned: dict[int, datetime | None] = {}
    inserts = []
    for person_id, person in people.items():
        p = prefs[person_id]
        row = rows.get(regular_key(person_id, p.nudge_seq))
        if row is not None and row.status in _SETTLED:
            p.nudge_seq += 1
            row = None
        if row is not None and row.status == DeliveryStatus.CLAIMED:
            planned[person_id] = None
            continue
        after = now
        if row is not None and row.status == DeliveryStatus.PENDING and row.due_at <= now:
            after = row.due_at - timedelta(microseconds=1)  # a due row keeps its slot, not skipped over
        upcoming = None
        if p.stopped_reason is None and not person.is_deleted:
            rules = rules_for(session, person, p, periods[person.team_id])
            upcoming = compute_next(goals[person_id], asked, person, rules, after)
        planned[person_id] = upcoming.due_at if upcoming else None
        if upcoming is None:
            if row is not None and row.status == DeliveryStatus.PENDING:
                row.status, row.last_error = DeliveryStatus.CANCELLED, "nothing to nudge about"
        elif row is None:
            inserts.append(
                dict(
                    team_id=person.team_id,
                    kind=NUDGE_KIND,
                    recipient=person.slack_user_id,
                    due_at=upcoming.due_at,
                    dedupe_key=regular_key(person_id, p.nudge_seq),
                    person_id=person_id,
                    payload={"goal_ids": upcoming.goal_ids},
                )
            )
        else:
            row.status, row.due_at, row.last_error = DeliveryStatus.PENDING, upcoming.due_at, None
            row.payload = json.dumps({"goal_ids": upcoming.goal_ids}, sort_keys=True)
    store.plan_many(session, inserts, now)
    session.flush()
    return planned


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


def plan_new_goal(
    connection: Connection,
    owner: tuple[str, str, int],
    goal_id: int,
    cadence: Cadence,
    context: AddContext,
    now: datetime,
) -> None:
    """A new goal joins the person's nudge row without replanning the rest: it moves the row
    earlier, shares its slot, or waits for the row after it (planned when that one is settled).
    At most one statement; anything unusual (no settings yet, a row just settled) replans in full.
    `owner`: (team id, Slack user id, person id)."""
    team_id, user_id, person_id = owner
    prefs, row = context.prefs, context.nudge_row
    if prefs is None or (row is not None and row.status in _SETTLED):
        with session_on(connection) as session:
            replan_person(session, person_id, now)
        return
    if prefs.stopped_reason is not None or context.is_deleted or cadence == Cadence.OFF:
        return
    if row is not None and row.status == DeliveryStatus.CLAIMED:
        return  # being sent now: its after-send plans the next slot with this goal in it
    rules = NudgeRules(
        context.tz, prefs.nudge_minute, prefs.quiet_start_minute, prefs.quiet_end_minute,
        prefs.weekends, prefs.paused_until, context.quiet_periods,
    )  # fmt: skip
    due = next_nudge(cadence, local_today(now, context.tz), first_after(now, now, context.tz), rules)
    if due is None:
        return
    if row is None:
        key = regular_key(person_id, prefs.nudge_seq)
        row_values = dict(team_id=team_id, kind=NUDGE_KIND, recipient=user_id, due_at=due, dedupe_key=key)
        store.plan_many(
            connection, [{**row_values, "person_id": person_id, "payload": {"goal_ids": [goal_id]}}], now
        )
    elif row.status == DeliveryStatus.CANCELLED or due < row.due_at:
        store.reschedule(connection, row.id, due, {"goal_ids": [goal_id]})
    elif due == row.due_at:
        store.reschedule(connection, row.id, due, {"goal_ids": [*row.goal_ids, goal_id]})
