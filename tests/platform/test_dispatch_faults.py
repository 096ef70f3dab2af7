"""Every message once under faults, with real `coachbot worker` processes: a SIGKILL mid-wave, a
deploy's SIGTERM mid-wave, clocks minutes apart, Slack answering 500 for ten minutes or down for hours (virtual time), answers
slower than the client's timeout, and three PostgreSQL workers under all of them at once.

Each test checks: no message posted twice, no row left unsettled or lost without a record, and
what was skipped as no longer useful, with its reason."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.emulator import SlackEmulator
from storage import deliveries as store
from storage import delivery_claims as claims
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Delivery, DeliveryStatus
from tests.conftest import PG_URL
from tests.harness import BOT_TOKEN, wait_until
from tests.platform.dispatch_worker import KIND, FileClock

ROOT = Path(__file__).resolve().parents[2]
TEAM = "T0COACH01"
# Short leases and ticks keep the tests quick; the send timeout leaves room for a busy test machine
# (a post that takes longer would be "unconfirmed" and fail the tests' exact counts).
SEND_TIMEOUT = 4.0
FAST = {
    "COACHBOT_TICK_SECONDS": "0.1",
    "COACHBOT_LEASE_SECONDS": "7",
    "COACHBOT_SEND_TIMEOUT_SECONDS": str(SEND_TIMEOUT),
}
# A slow answer: well past the client's timeout, so the client never hears Slack posted it.
SLOW = SEND_TIMEOUT + 3
IN_FLIGHT_AT_EXIT = "sent, unconfirmed: its sender stopped while the post was in flight"


class Workers:
    """Real worker processes, each `python -m tests.platform.dispatch_worker worker` with its own env."""

    def __init__(self, tmp_path: Path, db_url: str, api: str) -> None:
        self.tmp_path, self.db_url, self.api = tmp_path, db_url, api
        self.procs: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self, **env: str) -> subprocess.Popen[bytes]:
        log = self.tmp_path / f"worker{len(self.procs)}.log"
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACHBOT_"))}
        settings = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": self.api, "DATABASE_URL": self.db_url}
        extra = [
            f"--{name.lower().replace('_', '-')}={env.pop(name)}"
            for name in ("CLOCK_FILE", "CLOCK_OFFSET")
            if name in env
        ]
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tests.platform.dispatch_worker", "worker", *extra],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**clean, **settings, **FAST, **env, "PYTHONPATH": str(ROOT)},
            )
        self.procs.append((proc, log))
        return proc

    def log(self, proc: subprocess.Popen[bytes]) -> str:
        return next(log for p, log in self.procs if p is proc).read_text()

    def stop(self) -> None:
        for proc, _ in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, _ in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'faults.db'}"
    db = Database(url)
    upgrade(db.engine)
    db.dispose()
    return url


@pytest.fixture
def pg_url(pg_schema: str) -> Iterator[str]:
    assert PG_URL
    url = f"{PG_URL}?options=-csearch_path%3D{pg_schema}"
    db = Database(url)
    upgrade(db.engine)
    db.dispose()
    yield url


def plan(db_url: str, users: list[str], due_at: datetime, *, first: int = 0, **payload: Any) -> None:
    db = Database(db_url)
    with db.transaction() as s:
        store.plan_many(
            s,
            [
                {
                    "team_id": TEAM,
                    "kind": KIND,
                    "recipient": user,
                    "due_at": due_at
                    + timedelta(milliseconds=10 * n),  # staggered: the oldest should go first
                    "dedupe_key": f"hello:{first + n}",
                    "payload": {"n": first + n, **payload},
                }
                for n, user in enumerate(users)
            ],
            due_at,
        )
    db.dispose()


_READERS: dict[str, Database] = {}


def all_rows(db_url: str) -> list[Delivery]:
    if db_url not in _READERS:
        _READERS[db_url] = Database(db_url)
    db = _READERS[db_url]
    with db.read() as s:
        return list(s.scalars(select(Delivery).order_by(Delivery.id)))


def settled(db_url: str) -> bool:
    return all(r.status not in {DeliveryStatus.PENDING, DeliveryStatus.CLAIMED} for r in all_rows(db_url))


def posted(emulator: SlackEmulator) -> Counter[str]:
    return Counter(c.args["text"] for c in emulator.calls_to("chat.postMessage"))


def audit(emulator: SlackEmulator, db_url: str) -> dict[str, Any]:
    """Duplicates, silent losses and the rest, from Slack's side and the table's."""
    texts = posted(emulator)
    rows = all_rows(db_url)
    unconfirmed = [r for r in rows if (r.last_error or "").startswith(claims.UNCONFIRMED)]
    lost = [
        r
        for r in rows
        if r.status not in {DeliveryStatus.SKIPPED, DeliveryStatus.FAILED}
        and texts[f"hello {number(r)}"] == 0
    ]
    return {
        "duplicates": sum(n - 1 for n in texts.values() if n > 1),
        "unsettled": [r.id for r in rows if r.status in {DeliveryStatus.PENDING, DeliveryStatus.CLAIMED}],
        "failed": [r.last_error for r in rows if r.status == DeliveryStatus.FAILED],
        # Sent rows Slack never got: only possible for an unconfirmed one, and then it is on record.
        "silently_lost": [r.id for r in lost if r not in unconfirmed],
        "unconfirmed_not_posted": [r.id for r in lost if r in unconfirmed],
        "unconfirmed": len(unconfirmed),
        # Unconfirmed because no answer came in time: the texts, to compare with the slowed posts.
        "unanswered": sorted(
            f"hello {number(r)}" for r in unconfirmed if "no answer" in (r.last_error or "")
        ),
        # Unconfirmed because their sender died mid-post: who held them.
        "stopped_mid_post": [r.claimed_by or "" for r in unconfirmed if r.last_error == IN_FLIGHT_AT_EXIT],
        "skipped": Counter(
            r.last_error.split(" (")[0] for r in rows if r.status == DeliveryStatus.SKIPPED and r.last_error
        ),
        "sent": sum(1 for r in rows if r.status == DeliveryStatus.SENT),
    }


def slowed(emulator: SlackEmulator) -> list[str]:
    """The posts whose answer the emulator held back past the client's timeout (Slack has them)."""
    return sorted(c.args["text"] for c in emulator.calls_to("chat.postMessage") if c.delayed)


def held_by(proc: subprocess.Popen[bytes]) -> str:
    return f":{proc.pid}:"


def number(row: Delivery) -> int:
    return int(json.loads(row.payload)["n"])


def test_a_worker_sigkilled_mid_wave_and_its_replacement_send_every_message_once(
    emulator: SlackEmulator, sqlite_url: str, tmp_path: Path
) -> None:
    users = [emulator.workspace.add_user(f"student{n}") for n in range(60)]
    plan(sqlite_url, users, datetime.now(UTC) - timedelta(minutes=1))
    workers = Workers(tmp_path, sqlite_url, emulator.url)
    try:
        doomed = workers.start(COACHBOT_WORKSPACE_RATE="15")
        emulator.wait_for_call("chat.postMessage", count=20, timeout=30)
        doomed.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        doomed.wait(timeout=10)
        workers.start(COACHBOT_WORKSPACE_RATE="15")
        wait_until(lambda: settled(sqlite_url), 60, "every row settled after the kill")
        last_post = max(c.at for c in emulator.calls_to("chat.postMessage"))
    finally:
        workers.stop()
    result = audit(emulator, sqlite_url)
    assert result["duplicates"] == 0 and result["silently_lost"] == [] and result["failed"] == []
    # Only posts the killed worker had in flight may be on record as unconfirmed; none went out twice.
    assert result["unanswered"] == [], result
    assert all(held_by(doomed) in worker for worker in result["stopped_mid_post"]), result
    assert result["unconfirmed"] == len(result["stopped_mid_post"])
    assert result["sent"] == 60 and result["skipped"] == Counter()
    assert last_post - (time.time() - (time.monotonic() - killed_at)) < 60


def test_a_worker_stopped_mid_wave_ends_its_posts_in_flight_hands_back_the_rest_and_exits_at_once(
    emulator: SlackEmulator, sqlite_url: str, tmp_path: Path
) -> None:
    users = [emulator.workspace.add_user(f"student{n}") for n in range(40)]
    plan(sqlite_url, users, datetime.now(UTC) - timedelta(minutes=1))
    # Every answer comes 1.5 s after the post: posts are in flight when the stop comes.
    emulator.slow("chat.postMessage", 1.5, times=None)
    workers = Workers(tmp_path, sqlite_url, emulator.url)
    try:
        deployed = workers.start(COACHBOT_WORKSPACE_RATE="4")  # 40 messages: a pass of 10 s
        emulator.wait_for_call("chat.postMessage", count=4, timeout=30)
        deployed.send_signal(signal.SIGTERM)  # a deploy stops it
        asked = time.monotonic()
        deployed.wait(timeout=20)
        took = time.monotonic() - asked
        at_exit, posted_before = all_rows(sqlite_url), sum(posted(emulator).values())
        emulator.heal()
        workers.start(COACHBOT_WORKSPACE_RATE="40")
        wait_until(lambda: settled(sqlite_url), 60, "every row settled by the next worker")
    finally:
        workers.stop()
    # It waited for its posts in flight (1.5 s), not for the rest of its 10-second pass.
    assert took < 5, took
    assert deployed.returncode == 0, workers.log(deployed)
    # What Slack got from it is on record as sent; the rows it had claimed but not started wait,
    # unclaimed, for the next worker at once (not at the end of their lease).
    assert sum(r.status == DeliveryStatus.SENT for r in at_exit) == posted_before
    assert [r.id for r in at_exit if r.status == DeliveryStatus.CLAIMED] == []
    assert any(r.last_error == "handed back unsent: its worker was stopping" for r in at_exit)
    result = audit(emulator, sqlite_url)
    assert result["duplicates"] == 0 and result["silently_lost"] == [] and result["failed"] == []
    assert result["unconfirmed"] == 0 and result["sent"] == 40


def test_two_workers_with_clocks_three_minutes_apart_send_each_message_once(
    emulator: SlackEmulator, pg_url: str, tmp_path: Path
) -> None:
    users = [emulator.workspace.add_user(f"student{n}") for n in range(80)]
    plan(pg_url, users, datetime.now(UTC) - timedelta(seconds=30))
    workers = Workers(tmp_path, pg_url, emulator.url)
    try:
        honest = workers.start(COACHBOT_WORKSPACE_RATE="40")
        # The clock is off by an injected offset (libfaketime also shifts the monotonic clock
        # that timed waits use, which stalls any threaded program, not just this one).
        skewed = workers.start(CLOCK_OFFSET="180", COACHBOT_WORKSPACE_RATE="40")
        wait_until(lambda: settled(pg_url), 60, "every row settled")
    finally:
        workers.stop()
    result = audit(emulator, pg_url)
    assert result["duplicates"] == 0 and result["silently_lost"] == [] and result["failed"] == []
    assert result["unconfirmed_not_posted"] == [] and result["sent"] == 80
    assert "clock is 180 s ahead of the database's" in workers.log(skewed)
    assert "clock is" not in workers.log(honest)


@pytest.fixture
def virtual(tmp_path: Path) -> Iterator[tuple[FileClock, SlackEmulator]]:
    """A virtual clock the workers and the emulator share (a file), and an emulator on it."""
    clock = FileClock(tmp_path / "clock")
    clock.set(datetime.now(UTC).replace(microsecond=0))
    emulator = SlackEmulator(clock=clock).start()
    yield clock, emulator
    emulator.stop()


def run_virtual_time(
    clock: FileClock, emulator: SlackEmulator, db_url: str, until: datetime, step: timedelta
) -> None:
    """Once the worker has tried to post, move the shared clock on by `step` each time the worker
    has nothing claimed (so a jump never lands in the middle of a send), until `until`."""
    emulator.wait_for(lambda calls: any(c.method == "chat.postMessage" for c in calls), timeout=30)
    while clock() < until:
        time.sleep(0.12)  # a tick or so: the worker looks at the new time
        wait_until(
            lambda: all(r.status != DeliveryStatus.CLAIMED for r in all_rows(db_url)), 30, "the pass ends"
        )
        clock.set(clock() + step)


# Sends half a second apart: the order Slack sees them in is the order they left, even on a busy machine.
VIRTUAL = {
    "COACHBOT_LEASE_SECONDS": "120",
    "COACHBOT_SEND_TIMEOUT_SECONDS": str(SEND_TIMEOUT),
    "COACHBOT_WORKSPACE_RATE": "2",
}


def test_slack_answering_500_for_ten_minutes_delays_every_message_but_loses_none(
    virtual: tuple[FileClock, SlackEmulator], sqlite_url: str, tmp_path: Path
) -> None:
    clock, emulator = virtual
    start = clock()
    users = [emulator.workspace.add_user(f"student{n}") for n in range(20)]
    plan(sqlite_url, users, start - timedelta(minutes=1))
    emulator.fail("chat.postMessage", 500, times=None, until=start + timedelta(minutes=10))
    workers = Workers(tmp_path, sqlite_url, emulator.url)
    try:
        workers.start(CLOCK_FILE=str(clock.path), **VIRTUAL)
        run_virtual_time(clock, emulator, sqlite_url, start + timedelta(minutes=16), timedelta(seconds=30))
        wait_until(lambda: settled(sqlite_url), 30, "every row settled")
    finally:
        workers.stop()
    result = audit(emulator, sqlite_url)
    assert result["duplicates"] == 0 and result["silently_lost"] == [] and result["failed"] == []
    assert (
        result["sent"] == 20
        and result["unconfirmed"] == 0
        and posted(emulator) == Counter({f"hello {n}": 1 for n in range(20)})
    )
    refused = [c for c in emulator.calls_to("chat.postMessage", ok_only=False) if c.status == 500]
    # Slack was asked again and again through the outage, but by one probing row at a time, not
    # by every row spending a send on it.
    assert 8 <= len(refused) < 20 * 3


def test_an_outage_of_hours_sends_what_is_still_useful_oldest_first_and_skips_the_rest_saying_why(
    virtual: tuple[FileClock, SlackEmulator], sqlite_url: str, tmp_path: Path
) -> None:
    clock, emulator = virtual
    start = clock()
    users = [emulator.workspace.add_user(f"student{n}") for n in range(30)]
    due = start - timedelta(minutes=1)
    plan(sqlite_url, users[:10], due)  # useful for a day
    reminders = {"useful_until": (start + timedelta(hours=2)).isoformat(), "why": "the session has started"}
    plan(sqlite_url, users[10:20], due, first=10, **reminders)
    nudges = {
        "useful_until": (start + timedelta(hours=3)).isoformat(),
        "why": "a nudge past the end of its day",
    }
    plan(sqlite_url, users[20:], due, first=20, **nudges)
    emulator.fail("chat.postMessage", 503, times=None, until=start + timedelta(hours=5))
    workers = Workers(tmp_path, sqlite_url, emulator.url)
    try:
        workers.start(CLOCK_FILE=str(clock.path), **VIRTUAL)
        run_virtual_time(
            clock, emulator, sqlite_url, start + timedelta(hours=5, minutes=20), timedelta(minutes=20)
        )
        wait_until(lambda: settled(sqlite_url), 30, "every row settled")
    finally:
        workers.stop()
    result = audit(emulator, sqlite_url)
    assert result["duplicates"] == 0 and result["silently_lost"] == [] and result["failed"] == []
    order = [int(c.args["text"].split()[1]) for c in emulator.calls_to("chat.postMessage")]
    assert sorted(order) == list(range(10))
    # Oldest first among the rows that waited together; a row that was already probing Slack when
    # the first failure came back keeps its own retry time and may come out of line.
    assert any(order[:i] + order[i + 1 :] == sorted(order[:i] + order[i + 1 :]) for i in range(10)), order
    assert result["skipped"] == Counter(
        {
            "no longer useful: the session has started": 10,
            "no longer useful: a nudge past the end of its day": 10,
        }
    )


def test_answers_slower_than_the_client_timeout_are_never_sent_again(
    emulator: SlackEmulator, sqlite_url: str, tmp_path: Path
) -> None:
    users = [emulator.workspace.add_user(f"student{n}") for n in range(30)]
    plan(sqlite_url, users, datetime.now(UTC) - timedelta(minutes=1))
    emulator.slow("chat.postMessage", SLOW, times=5)  # Slack posts them; the answer comes too late
    workers = Workers(tmp_path, sqlite_url, emulator.url)
    try:
        workers.start(COACHBOT_WORKSPACE_RATE="20")
        wait_until(lambda: settled(sqlite_url), 40, "every row settled")
    finally:
        workers.stop()
    result = audit(emulator, sqlite_url)
    assert result["duplicates"] == 0 and result["silently_lost"] == [] and result["failed"] == []
    assert posted(emulator) == Counter({f"hello {n}": 1 for n in range(30)})
    # Exactly the slowed posts are on record as unconfirmed (and Slack has each of them once).
    assert len(slowed(emulator)) == 5 and result["unanswered"] == slowed(emulator)
    assert result["unconfirmed"] == 5 and result["unconfirmed_not_posted"] == []


def test_three_postgres_workers_under_every_fault_at_once_send_each_message_once(
    pg_url: str, tmp_path: Path
) -> None:
    emulator = SlackEmulator().start()  # real time: the outage below is a real 4 seconds
    rows = 2000
    try:
        users = [emulator.workspace.add_user(f"student{n}") for n in range(rows)]
        plan(pg_url, users, datetime.now(UTC) - timedelta(minutes=1))
        emulator.fail("chat.postMessage", 429, times=None, ratio=0.02, retry_after=1)
        emulator.fail("chat.postMessage", 500, times=None, ratio=0.03)
        workers = Workers(tmp_path, pg_url, emulator.url)
        rate = {"COACHBOT_WORKSPACE_RATE": "250"}
        try:
            doomed = workers.start(**rate)
            workers.start(**rate)
            workers.start(CLOCK_OFFSET="180", **rate)  # a host whose clock is 3 minutes fast
            emulator.wait_for_call("chat.postMessage", count=150, timeout=60)
            doomed.send_signal(signal.SIGKILL)
            doomed.wait(timeout=10)
            # Then Slack is slow to answer five posts, and down for a few seconds just as the
            # replacement starts (the slow answers go to live workers: a dead one records nothing).
            emulator.slow("chat.postMessage", SLOW, times=5)
            emulator.fail("chat.postMessage", 502, times=None, until=datetime.now(UTC) + timedelta(seconds=4))
            workers.start(**rate)
            wait_until(lambda: settled(pg_url), 180, "every row settled")
        finally:
            workers.stop()
        result = audit(emulator, pg_url)
        statuses = Counter(c.status for c in emulator.calls_to("chat.postMessage", ok_only=False))
        slow_posts = slowed(emulator)
    finally:
        emulator.stop()
    assert statuses[429] and statuses[500] and statuses[502]
    assert result["duplicates"] == 0 and result["silently_lost"] == [] and result["failed"] == []
    assert result["sent"] == rows and result["skipped"] == Counter()
    # On record as unconfirmed: exactly the slowed posts, and posts the killed worker had in flight.
    assert len(slow_posts) == 5 and result["unanswered"] == slow_posts, result
    assert all(held_by(doomed) in worker for worker in result["stopped_mid_post"]), result
    assert result["unconfirmed"] == 5 + len(result["stopped_mid_post"]), result
    assert len(result["unconfirmed_not_posted"]) <= len(result["stopped_mid_post"])
