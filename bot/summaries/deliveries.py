"""The `summary` and `summary_part` delivery kinds, and the weekly planner (the `digest` kind is
rendered by bot/reports/digest.py, which adds the cohorts and the chart).

A summary is one delivery row (its dedupe key names the coach and the week), rendered as its
first message; the rest of a long roster is planned, after the send, as `summary_part` rows
in the first message's thread (each with its own key), so nothing is cut and nothing doubles.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.platform import audit
from bot.platform.block_json import as_json
from bot.platform.dates import local_today
from bot.platform.delivery.planning import Address, plan_one
from bot.platform.delivery.registry import AfterSend, DeliveryInfo, Kind, Outgoing, Skip, useful_for
from bot.platform.services import Services
from bot.summaries.schedule import LATE_LIMIT, PART_KIND, SUMMARY_KIND, plan_weekly_when_due
from bot.summaries.service import coach_summary
from bot.summaries.views import Message, summary_messages
from storage import checkins as people_queries
from storage import meetings as session_queries
from storage import summary_prefs as summary_queries

# The messages after the first, from render to after_send in the same process (keyed by row id).
_LATER_PARTS: dict[int, list[Message]] = {}
_LOCK = threading.Lock()


MessagesFor = Callable[[Services, DeliveryInfo, datetime], "list[Message] | Skip"]


def skip_reason(session: Session, delivery: DeliveryInfo, now: datetime) -> Skip | None:
    """Why a summary or digest row is not sent at `now` (too late, recipient gone); None to send it."""
    late = now - delivery.due_at
    if late > LATE_LIMIT and not delivery.payload.get("on_request"):
        return Skip(f"{late.days} days late; next week's is planned instead")
    person, _ = people_queries.person_and_prefs(session, delivery.person_id or 0)
    if person is None or person.is_deleted:
        return Skip("the person is no longer in Slack")
    return None


def messages_for(services: Services, delivery: DeliveryInfo, now: datetime) -> list[Message] | Skip:
    """What a coach's summary row says at `now`, or why it is skipped."""
    with services.db.read() as session:
        skip = skip_reason(session, delivery, now)
        if skip is not None:
            return skip
        person, _ = people_queries.person_and_prefs(session, delivery.person_id or 0)
        assert person is not None  # skip_reason said so
        summaries = coach_summary(session, delivery.team_id, person.id, now, person.tz)
        tz = person.tz
        first = is_first(session, delivery)
    if not summaries:
        return Skip("no coachees to summarize")
    return summary_messages(summaries, local_today(now, tz), tz, with_legend=first)


def is_first(session: Session, delivery: DeliveryInfo) -> bool:
    """Whether this is the first summary (or digest) the person gets: its flags' legend is written
    out; later ones show it behind a button."""
    return not summary_queries.has_received(session, delivery.person_id or 0, delivery.kind, delivery.id)


def keep_later_parts(delivery: DeliveryInfo, messages: list[Message]) -> None:
    """Hold the messages after the first until the first is sent (after_send threads them)."""
    with _LOCK:
        _LATER_PARTS[delivery.id] = messages[1:]


def render_weekly(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    messages = messages_for(services, delivery, now)
    if isinstance(messages, Skip):
        return messages
    keep_later_parts(delivery, messages)
    return Outgoing(text=messages[0].text, blocks=messages[0].blocks)


def after_sent(build: MessagesFor) -> AfterSend:
    """The after-send of a weekly message built by `build`: its later parts go into its thread."""

    def after(services: Services, delivery: DeliveryInfo, channel: str, ts: str, now: datetime) -> None:
        with _LOCK:
            later = _LATER_PARTS.pop(delivery.id, None)
        if later is None:  # rendered by another process that then stopped: build it again
            rendered = build(services, delivery, now)
            later = [] if isinstance(rendered, Skip) else rendered[1:]
        _plan_parts(services, delivery, channel, ts, now, later)
        _audit_summary(services, delivery, now)

    return after


def _plan_parts(
    services: Services, delivery: DeliveryInfo, channel: str, ts: str, now: datetime, later: list[Message]
) -> None:
    """Plan the rest of a long summary as replies in the first message's thread."""
    with services.db.transaction() as session:
        for number, message in enumerate(later, 2):
            payload = {
                "thread_ts": ts,
                "text": message.text,
                "blocks": as_json(message.blocks),
            }
            thread = Address(delivery.team_id, channel, delivery.person_id)
            key = f"{delivery.dedupe_key}:part:{number}"
            plan_one(session, thread, kind=PART_KIND, key=key, now=now, payload=payload)


after_weekly_sent = after_sent(messages_for)


def _audit_summary(services: Services, delivery: DeliveryInfo, now: datetime) -> None:
    """A coach reading a weekly summary looks at each coachee's data: one audit entry per coachee."""
    if delivery.kind != SUMMARY_KIND or delivery.person_id is None:
        return
    with services.db.transaction() as session:
        for pairing in session_queries.open_pairings(session, delivery.team_id, delivery.person_id):
            coachee = session_queries.person(session, pairing.coachee_id).slack_user_id
            audit.note(
                session,
                now,
                delivery.team_id,
                delivery.recipient,
                coachee,
                audit.SUMMARY_SENT,
                "weekly summary",
            )


def forget_parts(services: Services, delivery: DeliveryInfo, error: str, now: datetime) -> None:
    """A summary that failed for good sends no thread either."""
    with _LOCK:
        _LATER_PARTS.pop(delivery.id, None)


def render_part(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    """A later message of a summary, exactly as it was built with the first."""
    payload = delivery.payload
    blocks = [Block.parse(raw) for raw in payload.get("blocks", [])]
    return Outgoing(
        text=str(payload.get("text", "")),
        blocks=[block for block in blocks if block is not None],
        thread_ts=str(payload["thread_ts"]),
    )


WEEKLY_USEFUL = useful_for(LATE_LIMIT, "a weekly summary more than 3 days late")
KINDS = {
    SUMMARY_KIND: Kind(
        render_weekly, after_weekly_sent, after_failure=forget_parts, useful_until=WEEKLY_USEFUL
    ),
    PART_KIND: Kind(render_part),
}


PLANNERS = {
    "weekly_summaries": plan_weekly_when_due,
}
