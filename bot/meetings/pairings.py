"""Pairing coaches with coachees: assign, unassign, the roster, and who coaches whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.meetings.schedule import cancel_planned
from bot.meetings.service import CHECKLIST
from bot.meetings.welcome import plan_ended, plan_welcome
from bot.platform import roles
from bot.platform.errors import UserError
from bot.platform.people import Actor, actor_from_person
from bot.platform.services import Services
from storage import meetings as queries
from storage.models.meetings import Attendance, MeetingStatus, Pairing


@dataclass(frozen=True)
class RosterEntry:
    """One open pairing as the roster and App Home show it."""

    pairing_id: int
    coach: Actor
    coachee: Actor
    agreed_at: datetime | None
    next_session: datetime | None
    checklist_done: int
    cohort: str | None = None
    last_session: datetime | None = None
    last_attendance: Attendance | None = None


ALREADY_PAIRED = "is already paired with"  # the roster import counts these lines apart


def pair(services: Services, coach: Actor, coachee: Actor, by: str) -> str:
    """Pair them without a role check (callers check); returns a line saying what happened.

    Reassigning closes the coachee's old pairing (kept as history) and cancels its upcoming sessions.
    """
    if coach.person_id == coachee.person_id:
        raise UserError(f"{coachee.display_name} can't be their own coach.")
    with services.db.transaction() as session:
        return _pair(session, coach, coachee, by, services.now())


def _pair(session: Session, coach: Actor, coachee: Actor, by: str, now: datetime) -> str:
    current = queries.open_pairing_of_coachee(session, coachee.person_id)
    if current is not None and current.coach_id == coach.person_id:
        return f"<@{coachee.user_id}> {ALREADY_PAIRED} <@{coach.user_id}>."
    line = f"<@{coachee.user_id}> is now paired with coach <@{coach.user_id}>."
    if current is not None:
        old_coach = queries.person(session, current.coach_id).slack_user_id
        _close(session, current, by, now)
        line += f" (Their pairing with <@{old_coach}> is closed and kept in the history.)"
    pairing = Pairing(
        team_id=coachee.team_id,
        coach_id=coach.person_id,
        coachee_id=coachee.person_id,
        created_by=by,
        created_at=now,
    )
    session.add(pairing)
    session.flush()
    plan_welcome(session, pairing, now)
    return line


def _close(session: Session, pairing: Pairing, by: str, now: datetime) -> None:
    pairing.closed_at, pairing.closed_by = now, by
    plan_ended(session, pairing, now)
    session.flush()  # the partial unique index must see the old pairing closed before a new one
    upcoming = queries.next_meeting(session, pairing.id, now)
    while upcoming is not None:
        upcoming.status = MeetingStatus.CANCELLED
        upcoming.updated_at = now
        cancel_planned(session, upcoming.id, "pairing closed")
        session.flush()
        upcoming = queries.next_meeting(session, pairing.id, now)


def assign(services: Services, admin: Actor, coach: Actor, coachees: list[Actor]) -> list[str]:
    """`/coach assign`: admins only; one line per coachee. One transaction: a request that fails
    part-way (a lock past its deadline) pairs nobody, as its answer says."""
    roles.require_admin(services, admin, "pair coaches and coachees")
    for coachee in coachees:
        if coach.person_id == coachee.person_id:
            raise UserError(f"{coachee.display_name} can't be their own coach.")
    now = services.now()
    with services.db.transaction() as session:
        return [_pair(session, coach, coachee, admin.user_id, now) for coachee in coachees]


def unassign(services: Services, admin: Actor, coach: Actor, coachee: Actor) -> str:
    roles.require_admin(services, admin, "end a pairing")
    with services.db.transaction() as session:
        current = queries.open_pairing_of_coachee(session, coachee.person_id)
        if current is None or current.coach_id != coach.person_id:
            raise UserError(f"<@{coachee.user_id}> is not paired with <@{coach.user_id}>; nothing changed.")
        _close(session, current, admin.user_id, services.now())
    return f"<@{coachee.user_id}> and <@{coach.user_id}> are no longer paired. The history is kept."


def coach_of(services: Services, coachee: Actor) -> str | None:
    """The Slack user id of the coachee's current coach, None when they have none."""
    with services.db.read() as session:
        pairing = queries.open_pairing_of_coachee(session, coachee.person_id)
        return None if pairing is None else queries.person(session, pairing.coach_id).slack_user_id


def roster(services: Services, actor: Actor, *, everyone: bool = False) -> list[RosterEntry]:
    """The actor's coachees; every open pairing of the workspace when `everyone` (admins)."""
    now = services.now()
    with services.db.read() as session:
        pairings = queries.open_pairings(session, actor.team_id, None if everyone else actor.person_id)
        entries = []
        for pairing in pairings:
            upcoming = queries.next_meeting(session, pairing.id, now)
            last = queries.previous_meeting(session, pairing.id, now)
            ticked = [key for key in (upcoming.checklist if upcoming else "").split(",") if key in CHECKLIST]
            coachee = queries.person(session, pairing.coachee_id)
            entries.append(
                RosterEntry(
                    pairing_id=pairing.id,
                    coach=actor_from_person(pairing.team_id, queries.person(session, pairing.coach_id)),
                    coachee=actor_from_person(pairing.team_id, coachee),
                    agreed_at=pairing.agreed_at,
                    next_session=upcoming.starts_at if upcoming else None,
                    checklist_done=len(ticked),
                    cohort=coachee.cohort,
                    last_session=last.starts_at if last else None,
                    last_attendance=last.attendance if last else None,
                )
            )
        return entries


@dataclass(frozen=True)
class MyCoach:
    """A coachee's coach and their next session together, for the coachee's App Home."""

    coach: str
    next_session: datetime | None


def home_pairings(session: Session, person: Actor, now: datetime) -> tuple[MyCoach | None, bool]:
    """For their Home: their coach and next session together, and whether they coach anyone."""
    coach, next_session, coaching = queries.home_pairings(session, person.person_id, now)
    return (None if coach is None else MyCoach(coach, next_session)), coaching
