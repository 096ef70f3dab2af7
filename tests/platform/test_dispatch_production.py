"""The dispatcher in production: pacing, 429 and 5xx handling, the scheduler, `coachbot worker`,
and three workers on PostgreSQL (crashes and other faults: test_dispatch_faults.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import AREAS, build_services
from bot.cli import worker
from bot.emulator import SlackEmulator
from bot.platform.delivery import dispatcher as dispatch
from bot.platform.delivery.pacing import CHANNEL_INTERVAL_SECONDS, Pacer
from bot.platform.delivery.scheduler import DISPATCH_JOB_ID, MISFIRE_GRACE_SECONDS, start_scheduler
from bot.platform.delivery.shared_pacing import ClockPair, SharedPacer
from bot.platform.services import Services
from bot.platform.settings import SettingsError, load_settings
from bot.platform.slack import make_web_client
from storage import deliveries as store
from storage import delivery_claims as claims
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Delivery, DeliveryStatus
from tests.conftest import PG_URL, FixedClock
from tests.harness import BOT_TOKEN, settings_for, wait_until
from tests.platform.dispatch_worker import HELLO, KIND

ROOT = Path(__file__).resolve().parents[2]


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_one_channel_gets_at_most_one_message_a_second() -> None:
    clock = FakeMonotonic()
    pacer = Pacer(cap=None, clock=clock)
    assert pacer.take("T", "D1") == 0.0
    assert pacer.take("T", "D1") == pytest.approx(1000 + CHANNEL_INTERVAL_SECONDS)
    assert pacer.take("T", "D2") == 0.0  # another channel is free
    clock.t += CHANNEL_INTERVAL_SECONDS
    assert pacer.take("T", "D1") == 0.0


def test_a_post_that_started_late_still_leaves_its_channel_a_second_after_it_came_back() -> None:
    clock = FakeMonotonic()
    pacer = Pacer(cap=None, clock=clock)
    assert pacer.take("T", "D1") == 0.0
    clock.t += 0.4  # rendering and marking the row took a while on a busy machine; then the post
    pacer.posted("T", "D1")
    clock.t += CHANNEL_INTERVAL_SECONDS - 0.4  # the slot's own second is over, Slack's is not
    assert pacer.take("T", "D1") == pytest.approx(1000.4 + CHANNEL_INTERVAL_SECONDS)
    clock.t = 1000.4 + CHANNEL_INTERVAL_SECONDS
    assert pacer.take("T", "D1") == 0.0


def test_across_processes_too_a_post_pushes_its_channels_next_send_a_second_past_its_return(
    pg_schema: str,
) -> None:
    db = Database(PG_URL, connect_args={"options": f"-csearch_path={pg_schema}"})
    upgrade(db.engine)
    pacer = SharedPacer(db, cap=None)
    taken = time.monotonic()
    assert pacer.take("T", "D1") == 0.0
    time.sleep(0.3)  # the post went out late and came back now
    pacer.posted("T", "D1")
    came_back = time.monotonic()
    time.sleep(
        max(0.0, taken + CHANNEL_INTERVAL_SECONDS + 0.05 - time.monotonic())
    )  # the slot's second is over
    [start] = pacer.take_many("T", ["D1"])
    assert start is not None and start >= came_back + CHANNEL_INTERVAL_SECONDS - 0.05
    db.dispose()


def test_a_workspace_is_held_to_its_cap_and_idle_time_builds_no_burst() -> None:
    clock = FakeMonotonic()
    pacer = Pacer(cap=4, clock=clock)
    assert pacer.take("T", "D1") == 0.0
    assert pacer.take("T", "D2") == pytest.approx(1000.25)
    clock.t += 60  # a quiet minute
    assert pacer.take("T", "D3") == 0.0
    assert pacer.take("T", "D4") == pytest.approx(clock.t + 0.25)
    assert pacer.take("T2", "D5") == 0.0  # workspaces are paced apart


def test_a_429_halves_the_workspace_rate_and_successes_restore_it() -> None:
    pacer = Pacer(cap=4)
    pacer.slow_down("T")
    assert pacer.rate("T") == 2
    for _ in range(200):
        pacer.succeeded("T")
    assert pacer.rate("T") == 4


def test_shared_slot_times_map_onto_this_process_by_its_quickest_round_trip_not_by_commit_time() -> None:
    clocks = ClockPair()
    # A quick transaction: the database read 100.0 at about monotonic 10.001.
    assert clocks.monotonic_at(100.0, 10.0, 10.002) == pytest.approx(10.001)
    # A slow one (waited 0.3 s on another worker's slot lock, then a slow commit) that read 101.0
    # early on: its slots are placed by the quick reading, not at its commit (the old 11.4).
    assert clocks.monotonic_at(101.0, 11.0, 11.4) == pytest.approx(11.001)
    # Whatever the best reading says (a database clock stepped forward), the database read it
    # within this transaction.
    assert clocks.monotonic_at(200.0, 20.0, 20.2) == pytest.approx(20.2)
    # A minute on, the best reading is taken afresh.
    assert clocks.monotonic_at(300.0, 80.0, 80.2) == pytest.approx(80.1)


def test_the_sending_client_leaves_retries_to_the_dispatcher(emulator: SlackEmulator) -> None:
    client = make_web_client(BOT_TOKEN, emulator.url)
    assert client.retry_handlers and dispatch.sending_client(client).retry_handlers == []


@pytest.fixture
def services(emulator: SlackEmulator, sqlite_db: Database, clock: FixedClock) -> Services:
    return build_services(
        settings_for(emulator, sqlite_db.url), db=sqlite_db, clock=clock, areas=(*AREAS, HELLO)
    )


def plan_hellos(services: Services, users: list[str], *, start: int = 0) -> None:
    with services.db.transaction() as s:
        for n, user in enumerate(users, start):
            store.plan(
                s,
                team_id="T0COACH01",
                kind=KIND,
                recipient=user,
                due_at=services.now(),
                dedupe_key=f"hello:{n}",
                now=services.now(),
                payload={"n": n},
            )


def rows(services: Services) -> list[Delivery]:
    with services.db.transaction() as s:
        return list(s.scalars(select(Delivery).order_by(Delivery.id)))


def test_a_429_returns_the_row_and_slows_that_workspace(services: Services, emulator: SlackEmulator) -> None:
    user = emulator.workspace.add_user("randy")
    emulator.fail("chat.postMessage", 429, times=1, retry_after=3)
    plan_hellos(services, [user])
    assert dispatch.run_due(services, make_web_client(BOT_TOKEN, emulator.url), services.now()) == 0
    [row] = rows(services)
    assert row.status == DeliveryStatus.PENDING, row.last_error
    assert row.not_before == services.now() + timedelta(seconds=3)
    assert row.attempts == 0  # Slack's limit is not the row's fault
    assert dispatch.shared_pacer(services).rate("T0COACH01") == 2


def test_a_pass_keeps_the_workspace_cap_and_a_second_between_messages_to_one_channel(
    services: Services, emulator: SlackEmulator
) -> None:
    users = [emulator.workspace.add_user(f"student{n}") for n in range(3)]
    plan_hellos(services, [users[n % 3] for n in range(9)])  # three rows each: their DMs wait their turn
    client = make_web_client(BOT_TOKEN, emulator.url)
    assert dispatch.run_due(services, client, services.now()) == 9
    posts = emulator.calls_to("chat.postMessage")
    by_channel: dict[str, list[float]] = {}
    for call in posts:
        by_channel.setdefault(str(call.args["channel"]), []).append(call.at)
    gaps = [later - earlier for times in by_channel.values() for earlier, later in pairwise(times)]
    assert len(gaps) == 6 and min(gaps) > 0.9  # Slack allows one a second per channel (we keep 1.05 s)
    cap = services.settings.workspace_rate
    assert cap is not None
    times = sorted(call.at for call in posts)
    assert times[-1] - times[0] >= 0.9 * (len(times) - 1) / cap


def test_a_post_is_marked_sent_soon_after_slack_answers_while_the_wave_goes_on(
    services: Services, emulator: SlackEmulator
) -> None:
    users = [emulator.workspace.add_user(f"student{n}") for n in range(8)]
    plan_hellos(services, users)
    # Slack answers every post 1.2 s late: at 4 a second a post is always in flight.
    emulator.slow("chat.postMessage", 1.2, times=None)
    client = make_web_client(BOT_TOKEN, emulator.url)
    wave = threading.Thread(target=dispatch.run_due, args=(services, client, services.now()))
    wave.start()
    try:
        # A click on a message is checked against its row marked sent (the app's message to the
        # clicker): the first row is marked soon after Slack's answer, not when the wave is done.
        wait_until(lambda: rows(services)[0].status == DeliveryStatus.SENT, 10, "the first row marked sent")
        not_yet = [row.id for row in rows(services) if row.status != DeliveryStatus.SENT]
    finally:
        wave.join(timeout=30)
    assert not_yet, "the first row was marked sent only with the whole wave"
    assert all(row.status == DeliveryStatus.SENT for row in rows(services))


def test_a_500_backs_off_and_the_row_is_sent_once_later(
    services: Services, emulator: SlackEmulator, clock: FixedClock
) -> None:
    user = emulator.workspace.add_user("randy")
    emulator.fail("chat.postMessage", 500, times=1)
    plan_hellos(services, [user])
    client = make_web_client(BOT_TOKEN, emulator.url)
    assert dispatch.run_due(services, client, services.now()) == 0
    [row] = rows(services)
    assert row.status == DeliveryStatus.PENDING and "internal_error" in (row.last_error or "")
    clock.advance(seconds=2)
    assert dispatch.run_due(services, client, services.now()) == 1
    assert [c.args["text"] for c in emulator.calls_to("chat.postMessage")] == ["hello 0"]


def test_the_scheduler_job_has_a_fixed_id_coalesces_and_tolerates_late_ticks(
    emulator: SlackEmulator, sqlite_db: Database, clock: FixedClock
) -> None:
    services = build_services(
        settings_for(emulator, sqlite_db.url, tick_seconds=0.1),
        db=sqlite_db,
        clock=clock,
        areas=(*AREAS, HELLO),
    )
    plan_hellos(services, [emulator.workspace.add_user("randy")])
    scheduler = start_scheduler(services, make_web_client(BOT_TOKEN, emulator.url))
    try:
        emulator.wait_for_call("chat.postMessage")
        job = scheduler.get_job(DISPATCH_JOB_ID)
        assert job.coalesce is True and job.misfire_grace_time == MISFIRE_GRACE_SECONDS
        assert job.max_instances == 1
    finally:
        scheduler.shutdown(wait=True)


def test_coachbot_worker_sends_due_rows_without_http(emulator: SlackEmulator, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    settings = settings_for(emulator, url, tick_seconds=0.1)
    db = Database(url)
    upgrade(db.engine)
    plan_hellos(
        build_services(settings, db=db, areas=(*AREAS, HELLO)), [emulator.workspace.add_user("randy")]
    )
    stop = threading.Event()
    thread = threading.Thread(target=worker, args=(settings, stop, (*AREAS, HELLO)))
    thread.start()
    try:
        emulator.wait_for_call("chat.postMessage")
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    db.dispose()


def test_the_workspace_rate_is_configurable_and_checked() -> None:
    assert load_settings({"COACHBOT_WORKSPACE_RATE": "2.5"}).workspace_rate == 2.5
    assert load_settings({}).workspace_rate == 4.0
    with pytest.raises(SettingsError, match="COACHBOT_WORKSPACE_RATE"):
        load_settings({"COACHBOT_WORKSPACE_RATE": "fast"})


def worker_process(mode: str, db_url: str, api: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.platform.dispatch_worker", mode, "--db", db_url, "--api", api, *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def received(emulator: SlackEmulator) -> Counter[str]:
    return Counter(c.args["text"] for c in emulator.calls_to("chat.postMessage"))


@pytest.mark.parametrize("faults", [False, True], ids=["clean", "with_429_and_500"])
def test_three_postgres_workers_deliver_2000_rows_exactly_once(
    faults: bool, emulator: SlackEmulator, pg_schema: str
) -> None:
    db = Database(PG_URL, connect_args={"options": f"-csearch_path={pg_schema}"})
    upgrade(db.engine)
    services = build_services(settings_for(emulator, PG_URL), db=db, areas=(*AREAS, HELLO))
    users = [emulator.workspace.add_user(f"student{n}") for n in range(2000)]
    plan_hellos(services, users)
    if faults:
        # Each 429 holds the whole workspace for its Retry-After (every worker): 1% is ~20 seconds.
        emulator.fail("chat.postMessage", 429, times=None, ratio=0.01, retry_after=1)
        emulator.fail("chat.postMessage", 500, times=None, ratio=0.05)
    workers = [
        worker_process("drain", PG_URL, emulator.url, "--schema", pg_schema, "--deadline", "100")
        for _ in range(3)
    ]
    outputs = [w.communicate(timeout=120)[0].strip() for w in workers]
    unconfirmed = [
        r.last_error for r in rows(services) if (r.last_error or "").startswith(claims.UNCONFIRMED)
    ]
    assert unconfirmed == []  # nothing here is slower than the send timeout
    left = Counter((r.status, r.last_error) for r in rows(services) if r.status != DeliveryStatus.SENT)
    assert sum(int(out.split()[-1]) for out in outputs) == 2000, (outputs, left)
    assert received(emulator) == Counter({f"hello {n}": 1 for n in range(2000)})
    assert {r.status for r in rows(services)} == {DeliveryStatus.SENT}
    if faults:
        statuses = Counter(c.status for c in emulator.calls_to("chat.postMessage", ok_only=False))
        assert statuses[429] > 0 and statuses[500] > 0
    db.dispose()
