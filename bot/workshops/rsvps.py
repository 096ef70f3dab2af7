"""RSVPs: one answer per person and session, changed by clicking, with reminders to match."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.calendar.schedule import plan_workshop_file
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.slack import SlackGateway
from bot.workshops import schedule
from bot.workshops.ids import WorkshopAction
from bot.workshops.service import OccurrenceInfo, WorkshopInfo, workshop_info
from storage import workshops as queries
from storage.models import Person
from storage.models.workshops import Occurrence, Rsvp, RsvpAnswer, WorkshopStatus


@dataclass(frozen=True)
class RsvpState:
    """Where a person stands on a session; `problem` says why they cannot answer it any more."""

    workshop: WorkshopInfo | None
    session: OccurrenceInfo | None
    answer: RsvpAnswer | None
    problem: str | None = None


@dataclass(frozen=True)
class Attendees:
    """Display names of those Going and Maybe."""

    going: list[str]
    maybe: list[str]


def _problem(occurrence: Occurrence | None, now: datetime) -> str | None:
    if occurrence is None:
        return "That workshop is no longer in coachbot."
    title = occurrence.workshop.title
    if (
        occurrence.status == WorkshopStatus.CANCELLED
        or occurrence.workshop.status == WorkshopStatus.CANCELLED
    ):
        return f"*{title}* was cancelled, so there is nothing to answer any more."
    if occurrence.starts_at <= now:
        return f"*{title}* has already started, so answers for it are closed."
    return None


def _state(session: Session, occurrence: Occurrence | None, person_id: int, now: datetime) -> RsvpState:
    problem = _problem(occurrence, now)
    if occurrence is None:
        return RsvpState(None, None, None, problem)
    info = workshop_info(session, occurrence.workshop)
    rsvp = queries.rsvp_of(session, occurrence.id, person_id)
    return RsvpState(info, info.session(occurrence.id), rsvp.answer if rsvp else None, problem)


def _own(occurrence: Occurrence | None, actor: Actor) -> Occurrence | None:
    """The occurrence, if it belongs to the actor's workspace (an id from elsewhere finds nothing)."""
    return occurrence if occurrence is not None and occurrence.team_id == actor.team_id else None


def may_answer(services: Services, slack: SlackGateway, actor: Actor, occurrence_id: int) -> bool:
    """Whether the actor may see (and so answer) this session: their workspace's, and for a
    private channel only its members."""
    with services.db.read() as session:
        occurrence = _own(session.get(Occurrence, occurrence_id), actor)
        channel_id = occurrence.workshop.channel_id if occurrence is not None else None
    if channel_id is None:
        return False
    return services.channels.can_see(slack, actor.team_id, channel_id, actor.user_id)


def record_rsvp(services: Services, actor: Actor, occurrence_id: int, answer: RsvpAnswer) -> RsvpState:
    """Record or change the actor's answer; the same answer twice changes nothing.

    The session row is locked first, so concurrent clicks are counted one at a time and a person
    always has exactly one answer.
    """
    now = services.now()
    with services.db.transaction() as session:
        occurrence = _own(queries.occurrence_for_update(session, occurrence_id), actor)
        if occurrence is None or _problem(occurrence, now):
            return _state(session, occurrence, actor.person_id, now)
        rsvp = queries.rsvp_of(session, occurrence_id, actor.person_id)
        if rsvp is None or rsvp.answer != answer:
            if rsvp is None:
                rsvp = Rsvp(
                    team_id=actor.team_id,
                    occurrence_id=occurrence_id,
                    person_id=actor.person_id,
                    answer=answer,
                    version=1,
                    updated_at=now,
                )
                session.add(rsvp)
            else:
                rsvp.answer, rsvp.version, rsvp.updated_at = answer, rsvp.version + 1, now
            occurrence.rsvp_version += 1
            session.flush()
            workshop = occurrence.workshop
            schedule.withdraw_reminders(session, workshop, occurrence, actor.person_id)
            person = session.get(Person, actor.person_id)
            assert person is not None
            schedule.plan_reminders(session, workshop, occurrence, rsvp, person, now)
            if answer == RsvpAnswer.GOING:
                # Going puts the workshop in their calendar, as the Add to calendar button does.
                plan_workshop_file(session, workshop, person, now, reason="going")
        return _state(session, occurrence, actor.person_id, now)


def rsvp_state(services: Services, actor: Actor, occurrence_id: int) -> RsvpState:
    """The actor's answer to a session and whether it is still open, without changing anything."""
    with services.db.transaction() as session:
        occurrence = _own(session.get(Occurrence, occurrence_id), actor)
        return _state(session, occurrence, actor.person_id, services.now())


def attendees(services: Services, occurrence_id: int) -> Attendees:
    """Names of those Going and Maybe, for the Who's coming button."""
    with services.db.transaction() as session:
        rows = queries.attendees(session, [occurrence_id], schedule.REMINDED_ANSWERS)
        going = [person.display_name for person, rsvp in rows if rsvp.answer == RsvpAnswer.GOING]
        maybe = [person.display_name for person, rsvp in rows if rsvp.answer == RsvpAnswer.MAYBE]
        return Attendees(going, maybe)


# What each RSVP button records (handlers route on the action id; the answer is ours).
ANSWERS = {
    WorkshopAction.WORKSHOP_GOING: RsvpAnswer.GOING,
    WorkshopAction.WORKSHOP_MAYBE: RsvpAnswer.MAYBE,
    WorkshopAction.WORKSHOP_NO: RsvpAnswer.NO,
}
