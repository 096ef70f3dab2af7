"""Fixtures: a Slack emulator on loopback, a real database file, the real app over HTTP."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.emulator import SlackDriver, SlackEmulator
from storage.db import Database
from storage.migrate import upgrade
from tests.harness import SIGNING_SECRET, RunningApp, Slack, settings_for, start_app

# The storage and multi-process tests run on PostgreSQL too; with no server there they fail, loudly.
PG_URL = os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class FixedClock:
    """A settable clock: tests move time explicitly, never by sleeping."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("SLACK_", "COACHBOT_")) or name == "DATABASE_URL":
            monkeypatch.delenv(name)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))  # a Monday, 9:00 in Chicago


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'coachbot.db'}"


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    db = Database(_sqlite_url(tmp_path))
    upgrade(db.engine)
    yield db
    db.dispose()


def _pg_database(schema: str) -> Database:
    return Database(PG_URL, connect_args={"options": f"-csearch_path={schema}"})


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(PG_URL)
    try:
        with admin.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        pytest.fail(f"PostgreSQL is not reachable ({error.orig!r}): start it, or set TEST_DATABASE_URL")
    yield schema
    with admin.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """Storage tests run on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        db = Database(_sqlite_url(tmp_path))
    else:
        db = _pg_database(request.getfixturevalue("pg_schema"))
    upgrade(db.engine)
    yield db
    db.dispose()


@pytest.fixture
def emulator(clock: FixedClock) -> Iterator[SlackEmulator]:
    emu = SlackEmulator(clock=clock).start()
    yield emu
    emu.stop()


@pytest.fixture
def app(emulator: SlackEmulator, sqlite_db: Database, clock: FixedClock) -> Iterator[RunningApp]:
    running = start_app(settings_for(emulator, sqlite_db.url), sqlite_db, clock)
    yield running
    running.stop()


@pytest.fixture
def slack(emulator: SlackEmulator, app: RunningApp) -> Slack:
    return Slack(emulator, SlackDriver(emulator, app.url, SIGNING_SECRET))


@pytest.fixture
def randy(slack: Slack) -> str:
    return slack.person("randy", "America/Chicago")


@pytest.fixture
def dean(slack: Slack) -> str:
    """A program admin (a workspace admin in Slack)."""
    return slack.person("dean", "America/Chicago", is_admin=True)


@pytest.fixture
def drlee(slack: Slack) -> str:
    """A coach in New York."""
    return slack.person("drlee", "America/New_York")


@pytest.fixture
def priya(slack: Slack) -> str:
    """A coachee in Kolkata."""
    return slack.person("priya", "Asia/Kolkata")


@pytest.fixture
def paired(slack: Slack, dean: str, drlee: str, priya: str) -> tuple[str, str]:
    """Dr Lee coaches Priya; returns (coach, coachee)."""
    reply = slack.coach("assign @drlee @priya", user=dean)
    assert "now paired" in reply.text, reply.text
    return drlee, priya
