"""What coachbot holds about one person, found by walking the schema rather than by a hand-kept list.

A row is someone's when a chain of foreign keys leads from it to their `people` row (a progress
note → its goal → the person), or when it names their Slack user id in one of USER_ID_COLUMNS
within their team. Tables added later (check-ins, settings, summaries) are covered the day they
land; REVIEWED is the list a person has looked at, and a test fails until a new table is in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, false, func, insert, or_, select
from sqlalchemy.orm import Session

from storage.models import Base
from storage.models.meetings import Meeting, Pairing
from storage.models.privacy import KeptCoachNote

PEOPLE = "people"
# Columns that hold a Slack user id (not a foreign key) and make a row that person's, in their team.
USER_ID_COLUMNS = ("slack_user_id", "recipient")

# Every table that can hold something about a person, with what it holds. Rows are exported to the
# person and erased with them, except in the tables KEPT_FOR_OTHERS names.
REVIEWED: dict[str, str] = {
    "people": "their cached Slack profile (name, time zone) and the cohort an admin put them in",
    "goals": "the goals they set",
    "progress_notes": "progress notes on their goals",
    "deliveries": "messages the bot sent them or will send them",
    "program_roles": "program roles they hold",
    "pairings": "their coaching pairings (as coach or coachee)",
    "meetings": "their coaching sessions (the coach's private note is kept for the coach)",
    "agenda_items": "what they wanted to talk about at sessions",
    "reminder_preferences": "their session reminder times",
    "workshop_rsvps": "their workshop RSVPs",
    "channel_welcomes": "channels they were welcomed to",
    "kept_coach_notes": "a coach's own notes kept from former coachees' sessions",
    "checkins": "their check-ins: nudge answers, well-being, notes (private ones included, for them alone)",
    "nudge_prefs": "their nudge settings (time, quiet hours, weekends, pause)",
    "goal_nudge_state": "when an overdue goal of theirs was last asked about",
    "summary_prefs": "the day and time they get their weekly summary or digest",
    "calendar_feeds": "a fingerprint (SHA-256) of their private calendar feed address, never the address",
    "calendar_sequences": "how many times their sessions' calendar entries changed",
    "workshop_calendar_copies": "workshops whose calendar file they were sent",
}
# Rows that point at a person but belong to someone else; they stay when the person leaves.
KEPT_FOR_OTHERS: dict[str, str] = {}
# Columns private to one side of a row: exported only to the person the named foreign key leads to.
# A session's coachee-written fields are the coachee's words: a coach's export lists the session,
# not them (the coach saw them only as far as the coachee shared them, in messages already sent).
PRIVATE_COLUMNS: dict[tuple[str, str], str] = {
    ("meetings", "coach_note"): "coach_id",
    ("meetings", "agenda_note"): "coachee_id",
    ("meetings", "takeaways"): "coachee_id",
    ("meetings", "next_actions"): "coachee_id",
}
# Tables whose rows are exported only to the person the named foreign key leads to.
PRIVATE_ROWS: dict[str, str] = {"agenda_items": "coachee_id"}


@dataclass(frozen=True)
class Subject:
    """The person whose data is being found: their row id, Slack user id and workspace."""

    person_id: int
    user_id: str
    team_id: str


def tables_about_people() -> list[Table]:
    """Every table with rows that can belong to a person, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name == PEOPLE or _reaches_people(t, set())]


def _reaches_people(table: Table, seen: set[str]) -> bool:
    if table.name in seen:
        return False
    seen = seen | {table.name}
    if any(name in table.c for name in USER_ID_COLUMNS):
        return True
    for fk in table.foreign_keys:
        parent = fk.column.table
        if parent.name == PEOPLE or _reaches_people(parent, seen):
            return True
    return False


def rows_of(table: Table, subject: Subject, *, via: str | None = None) -> ColumnElement[bool]:
    """The condition that picks the subject's rows in `table` (only through the foreign key `via`, if given)."""
    if table.name == PEOPLE:
        return table.c.id == subject.person_id
    clauses: list[ColumnElement[bool]] = []
    if via is None:
        for name in USER_ID_COLUMNS:
            if name in table.c and "team_id" in table.c:
                clauses.append((table.c[name] == subject.user_id) & (table.c.team_id == subject.team_id))
    for fk in table.foreign_keys:
        parent, column = fk.column.table, fk.parent
        if parent.name == PEOPLE:
            if via is None or column.name == via:
                clauses.append(column == subject.person_id)
        elif _reaches_people(parent, {table.name}):
            parent_ids = select(fk.column).where(rows_of(parent, subject, via=via))
            clauses.append(column.in_(parent_ids))
    return or_(*clauses) if clauses else false()


def collect(session: Session, subject: Subject) -> dict[str, list[dict[str, Any]]]:
    """Every row about the subject, table by table, as JSON-ready dicts (others' private columns left out)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table in tables_about_people():
        if table.name in KEPT_FOR_OTHERS:
            continue
        private = {col: via for (name, col), via in PRIVATE_COLUMNS.items() if name == table.name}
        key_column = _key(table)
        mine: dict[str, set[Any]] = {
            col: set(session.scalars(select(key_column).where(rows_of(table, subject, via=via))))
            for col, via in private.items()
        }
        which = rows_of(table, subject, via=PRIVATE_ROWS.get(table.name))
        rows = [
            {k: _plain(v) for k, v in row.items() if k not in private or row[key_column.name] in mine[k]}
            for row in session.execute(select(table).where(which)).mappings()
        ]
        if rows:
            found[table.name] = rows
    return found


def _key(table: Table) -> Any:
    """The table's (first) primary key column: most tables have `id`, some are keyed by their parent."""
    return next(iter(table.primary_key.columns))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def keep_coach_notes(session: Session, subject: Subject, now: datetime) -> int:
    """Copy coaches' private notes from the subject's sessions (as coachee) to the coaches' own table."""
    notes = session.execute(
        select(Pairing.coach_id, Meeting.starts_at, Meeting.coach_note)
        .join(Pairing, Meeting.pairing_id == Pairing.id)
        .where(Pairing.coachee_id == subject.person_id, Meeting.coach_note != "")
    ).all()
    for coach_id, starts_at, note in notes:
        session.execute(
            insert(KeptCoachNote).values(
                team_id=subject.team_id,
                coach_id=coach_id,
                session_on=starts_at.date(),
                note=note,
                kept_at=now,
            )
        )
    return len(notes)


def erase(session: Session, subject: Subject) -> dict[str, int]:
    """Delete every row about the subject, children before parents; returns rows deleted per table."""
    counts: dict[str, int] = {}
    for table in reversed(tables_about_people()):
        if table.name in KEPT_FOR_OTHERS:
            continue
        result: Any = session.execute(delete(table).where(rows_of(table, subject)))
        deleted = result.rowcount
        if deleted:
            counts[table.name] = int(deleted)
    return counts


def remaining(session: Session, subject: Subject) -> Iterator[tuple[str, int]]:
    """Tables that still hold rows about the subject, with how many (empty after `erase`)."""
    for table in tables_about_people():
        if table.name in KEPT_FOR_OTHERS:
            continue
        count = session.scalar(select(func.count()).select_from(table).where(rows_of(table, subject))) or 0
        if count:
            yield table.name, count
