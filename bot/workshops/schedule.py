"""What a workshop will send later, as delivery rows planned in the transaction that causes them.

Every key starts with `workshop:<id>:`, so an edit or a cancel can withdraw them all at once, and
carries the versions it was planned for, so a re-plan after a change never collides with the old row.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy.orm import Session

from bot.platform.delivery.planning import Address, plan_one
from storage import deliveries as store
from storage.models import Delivery, Person
from storage.models.workshops import Occurrence, Rsvp, RsvpAnswer, Workshop, WorkshopStatus

ANNOUNCEMENT = "workshop_announcement"
OCCURRENCE_POST = "workshop_session"
REMINDER = "workshop_reminder"
CANCELLATION = "workshop_cancellation"
REMINDED_ANSWERS = {RsvpAnswer.GOING, RsvpAnswer.MAYBE}


def key_prefix(workshop_id: int) -> str:
    """The start every dedupe key of this workshop shares."""
    return f"workshop:{workshop_id}:"


def reminder_minutes(workshop: Workshop) -> list[int]:
    """The reminder offsets chosen for a workshop, in minutes before each session."""
    return [int(part) for part in workshop.reminder_minutes.split(",") if part.strip()]


def withdraw_all(session: Session, workshop: Workshop, reason: str) -> int:
    """Cancel everything still pending for this workshop."""
    return store.cancel_pending(
        session, Delivery.dedupe_key.startswith(key_prefix(workshop.id), autoescape=True), reason=reason
    )


def withdraw_reminders(session: Session, workshop: Workshop, occurrence: Occurrence, person_id: int) -> int:
    """Cancel one person's pending reminders for one session (their answer changed)."""
    prefix = f"{key_prefix(workshop.id)}remind:{occurrence.id}:{person_id}:"
    return store.cancel_pending(
        session, Delivery.dedupe_key.startswith(prefix, autoescape=True), reason="answer changed"
    )


def _channel(workshop: Workshop) -> Address:
    return Address(workshop.team_id, workshop.channel_id)


def plan_announcement(session: Session, workshop: Workshop, now: datetime) -> None:
    """The channel announcement: at `announce_at`, or right away (a command then sends it at once)."""
    if workshop.announcement_ts:
        return
    key = f"{key_prefix(workshop.id)}announce:v{workshop.version}"
    payload = {"workshop_id": workshop.id, "version": workshop.version}
    plan_one(
        session,
        _channel(workshop),
        kind=ANNOUNCEMENT,
        key=key,
        now=now,
        payload=payload,
        due_at=workshop.announce_at,
    )


def plan_occurrence_posts(session: Session, workshop: Workshop, now: datetime) -> None:
    """Each later session is announced in the thread once the one before it has ended."""
    duration = timedelta(minutes=workshop.duration_minutes)
    active = [o for o in workshop.occurrences if o.status == WorkshopStatus.ACTIVE]
    for previous, occurrence in pairwise(active):
        if occurrence.message_ts or occurrence.starts_at <= now:
            continue
        due = max(previous.starts_at + duration, workshop.announce_at or now)
        key = f"{key_prefix(workshop.id)}session:{occurrence.id}:v{workshop.version}"
        payload = {"workshop_id": workshop.id, "occurrence_id": occurrence.id, "version": workshop.version}
        plan_one(
            session, _channel(workshop), kind=OCCURRENCE_POST, key=key, now=now, payload=payload, due_at=due
        )


def plan_reminders(
    session: Session, workshop: Workshop, occurrence: Occurrence, rsvp: Rsvp, person: Person, now: datetime
) -> None:
    """DM reminders before the session for someone Going or Maybe; times already past are skipped."""
    if rsvp.answer not in REMINDED_ANSWERS:
        return
    for minutes in reminder_minutes(workshop):
        due = occurrence.starts_at - timedelta(minutes=minutes)
        if due <= now:
            continue
        key = (
            f"{key_prefix(workshop.id)}remind:{occurrence.id}:{person.id}:"
            f"v{workshop.version}.{rsvp.version}:{minutes}m"
        )
        payload = {
            "workshop_id": workshop.id,
            "occurrence_id": occurrence.id,
            "version": workshop.version,
            "rsvp_version": rsvp.version,
            "minutes": minutes,
        }
        plan_one(session, person, kind=REMINDER, key=key, now=now, payload=payload, due_at=due)


def plan_cancellation(session: Session, workshop: Workshop, people: list[Person], now: datetime) -> None:
    """A note in the announcement's thread, and a DM to each person who said Going or Maybe."""
    payload, prefix = {"workshop_id": workshop.id}, key_prefix(workshop.id)
    if workshop.announcement_ts and workshop.announcement_channel:
        thread = Address(workshop.team_id, workshop.announcement_channel)
        plan_one(
            session,
            thread,
            kind=CANCELLATION,
            key=f"{prefix}cancelled:thread",
            now=now,
            payload={**payload, "thread": True},
        )
    for person in people:
        plan_one(
            session, person, kind=CANCELLATION, key=f"{prefix}cancelled:{person.id}", now=now, payload=payload
        )


def cancellation_rows(workshop_id: int) -> object:
    """The condition that picks this workshop's cancellation notices (to send them at once)."""
    return Delivery.dedupe_key.startswith(f"{key_prefix(workshop_id)}cancelled:", autoescape=True)


def announcement_rows(workshop_id: int) -> object:
    """The condition that picks this workshop's announcement (to send it at once)."""
    return Delivery.dedupe_key.startswith(f"{key_prefix(workshop_id)}announce:", autoescape=True)
