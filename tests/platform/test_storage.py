"""Storage on SQLite and (with TEST_DATABASE_URL) PostgreSQL: migrations, numbering, time zones."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.goals import service as goals
from bot.goals.service import GoalDraft
from bot.platform.people import Actor
from storage.db import Database
from storage.models import Base, Goal
from storage.people import upsert_person
from storage.schema import ALL_METADATA

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def make_actor(db: Database, user_id: str = "U1", team_id: str = "T1", tz: str = "America/Chicago") -> Actor:
    with db.transaction() as s:
        person = upsert_person(
            s,
            team_id=team_id,
            slack_user_id=user_id,
            display_name=user_id,
            tz=tz,
            is_workspace_admin=False,
            is_deleted=False,
            now=NOW,
        )
        return Actor(team_id, user_id, person.id, user_id, tz, False)


def test_migrations_and_models_agree(any_db: Database) -> None:
    with any_db.engine.connect() as connection:
        # Our models and the Slack OAuth stores' tables, which our migrations create too.
        diff = compare_metadata(MigrationContext.configure(connection), ALL_METADATA)  # type: ignore[arg-type]
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_every_table_carries_the_team_id(any_db: Database) -> None:
    inspector = inspect(any_db.engine)
    for table in Base.metadata.tables:
        assert "team_id" in {c["name"] for c in inspector.get_columns(table)}, table


def test_concurrent_adds_get_distinct_consecutive_numbers(any_db: Database) -> None:
    actor = make_actor(any_db)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def add(i: int) -> None:
        try:
            goal, _ = goals.add_goal(any_db, actor, GoalDraft(title=f"goal {i}"), NOW, request_key=None)
            numbers.append(goal.number)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == list(range(1, 13))


def test_numbers_belong_to_each_person(any_db: Database) -> None:
    ann, bob = make_actor(any_db, "UANN"), make_actor(any_db, "UBOB")
    assert goals.add_goal(any_db, ann, GoalDraft("a"), NOW, None)[0].number == 1
    assert goals.add_goal(any_db, bob, GoalDraft("b"), NOW, None)[0].number == 1
    assert goals.add_goal(any_db, ann, GoalDraft("c"), NOW, None)[0].number == 2


def test_the_same_request_key_makes_one_goal(any_db: Database) -> None:
    actor = make_actor(any_db)
    first, created = goals.add_goal(any_db, actor, GoalDraft("once"), NOW, "T1:command:abc")
    again, created_again = goals.add_goal(any_db, actor, GoalDraft("once"), NOW, "T1:command:abc")
    assert created and not created_again and first.number == again.number == 1


def test_times_come_back_as_the_same_instant_in_utc(any_db: Database) -> None:
    actor = make_actor(any_db)
    noted_at = datetime(2026, 11, 1, 1, 30, tzinfo=timezone(timedelta(hours=-4)))  # a DST-day instant
    goals.add_goal(any_db, actor, GoalDraft("g"), NOW, None)
    goals.log_progress(any_db, actor, 1, "note", noted_at, None)
    info = goals.get_goal(any_db, actor, 1)  # read back in a new session
    assert info.last_note is not None
    assert info.last_note.created_at == noted_at and info.last_note.created_at.tzinfo == UTC


def test_a_naive_datetime_is_refused_rather_than_guessed(any_db: Database) -> None:
    actor = make_actor(any_db)
    with pytest.raises(Exception, match="naive"):
        goals.add_goal(any_db, actor, GoalDraft("g"), datetime(2026, 11, 23, 9, 0), None)
    with any_db.transaction() as s:
        assert s.query(Goal).count() == 0


def test_upsert_person_refreshes_the_cached_profile(any_db: Database) -> None:
    make_actor(any_db, tz="America/Chicago")
    later = make_actor(any_db, tz="Asia/Kolkata")
    assert later.tz == "Asia/Kolkata"
