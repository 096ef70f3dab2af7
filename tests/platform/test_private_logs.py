"""Nothing a person typed reaches the log, even when the database or Slack fails on its way."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from bot.checkins.ids import CheckinField
from bot.platform.delivery.scheduler import dispatch_tick
from bot.platform.slack import make_web_client
from storage.db import Database
from tests.checkins.test_checkins import PRIVATE, open_checkin, select_value, text_value
from tests.checkins.test_nudges import TUESDAY_NINE_CHICAGO
from tests.conftest import FixedClock
from tests.harness import BOT_TOKEN, RunningApp, Slack, run_due

GOAL = "Quokka rehearsal schedule"
NOTE = "Zephyrine panic before anatomy"
WORDS = ("Quokka", "rehearsal", "Zephyrine", "panic")


def read_only(db: Database) -> None:
    """From now on every write fails inside its transaction, as on a full or read-only disk:
    the transaction begins, reads answer, and the first INSERT or UPDATE (with its parameters) fails."""

    def refuse_writes(connection: Any) -> None:
        connection.exec_driver_sql("PRAGMA query_only=ON")

    def allow_next_begin(connection: Any) -> None:
        connection.exec_driver_sql("PRAGMA query_only=OFF")

    event.listen(db.engine, "begin", refuse_writes)
    event.listen(db.engine, "rollback", allow_next_begin)
    event.listen(db.engine, "commit", allow_next_begin)


def every_log_line(caplog: pytest.LogCaptureFixture) -> str:
    """What a log handler at INFO would have written so far: messages and any traceback."""
    formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    records = caplog.get_records("setup") + caplog.get_records("call")
    return "\n".join(formatter.format(record) for record in records)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO)
    yield caplog
    text = every_log_line(caplog)
    for word in WORDS:
        assert word not in text, f"{word!r} reached the log:\n{text}"


def test_a_goal_typed_while_the_database_refuses_writes(
    slack: Slack, randy: str, app: RunningApp, logs: pytest.LogCaptureFixture
) -> None:
    read_only(app.services.db)
    reply = slack.command("/goal", f"add {GOAL}", user=randy)
    assert reply.status == 200 and "nothing was changed" in reply.text
    assert "request failed: /goal; OperationalError" in every_log_line(logs)


def test_a_private_checkin_note_while_the_database_refuses_writes(
    slack: Slack, randy: str, app: RunningApp, logs: pytest.LogCaptureFixture
) -> None:
    slack.goal(f"add {GOAL}", user=randy)
    modal = open_checkin(slack, randy)
    read_only(app.services.db)
    reply = slack.submit(
        randy,
        modal,
        {
            CheckinField.WELLBEING: select_value("4"),
            CheckinField.NOTE: text_value(NOTE),
            CheckinField.PRIVATE: PRIVATE,
        },
    )
    assert reply.status == 200, reply
    # The form stays open under a short apology, with what was typed still in it.
    assert reply.json["response_action"] == "push"
    assert "nothing was changed" in str(reply.json["view"])
    assert "request failed: view_submission checkin_modal" in every_log_line(logs)


def test_a_nudge_note_and_its_delivery_when_slack_and_the_database_fail(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock, logs: pytest.LogCaptureFixture
) -> None:
    slack.goal(f"add {GOAL}", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    clock.now = TUESDAY_NINE_CHICAGO
    slack.emulator.fail("chat.postMessage", times=None)
    run_due(app, slack.emulator)  # the nudge names the goal; Slack answers 500
    slack.emulator.heal()
    clock.advance(minutes=5)
    run_due(app, slack.emulator)
    slack.click_in_message(randy, slack.dms(randy)[0], "Add a note")
    modal = slack.open_modal(randy)
    slack.emulator.fail("views.publish", times=None)  # the Home refresh after the note fails too
    read_only(app.services.db)
    values = {CheckinField.NOTE: text_value(NOTE), CheckinField.PRIVATE: PRIVATE}
    assert slack.submit(randy, modal, values).status == 200
    clock.advance(days=1)
    dispatch_tick(app.services, make_web_client(BOT_TOKEN, slack.emulator.url))  # as the scheduler runs it
    app.wait_idle()
    assert "request failed: view_submission nudge_note_modal" in every_log_line(logs)
