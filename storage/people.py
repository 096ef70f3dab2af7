"""Queries about people (find, create, refresh the cached Slack profile) and their program roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Table, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import Person, ProgramRole, RoleName
from storage.prepared import Prepared

_PEOPLE = Person.__table__
assert isinstance(_PEOPLE, Table)
# Every `/goal add` takes a number: compiled once, run on the driver's cursor.
_TAKE_NUMBER = Prepared(
    update(_PEOPLE)
    .where(_PEOPLE.c.id == bindparam("person_id"))
    .values(last_goal_number=_PEOPLE.c.last_goal_number + 1)
    .returning(_PEOPLE.c.last_goal_number)
)

# Every request resolves who sent it: one Core row, no ORM object.
_STORED_PROFILE = select(
    _PEOPLE.c.id,
    _PEOPLE.c.display_name,
    _PEOPLE.c.tz,
    _PEOPLE.c.is_workspace_admin,
    _PEOPLE.c.locale,
    _PEOPLE.c.home_opened_at,
    _PEOPLE.c.profile_refreshed_at,
).where(_PEOPLE.c.team_id == bindparam("team_id"), _PEOPLE.c.slack_user_id == bindparam("user_id"))


@dataclass(frozen=True)
class StoredProfile:
    """What we keep of a person's Slack profile, and when Slack last told us."""

    person_id: int
    display_name: str
    tz: str
    is_workspace_admin: bool
    locale: str
    home_opened: bool
    refreshed_at: datetime | None


def stored_profile(session: Session, team_id: str, slack_user_id: str) -> StoredProfile | None:
    row = (
        session.connection().execute(_STORED_PROFILE, {"team_id": team_id, "user_id": slack_user_id}).first()
    )
    if row is None:
        return None
    person_id, name, tz, admin, locale, home_opened_at, refreshed_at = row
    return StoredProfile(
        person_id, name, tz, bool(admin), locale or "", home_opened_at is not None, refreshed_at
    )


def find_person(session: Session, team_id: str, slack_user_id: str) -> Person | None:
    return session.scalars(
        select(Person).where(Person.team_id == team_id, Person.slack_user_id == slack_user_id)
    ).one_or_none()


def upsert_person(
    session: Session,
    *,
    team_id: str,
    slack_user_id: str,
    display_name: str,
    tz: str,
    is_workspace_admin: bool,
    is_deleted: bool,
    now: datetime,
    locale: str = "",
) -> Person:
    """Insert the person or refresh their cached profile; safe when two requests race."""
    values = dict(
        team_id=team_id,
        slack_user_id=slack_user_id,
        display_name=display_name,
        tz=tz,
        locale=locale[:16],
        is_workspace_admin=is_workspace_admin,
        is_deleted=is_deleted,
        profile_refreshed_at=now,
    )
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(Person).values(**values, created_at=now, last_goal_number=0)
    stmt = stmt.on_conflict_do_update(index_elements=["team_id", "slack_user_id"], set_=values)
    session.execute(stmt)
    person = find_person(session, team_id, slack_user_id)
    assert person is not None
    session.refresh(person)
    return person


def next_goal_number(connection: Connection, person_id: int) -> int:
    """Take the person's next goal number atomically; numbers are never handed out twice."""
    return int(_TAKE_NUMBER.scalar(connection, {"person_id": person_id}))


def note_home_opened(session: Session, person_id: int, now: datetime) -> None:
    """Remember that this person has a Home tab worth refreshing (first opening only)."""
    session.execute(
        update(Person)
        .where(Person.id == person_id, Person.home_opened_at.is_(None))
        .values(home_opened_at=now)
    )


def has_role(session: Session, person_id: int, role: RoleName) -> bool:
    return (
        session.scalar(
            select(ProgramRole.id).where(ProgramRole.person_id == person_id, ProgramRole.role == role)
        )
        is not None
    )


def grant(
    session: Session, team_id: str, person_id: int, role: RoleName, granted_by: str, now: datetime
) -> bool:
    """Grant a role; False when the person already had it."""
    if has_role(session, person_id, role):
        return False
    session.add(
        ProgramRole(team_id=team_id, person_id=person_id, role=role, granted_by=granted_by, granted_at=now)
    )
    return True


def revoke(session: Session, person_id: int, role: RoleName) -> bool:
    result = session.execute(
        delete(ProgramRole)
        .where(ProgramRole.person_id == person_id, ProgramRole.role == role)
        .returning(ProgramRole.id)
    )
    return result.first() is not None


def set_cohort(session: Session, person_id: int, cohort: str | None) -> None:
    """Put the person in a cohort (None: in none)."""
    session.execute(update(Person).where(Person.id == person_id).values(cohort=cohort))
