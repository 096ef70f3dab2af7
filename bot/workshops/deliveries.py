"""How workshop deliveries are rendered when due, and what is recorded once they are sent.

Each renderer reads the workshop as it is at send time: a cancelled or edited workshop, or a
changed answer, turns a stale row into a Skip instead of a wrong message.
"""

from __future__ import annotations

from datetime import datetime

from bot.platform.delivery.registry import DeliveryInfo, Kind, Outgoing, Skip
from bot.platform.services import Services
from bot.workshops import schedule
from bot.workshops.service import OccurrenceInfo, WorkshopInfo, workshop_by_id
from bot.workshops.views import (
    cancelled_dm_text,
    cancelled_thread_text,
    next_occurrence_heading,
    occurrence_blocks,
    occurrence_text,
    reminder_text,
)
from storage import workshops as queries
from storage.models.workshops import Occurrence, Workshop, WorkshopStatus


def _current(services: Services, delivery: DeliveryInfo) -> WorkshopInfo | Skip:
    workshop = workshop_by_id(services, int(delivery.payload.get("workshop_id", 0)))
    if workshop is None:
        return Skip("workshop deleted")
    if "version" in delivery.payload and delivery.payload["version"] != workshop.version:
        return Skip("workshop edited since this was planned")
    return workshop


def _upcoming_occurrence(
    services: Services, delivery: DeliveryInfo, now: datetime
) -> tuple[WorkshopInfo, OccurrenceInfo] | Skip:
    """The row's workshop and session, while the session is still on and yet to start."""
    workshop = _current(services, delivery)
    if isinstance(workshop, Skip):
        return workshop
    session = workshop.session(int(delivery.payload["occurrence_id"]))
    if not session.active or session.starts_at <= now:
        return Skip("session cancelled or already started")
    return workshop, session


def render_announcement(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    """The channel announcement of the first session still to come."""
    workshop = _current(services, delivery)
    if isinstance(workshop, Skip):
        return workshop
    if workshop.announcement_ts:
        return Skip("already announced")
    upcoming = workshop.upcoming(now)
    if not workshop.active or not upcoming:
        return Skip("nothing left to announce")
    first = upcoming[0]
    return Outgoing(
        text=occurrence_text(workshop, first),
        blocks=occurrence_blocks(workshop, first),
        channel=workshop.draft.channel_id,
    )


def after_announcement(
    services: Services, delivery: DeliveryInfo, channel: str, ts: str, now: datetime
) -> None:
    """The announcement's ts anchors the thread; its session's RSVP buttons live on it."""
    with services.db.transaction() as session:
        workshop = session.get(Workshop, delivery.payload["workshop_id"])
        if workshop is None:
            return
        workshop.announcement_channel, workshop.announcement_ts = channel, ts
        if workshop.status == WorkshopStatus.CANCELLED:
            # Cancelled while Slack was posting it: say so in its thread at the next dispatch.
            schedule.plan_cancellation(session, workshop, [], now)
            return
        upcoming = queries.upcoming(session, workshop.team_id, now, workshop.channel_id)
        first = next((o for o in upcoming if o.workshop_id == workshop.id), None)
        if first is not None:
            first.message_channel, first.message_ts = channel, ts


def render_occurrence_post(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    """A later session announced in the announcement's thread."""
    found = _upcoming_occurrence(services, delivery, now)
    if isinstance(found, Skip):
        return found
    workshop, session = found
    if not workshop.announcement_ts or session.message_ts:
        return Skip("no announcement to reply to, or already posted")
    return Outgoing(
        text=occurrence_text(workshop, session),
        blocks=occurrence_blocks(workshop, session, heading=next_occurrence_heading()),
        channel=workshop.announcement_channel,
        thread_ts=workshop.announcement_ts,
    )


def after_occurrence_post(
    services: Services, delivery: DeliveryInfo, channel: str, ts: str, now: datetime
) -> None:
    """Remember where the session's message is, so RSVP counts can update it."""
    with services.db.transaction() as session:
        occurrence = session.get(Occurrence, delivery.payload["occurrence_id"])
        if occurrence is not None:
            occurrence.message_channel, occurrence.message_ts = channel, ts


def render_reminder(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    """A DM before a session, only while the person still says Going or Maybe."""
    found = _upcoming_occurrence(services, delivery, now)
    if isinstance(found, Skip):
        return found
    workshop, session = found
    with services.db.read() as db_session:
        rsvp = queries.rsvp_of(db_session, session.id, delivery.person_id or 0)
        answer_now = rsvp.answer if rsvp else None
        version_now = rsvp.version if rsvp else None
    if answer_now not in schedule.REMINDED_ANSWERS or version_now != delivery.payload.get("rsvp_version"):
        return Skip("answer changed")
    return Outgoing(text=reminder_text(workshop, session, int(delivery.payload["minutes"])))


def render_cancellation(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    """The cancellation note: in the announcement's thread, or as a DM."""
    workshop = _current(services, delivery)
    if isinstance(workshop, Skip):
        return workshop
    if workshop.active:
        return Skip("the workshop is not cancelled")
    if delivery.payload.get("thread"):
        return Outgoing(
            text=cancelled_thread_text(workshop),
            channel=workshop.announcement_channel,
            thread_ts=workshop.announcement_ts,
        )
    return Outgoing(text=cancelled_dm_text(workshop))


KINDS = {
    schedule.ANNOUNCEMENT: Kind(render_announcement, after_announcement),
    schedule.OCCURRENCE_POST: Kind(render_occurrence_post, after_occurrence_post),
    schedule.REMINDER: Kind(render_reminder),
    schedule.CANCELLATION: Kind(render_cancellation),
}
