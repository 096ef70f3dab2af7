"""When weekly summaries and digests go out: each person's day and time, the planner, the week keys."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session

from bot.checkins.preferences import clock_label
from bot.platform.dates import zone
from bot.platform.delivery.planning import plan_one
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from storage import deliveries as store
from storage import summary_prefs as queries
from storage.models.summaries import DEFAULT_SUMMARY_MINUTE, DEFAULT_SUMMARY_WEEKDAY

SUMMARY_KIND = "summary"
DIGEST_KIND = "digest"
PART_KIND = "summary_part"
WEEKLY_KINDS = (SUMMARY_KIND, DIGEST_KIND)
# A summary missed while the app was down still goes out, late, once; after this it is stale.
LATE_LIMIT = timedelta(days=3)
# The planner looks again this often even when no weekly row falls due sooner: a new pairing or
# admin gets their first summary or digest planned within this time.
REPLAN_EVERY = timedelta(minutes=15)
_PLANNED = "weekly_planned"  # process state: (when the last full plan ran, when the next is needed)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
EXAMPLE = "`/coach summary-time Monday 08:00` (or `Fri 4:30pm`)"
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")


def parse_summary_time(text: str) -> tuple[int, int]:
    """“Monday 08:00”, “fri 4:30pm”, “Tue 7am” → (weekday, minute after midnight)."""
    day_word, _, time_word = " ".join(text.lower().split()).partition(" ")
    days = [n for n, name in enumerate(WEEKDAYS) if len(day_word) >= 3 and name.startswith(day_word)]
    match = _TIME.match(time_word.replace(" ", ""))
    if len(days) != 1 or match is None:
        raise UserError(f"I didn't understand “{text}”. Write a day and a time, like {EXAMPLE}.")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if not 1 <= hour <= 12:
            raise UserError(f"{hour} isn't an hour on a 12-hour clock. Try {EXAMPLE}.")
        hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
    if hour > 23 or minute > 59:
        raise UserError(f"{text} isn't a time of day. Try {EXAMPLE}.")
    return days[0], hour * 60 + minute


def describe_time(weekday: int, minute: int) -> str:
    return f"{WEEKDAYS[weekday].title()}s at {clock_label(minute)}"


def next_due(weekday: int, minute: int, tz: str, now: datetime) -> datetime:
    """The next weekday/time at or after `now` in the zone `tz` (DST-correct, via APScheduler)."""
    trigger = CronTrigger(day_of_week=weekday, hour=minute // 60, minute=minute % 60, timezone=zone(tz))
    fire = trigger.get_next_fire_time(None, now)
    assert fire is not None  # a weekly cron trigger always fires again
    return fire


def week_key(kind: str, team_id: str, user_id: str, due: datetime, tz: str) -> str:
    """`summary:<team>:<user>:<ISO week of the due date>`: one per person and week, whatever happens."""
    year, week, _ = due.astimezone(zone(tz)).isocalendar()
    return f"{kind}:{team_id}:{user_id}:{year}-W{week:02d}"


def _plan_rows(
    session: Session, kind: str, people: list[tuple[str, int, str]], tzs: dict[int, str], now: datetime
) -> list[dict[str, object]]:
    times = queries.summary_times(session, [person_id for _, person_id, _ in people])
    rows: list[dict[str, object]] = []
    for team_id, person_id, user_id in people:
        weekday, minute = times.get(person_id, (DEFAULT_SUMMARY_WEEKDAY, DEFAULT_SUMMARY_MINUTE))
        tz = tzs.get(person_id, "UTC")
        due = next_due(weekday, minute, tz, now)
        rows.append(
            {
                "team_id": team_id,
                "kind": kind,
                "recipient": user_id,
                "person_id": person_id,
                "due_at": due,
                "dedupe_key": week_key(kind, team_id, user_id, due, tz),
            }
        )
    return rows


def plan_weekly_when_due(services: Services, now: datetime) -> None:
    """The periodic planner: plans in full only once a weekly row has come due (its successor is
    then planned) or REPLAN_EVERY has passed; any other pass costs nothing, however many coaches."""
    last, until = services.db.process_state.get(_PLANNED, (None, None))
    if last is not None and until is not None and last <= now < until:
        return
    plan_weekly(services, now)


def plan_weekly(services: Services, now: datetime) -> None:
    """Planner: the next summary of every coach with coachees, the next digest of every admin.

    Idempotent: the week is in the dedupe key, so running it every pass adds nothing new.
    """
    with services.db.transaction() as session:
        coaches = queries.coaches_with_coachees(session)
        admins = queries.admins(session, sorted(services.settings.admin_ids))
        tzs = queries.time_zones(session, [p for _, p, _ in coaches] + [p for _, p, _ in admins])
        rows = _plan_rows(session, SUMMARY_KIND, coaches, tzs, now) + _plan_rows(
            session, DIGEST_KIND, admins, tzs, now
        )
        store.plan_many(session, rows, now)
        first = store.earliest_pending(session, WEEKLY_KINDS)
    until = now + REPLAN_EVERY if first is None else min(first, now + REPLAN_EVERY)
    services.db.process_state[_PLANNED] = (now, until)


def set_summary_time(services: Services, actor: Actor, text: str) -> str:
    """`/coach summary-time Monday 08:00`: a new day and time for the actor's summary and digest."""
    weekday, minute = parse_summary_time(text)
    now = services.now()
    with services.db.transaction() as session:
        queries.set_summary_time(session, actor.team_id, actor.person_id, weekday, minute, now)
        # The pending row moves; one already sent this week keeps its key, so no second one.
        queries.drop_pending(session, WEEKLY_KINDS, actor.person_id)
    plan_weekly(services, now)
    return (
        f"Your weekly summary will come on {describe_time(weekday, minute)} ({actor.tz} time). "
        "If this week's has already come, the new time starts next week."
    )


def plan_now(services: Services, actor: Actor, kind: str, request_key: str) -> None:
    """A summary or digest for right now (`/coach summary`), once per request."""
    now = services.now()
    with services.db.transaction() as session:
        plan_one(
            session, actor, kind=kind, key=f"{kind}_now:{request_key}", now=now, payload={"on_request": True}
        )
