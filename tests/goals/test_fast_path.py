"""The path every coachee walks: `/goal add` answers in a few statements, however many goals they have."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.emulator import SlackDriver, SlackEmulator
from storage.db import Database
from storage.models import Delivery, DeliveryStatus
from tests.conftest import FixedClock
from tests.harness import SIGNING_SECRET, RunningApp, Slack, settings_for, start_app

# Transaction control (SQLite's lock wait and BEGIN IMMEDIATE, PostgreSQL's SET LOCAL) is not work.
CONTROL = ("PRAGMA", "BEGIN", "SET LOCAL", "COMMIT", "ROLLBACK")


class Statements:
    """The statements the app sends while counting is on (transaction control apart)."""

    def __init__(self, db: Database) -> None:
        self.counting = False
        self.seen: list[str] = []
        self._lock = threading.Lock()
        event.listen(db.engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.counting and not statement.lstrip().upper().startswith(CONTROL):
            with self._lock:
                self.seen.append(" ".join(statement.split())[:90])


@pytest.fixture
def any_app(emulator: SlackEmulator, any_db: Database, clock: FixedClock) -> Iterator[RunningApp]:
    running = start_app(settings_for(emulator, any_db.url), any_db, clock)
    yield running
    running.stop()


def test_adding_a_goal_for_someone_with_ten_goals_takes_at_most_four_statements(
    emulator: SlackEmulator, any_app: RunningApp, any_db: Database
) -> None:
    slack = Slack(emulator, SlackDriver(emulator, any_app.url, SIGNING_SECRET))
    randy = slack.person("randy")
    for n in range(10):
        slack.goal(f"add Practice question set {n} by Dec 20", user=randy)
    any_app.wait_idle()
    statements = Statements(any_db)
    statements.counting = True
    reply = slack.goal("add Read one NEJM article a week by Dec 20", user=randy)
    any_app.wait_idle()
    statements.counting = False
    assert "Goal #11" in reply.text
    assert len(statements.seen) <= 4, statements.seen
    # The new goal joined the person's one nudge row: one DM for the slot, all eleven goals in it.
    with any_app.services.db.read() as session:
        [row] = session.scalars(select(Delivery).where(Delivery.status == DeliveryStatus.PENDING)).all()
    assert len(row.payload.split(",")) == 11
