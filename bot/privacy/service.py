"""A person's data: export it to them, delete it at their request, or remove them (an admin, at graduation)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.platform import audit
from bot.platform.delivery.planning import Address, plan_one
from bot.platform.delivery.registry import DeliveryInfo, Kind, Outgoing, Skip
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from storage import deliveries as schedule
from storage import personal_data
from storage.models import Person
from storage.models.meetings import Pairing
from storage.people import find_person
from storage.personal_data import REVIEWED, Subject

COACHEE_LEFT = "privacy.coachee_left"
EXPORT_FORMAT = "coachbot-export/1"


@dataclass(frozen=True)
class Export:
    """Everything coachbot holds about one person: the JSON file and a summary to read in Slack."""

    filename: str
    json_text: str
    summary: str


@dataclass(frozen=True)
class Removal:
    """What deleting a person's data did: rows per table, coaches told, coach notes kept for them."""

    rows: dict[str, int]
    coaches_told: int
    notes_kept: int

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _subject(session: Session, team_id: str, user_id: str) -> Subject | None:
    person = find_person(session, team_id, user_id)
    return None if person is None else Subject(person.id, user_id, team_id)


def export_data(services: Services, actor: Actor, *, by: str | None = None) -> Export:
    """All that coachbot holds about `actor` (their own private notes included); `by` is an admin exporting it."""
    now = services.now()
    with services.db.transaction() as session:
        subject = _subject(session, actor.team_id, actor.user_id)
        tables = personal_data.collect(session, subject) if subject else {}
        audit.note(session, now, actor.team_id, by or actor.user_id, actor.user_id, audit.EXPORTED)
    document = {
        "format": EXPORT_FORMAT,
        "exported_at": now.isoformat(),
        "workspace": actor.team_id,
        "user": actor.user_id,
        "what_each_part_holds": {name: REVIEWED.get(name, "") for name in tables},
        "data": tables,
    }
    stamp = now.strftime("%Y-%m-%d")
    return Export(
        f"coachbot-export-{actor.user_id}-{stamp}.json",
        json.dumps(document, indent=2, sort_keys=True, default=str),
        export_summary(tables),
    )


def export_summary(tables: dict[str, list[dict[str, Any]]]) -> str:
    """A readable summary: how many of each kind of record, and the goals by title."""
    if not tables:
        return "coachbot holds nothing about you."
    lines = ["*What coachbot holds about you* (the attached JSON file has every record):"]
    for name, rows in tables.items():
        lines.append(f"• {REVIEWED.get(name, name)}: {len(rows)}")
        if name == "goals":  # each goal under the goals' own line, not after whatever table comes last
            lines += [f"    – goal {goal['number']}: {goal['title']} ({goal['status']})" for goal in rows]
    return "\n".join(lines)


def delete_person_data(services: Services, team_id: str, user_id: str, *, by: str) -> Removal:
    """Delete everything about the person and their pending deliveries; their coaches are told they left.

    What others own stays: a coach's private session notes move to the coach's own kept notes.
    A second run (a replayed request) finds nothing and does nothing.
    """
    now = services.now()
    with services.db.transaction() as session:
        subject = _subject(session, team_id, user_id)
        if subject is None:
            return Removal({}, 0, 0)
        coaches = _coaches_of(session, subject)
        kept = personal_data.keep_coach_notes(session, subject, now)
        # Rows of others that quote them (a coach's summary parts): pending ones cancelled, all blanked.
        schedule.forget_mentions(session, team_id, user_id)
        rows = personal_data.erase(session, subject)
        for pairing_id, coach_user_id, coach_person_id in coaches:
            coach = Address(team_id, coach_user_id, coach_person_id)
            key = f"{team_id}:coachee_left:{pairing_id}"
            plan_one(session, coach, kind=COACHEE_LEFT, key=key, now=now, payload={"coachee": user_id})
        action = audit.DELETED if by == user_id else audit.REMOVED
        audit.note(session, now, team_id, by, user_id, action, f"{sum(rows.values())} rows")
    services.actors.forget(team_id, user_id)
    services.db.drop_deleted_pages()  # nothing of them left in the write-ahead log either
    return Removal(rows, len(coaches), kept)


def _coaches_of(session: Session, subject: Subject) -> list[tuple[int, str, int]]:
    """(pairing id, coach's user id, coach's person id) for the subject's open pairings as coachee."""
    rows = session.execute(
        select(Pairing.id, Person.slack_user_id, Person.id)
        .join(Person, Pairing.coach_id == Person.id)
        .where(Pairing.coachee_id == subject.person_id, Pairing.closed_at.is_(None))
    ).all()
    return [(int(p), str(u), int(c)) for p, u, c in rows]


def remove_person(services: Services, team_id: str, user_id: str, *, by: str) -> Removal:
    """An admin removes someone who left the program (graduation, withdrawal): the same as their own deletion."""
    with services.db.read() as session:
        if find_person(session, team_id, user_id) is None:
            raise UserError(f"coachbot holds nothing about {user_id} in workspace {team_id}.")
    return delete_person_data(services, team_id, user_id, by=by)


def render_coachee_left(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing | Skip:
    coachee = str(delivery.payload.get("coachee", ""))
    return Outgoing(
        f"<@{coachee}> has left the coaching program, and coachbot no longer holds their coaching data. "
        "Your own session notes about them are kept for you."
    )


KINDS = {
    COACHEE_LEFT: Kind(render_coachee_left),
}
