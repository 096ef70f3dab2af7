"""The path every coachee walks: `/goal add` answers in a few statements, however many goals they have."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.emulator import SlackDriver, SlackEmulator
from storage.db import Database
from storage.models import Delivery, DeliveryStatus
from tests.conftest import FixedClock
from tests.harness import SIGNING_SECRET, RunningApp, Slack, settings_for, start_app
from tests.statements import counting


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
    with counting(any_db) as statements:
        reply = slack.goal("add Read one NEJM article a week by Dec 20", user=randy)
        any_app.wait_idle()
    assert "Goal #11" in reply.text
    # Counted by the driver: the statements SQLite or PostgreSQL actually ran, whichever road sent them.
    assert 1 <= len(statements) <= 4, statements
    # The new goal joined the person's one nudge row: one DM for the slot, all eleven goals in it.
    with any_app.services.db.read() as session:
        [row] = session.scalars(select(Delivery).where(Delivery.status == DeliveryStatus.PENDING)).all()
    assert len(row.payload.split(",")) == 11
