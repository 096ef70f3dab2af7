"""Prepared statements (storage/prepared.py): what they store and read is what the ORM stores and reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import Area, Cadence, Goal, GoalStatus
from storage.people import upsert_person
from storage.prepared import Prepared

NOW = datetime(2026, 12, 2, 15, 30, 45, 123456, tzinfo=UTC)
COLUMNS = ("team_id", "person_id", "number", "title", "why", "measure", "target_date", "area", "cadence",
           "status", "created_at", "updated_at", "request_key")  # fmt: skip
INSERT = Prepared(insert(Goal).returning(Goal.id), column_keys=COLUMNS)
READ = Prepared(
    select(Goal.title, Goal.target_date, Goal.area, Goal.status, Goal.created_at, Goal.closed_at).where(
        Goal.id == bindparam("goal_id")
    )
)
ACTIVE_OF = Prepared(
    select(Goal.number).where(Goal.person_id == bindparam("person_id"), Goal.status == GoalStatus.ACTIVE)
)


def _person(db: Database) -> int:
    with db.transaction() as session:
        return upsert_person(session, team_id="T1", slack_user_id="U1", display_name="Randy", tz="UTC",
                             is_workspace_admin=False, is_deleted=False, now=NOW).id  # fmt: skip


def _values(person_id: int, number: int, **changes: object) -> dict[str, object]:
    values: dict[str, object] = dict(
        team_id="T1", person_id=person_id, number=number, title="Read 'one' chapter; DROP TABLE goals",
        why="", measure="", target_date=date(2026, 12, 20), area=Area.CLINICAL, cadence=Cadence.DAILY,
        status=GoalStatus.ACTIVE, created_at=NOW, updated_at=NOW, request_key=f"key{number}",
    )  # fmt: skip
    return {**values, **changes}


def test_a_row_written_by_a_prepared_statement_reads_back_through_the_orm_as_given(any_db: Database) -> None:
    person_id = _person(any_db)
    # An aware time in another zone is stored as UTC, as the ORM's UTCDateTime column stores it.
    later = NOW.astimezone(timezone(timedelta(hours=-6)))
    with any_db.core_transaction() as connection:
        goal_id = INSERT.scalar(connection, _values(person_id, 1, updated_at=later))
    with any_db.read() as session:
        goal = session.get(Goal, goal_id)
        assert goal is not None
        assert (goal.title, goal.target_date, goal.area, goal.cadence, goal.status) == (
            "Read 'one' chapter; DROP TABLE goals", date(2026, 12, 20), Area.CLINICAL, Cadence.DAILY,
            GoalStatus.ACTIVE,
        )  # fmt: skip
        assert goal.created_at == NOW and goal.updated_at == NOW and goal.updated_at.tzinfo is not None


def test_a_row_written_by_the_orm_reads_back_through_a_prepared_statement_as_the_orm_reads_it(
    any_db: Database,
) -> None:
    person_id = _person(any_db)
    with any_db.transaction() as session:
        goal = Goal(**_values(person_id, 1))
        session.add(goal)
        session.flush()
        goal_id = goal.id
    with any_db.core_transaction() as connection:
        [row] = READ.rows(connection, {"goal_id": goal_id})
    assert row == ("Read 'one' chapter; DROP TABLE goals", date(2026, 12, 20), Area.CLINICAL, GoalStatus.ACTIVE,
                   NOW, None)  # fmt: skip
    assert isinstance(row[3], GoalStatus) and row[4].tzinfo is not None


def test_constants_in_the_statement_are_bound_too(any_db: Database) -> None:
    person_id = _person(any_db)
    with any_db.core_transaction() as connection:
        INSERT.rows(connection, _values(person_id, 1))
        INSERT.rows(connection, _values(person_id, 2, status=GoalStatus.DONE))
        INSERT.rows(connection, _values(person_id, 3))
        assert sorted(number for (number,) in ACTIVE_OF.rows(connection, {"person_id": person_id})) == [1, 3]


def test_a_refused_write_is_sqlalchemys_error_without_the_values_and_changes_nothing(
    any_db: Database,
) -> None:
    person_id = _person(any_db)
    with any_db.core_transaction() as connection:
        INSERT.rows(connection, _values(person_id, 1))
    with pytest.raises(IntegrityError) as refused, any_db.core_transaction() as connection:
        INSERT.rows(connection, _values(person_id, 2, request_key="key1", title="Secret words"))
    assert "Secret words" not in str(refused.value)
    with any_db.read() as session:
        assert session.scalars(select(Goal.number)).all() == [1]


def test_statements_a_prepared_statement_cannot_run_faithfully_are_refused(sqlite_db: Database) -> None:
    expanding = Prepared(select(Goal.id).where(Goal.number.in_([1, 2])))
    with sqlite_db.core_transaction() as connection, pytest.raises(ValueError, match="expanding"):
        expanding.rows(connection, {})
    # `why` has a default SQLAlchemy fills in when the caller leaves it out: the caller must give it.
    leaves_a_default = Prepared(insert(Goal), column_keys=("team_id", "person_id", "number", "title"))
    with sqlite_db.core_transaction() as connection, pytest.raises(ValueError, match="why"):
        leaves_a_default.rows(connection, {"team_id": "T1", "person_id": 1, "number": 1, "title": "x"})
