"""A request never waits past Slack's 3 seconds: a held database lock gets "busy, please try again"
with nothing written, and the same command works once the lock is gone (signed HTTP, real locks)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.emulator import SlackDriver, SlackEmulator
from bot.platform.request_errors import BUSY
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Goal
from storage.models.checkins import NudgeAnswer
from tests.checkins.test_nudges import TUESDAY_NINE_CHICAGO, checkins
from tests.conftest import PG_URL, FixedClock
from tests.harness import SIGNING_SECRET, RunningApp, Slack, run_due, settings_for, start_app

SLACK_ACK_SECONDS = 3.0
HOLD_SECONDS = 12

# Another process takes SQLite's write lock and keeps it, as a long migration or a stuck job would.
HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def goals(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Goal)) or 0)


def timed_goal(slack: Slack, text_: str, user: str) -> tuple[float, str]:
    started = time.monotonic()
    reply = slack.goal(text_, user=user)
    return time.monotonic() - started, reply.text


def hold_write_lock(app: RunningApp) -> subprocess.Popen[str]:
    """Another process holding the app's SQLite write lock for HOLD_SECONDS."""
    path = app.services.db.url.removeprefix("sqlite:///")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, path, str(HOLD_SECONDS)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


@pytest.fixture
def held_by_another_process(app: RunningApp) -> Iterator[subprocess.Popen[str]]:
    holder = hold_write_lock(app)
    yield holder
    holder.kill()
    holder.wait()


def test_a_write_lock_held_by_another_process_gets_busy_within_3_seconds_and_nothing_is_written(
    slack: Slack, randy: str, app: RunningApp, held_by_another_process: subprocess.Popen[str]
) -> None:
    seconds, answer = timed_goal(slack, "add Read chapter 4 by Dec 20", randy)
    assert seconds < SLACK_ACK_SECONDS, seconds
    assert answer == BUSY
    assert goals(app.services.db) == 0
    held_by_another_process.kill()  # the lock goes with the process
    held_by_another_process.wait()
    seconds, answer = timed_goal(slack, "add Read chapter 4 by Dec 20", randy)
    assert answer.startswith("Goal #1 saved: Read chapter 4"), answer
    assert seconds < SLACK_ACK_SECONDS and goals(app.services.db) == 1


def test_a_click_under_a_held_lock_says_busy_through_its_response_url_and_records_nothing(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Read one NEJM article a week", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    clock.now = TUESDAY_NINE_CHICAGO
    run_due(app, slack.emulator)
    [nudge] = slack.dms(randy)
    app.wait_idle()
    holder = hold_write_lock(app)
    try:
        started = time.monotonic()
        assert slack.click_in_message(randy, nudge, "On track").status == 200
        assert time.monotonic() - started < SLACK_ACK_SECONDS
        said = slack.emulator.wait_for(
            lambda _calls: [r for r in slack.emulator.response_urls if r.get("text")]
        )
        assert [(r["text"], r["response_type"], r["replace_original"]) for r in said] == [
            (BUSY, "ephemeral", False)
        ]
        assert checkins(app) == []
    finally:
        holder.kill()
        holder.wait()
    slack.click_message(randy, nudge, "On track")
    slack.wait_for_edit(nudge)
    assert [c.answer for c in checkins(app)] == [NudgeAnswer.ON_TRACK]


def test_a_long_transaction_in_this_process_gets_busy_too(slack: Slack, randy: str, app: RunningApp) -> None:
    assert slack.goal("add Read chapter 4 by Dec 20", user=randy).text.startswith("Goal #1 saved")
    release, holding = threading.Event(), threading.Event()

    def background_job() -> None:  # a job of this process holding the write lock (no deadline)
        with app.services.db.transaction():
            holding.set()
            release.wait(HOLD_SECONDS)

    job = threading.Thread(target=background_job)
    job.start()
    try:
        assert holding.wait(5)
        seconds, answer = timed_goal(slack, "add Call my mentor by Dec 20", randy)
        assert seconds < SLACK_ACK_SECONDS, seconds
        assert answer == BUSY
    finally:
        release.set()
        job.join()
    assert goals(app.services.db) == 1
    assert slack.goal("add Call my mentor by Dec 20", user=randy).text.startswith("Goal #2 saved")


def test_a_postgresql_table_lock_gets_busy_within_3_seconds_and_nothing_is_written(
    pg_schema: str, emulator: SlackEmulator, clock: FixedClock
) -> None:
    db = Database(PG_URL, connect_args={"options": f"-csearch_path={pg_schema}"})
    upgrade(db.engine)
    running = start_app(settings_for(emulator, PG_URL), db, clock)
    holder = Database(PG_URL, connect_args={"options": f"-csearch_path={pg_schema}"})
    try:
        slack = Slack(emulator, SlackDriver(emulator, running.url, SIGNING_SECRET))
        randy = slack.person("randy", "America/Chicago")
        assert slack.goal("add Read chapter 4 by Dec 20", user=randy).text.startswith("Goal #1 saved")
        with holder.engine.connect() as connection, connection.begin():
            # Readers pass; every writer of these tables waits (a long migration, a stuck job).
            connection.execute(text("LOCK TABLE people, goals IN EXCLUSIVE MODE"))
            seconds, answer = timed_goal(slack, "add Call my mentor by Dec 20", randy)
            assert seconds < SLACK_ACK_SECONDS, seconds
            assert answer == BUSY
        assert goals(db) == 1
        assert slack.goal("add Call my mentor by Dec 20", user=randy).text.startswith("Goal #2 saved")
    finally:
        running.stop()
        holder.dispose()
        db.dispose()


def healthz(app: RunningApp) -> tuple[float, int, str]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(app.url.replace("/slack/events", "/healthz"), timeout=10) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return time.monotonic() - started, status, body.decode()


def test_healthz_reports_a_locked_database_within_a_second(
    app: RunningApp, held_by_another_process: subprocess.Popen[str]
) -> None:
    seconds, status, body = healthz(app)
    assert seconds < 1.0, seconds
    assert (status, body) == (503, "database locked by another writer\n")
    held_by_another_process.kill()
    held_by_another_process.wait()
    assert healthz(app)[1:] == (200, "ok\n")


def test_healthz_reports_a_read_only_database(
    tmp_path: Path, emulator: SlackEmulator, clock: FixedClock
) -> None:
    path = tmp_path / "coachbot.db"
    writable = Database(f"sqlite:///{path}")
    upgrade(writable.engine)
    writable.dispose()
    # Opened read-only, as on a read-only volume (chmod would not stop a root user's writes).
    db = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    running = start_app(settings_for(emulator, db.url), db, clock)
    try:
        seconds, status, body = healthz(running)
        assert seconds < 1.0, seconds
        assert (status, body) == (503, "database read-only\n")
    finally:
        running.stop()
        db.dispose()
