"""The durable schedule's core: plan once, claim once, lease expiry, retries and failures kept."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import AREAS, build_services
from bot.emulator import SlackEmulator
from bot.platform.areas import Area
from bot.platform.delivery import dispatcher as dispatch
from bot.platform.delivery.registry import DeliveryInfo, Kind, Outgoing, Skip
from bot.platform.services import Services
from bot.platform.slack import make_web_client
from storage import deliveries as store
from storage import delivery_claims as claims
from storage.db import Database
from storage.models import Delivery, DeliveryStatus
from tests.conftest import FixedClock
from tests.harness import BOT_TOKEN, settings_for


@pytest.fixture
def services(emulator: SlackEmulator, any_db: Database, clock: FixedClock) -> Iterator[Services]:
    def render(services: Services, delivery: DeliveryInfo, now: object) -> Outgoing | Skip:
        if delivery.payload.get("skip"):
            return Skip("nothing to say")
        time.sleep(float(str(delivery.payload.get("render_seconds", 0))))  # a slow render (a busy database)
        return Outgoing(text=f"hello {delivery.payload['n']}")

    hello = Area("test", kinds={"test_hello": Kind(render)})
    yield build_services(settings_for(emulator, any_db.url), db=any_db, clock=clock, areas=(*AREAS, hello))


def plan(services: Services, key: str, *, due_in: timedelta = timedelta(0), **payload: object) -> bool:
    with services.db.transaction() as s:
        return store.plan(
            s,
            team_id="T1",
            kind="test_hello",
            recipient=services_user(services),
            due_at=services.now() + due_in,
            dedupe_key=key,
            now=services.now(),
            payload=dict(payload),
        )


def services_user(services: Services) -> str:
    return "U00000001"


def rows(services: Services) -> list[Delivery]:
    with services.db.transaction() as s:
        return list(s.scalars(select(Delivery).order_by(Delivery.id)))


def test_planning_the_same_occurrence_twice_makes_one_row(services: Services) -> None:
    assert plan(services, "k1", n=1) is True
    assert plan(services, "k1", n=1) is False
    assert len(rows(services)) == 1


def test_due_rows_are_sent_once_and_future_rows_wait(services: Services, emulator: SlackEmulator) -> None:
    emulator.workspace.add_user("randy", user_id="U00000001")
    client = make_web_client(BOT_TOKEN, emulator.url)
    plan(services, "now", n=1)
    plan(services, "later", due_in=timedelta(hours=1), n=2)
    assert dispatch.run_due(services, client, services.now()) == 1
    assert dispatch.run_due(services, client, services.now()) == 0
    texts = [c.args["text"] for c in emulator.calls_to("chat.postMessage")]
    assert texts == ["hello 1"]
    sent = rows(services)[0]
    assert sent.status == DeliveryStatus.SENT and sent.message_ts and sent.message_channel == "D00000001"
    assert dispatch.next_due_at(services) == services.now() + timedelta(hours=1)


def test_two_messages_to_one_person_arrive_in_order_even_when_the_first_is_slow_to_render(
    services: Services, emulator: SlackEmulator
) -> None:
    emulator.workspace.add_user("randy", user_id="U00000001")
    client = make_web_client(BOT_TOKEN, emulator.url)
    plan(services, "notice", n=1, render_seconds=1.5)  # longer than the 1 s between a channel's sends
    plan(services, "prep", n=2)
    assert dispatch.run_due(services, client, services.now()) == 2
    assert [c.args["text"] for c in emulator.calls_to("chat.postMessage")] == ["hello 1", "hello 2"]


def test_an_expired_lease_makes_the_row_due_again_and_it_is_sent_once(
    services: Services, emulator: SlackEmulator
) -> None:
    emulator.workspace.add_user("randy", user_id="U00000001")
    plan(services, "k", n=1)
    crashed = dispatch.claim(services, services.now(), "crashed-worker")
    assert len(crashed) == 1
    client = make_web_client(BOT_TOKEN, emulator.url)
    assert dispatch.run_due(services, client, services.now()) == 0  # still leased
    later = services.now() + dispatch.LEASE + timedelta(seconds=1)
    assert dispatch.run_due(services, client, later) == 1
    with services.db.transaction() as s:  # the crashed worker coming back cannot settle it again
        assert claims.mark_sent(s, crashed[0].id, "crashed-worker", channel="D", ts="1", now=later) is False
    assert len(emulator.calls_to("chat.postMessage")) == 1


def test_a_429_puts_the_row_back_after_retry_after(services: Services, emulator: SlackEmulator) -> None:
    emulator.workspace.add_user("randy", user_id="U00000001")
    emulator.fail("chat.postMessage", 429, times=3, retry_after=7)  # more than the client's own retries
    client = make_web_client(BOT_TOKEN, emulator.url, retries=0)
    plan(services, "k", n=1)
    assert dispatch.run_due(services, client, services.now()) == 0
    row = rows(services)[0]
    assert row.status == DeliveryStatus.PENDING and row.not_before == services.now() + timedelta(seconds=7)
    assert row.due_at == services.now()  # it keeps its place in line
    assert "ratelimited" in (row.last_error or "")


def test_permanent_errors_fail_the_row_with_the_reason(services: Services, emulator: SlackEmulator) -> None:
    client = make_web_client(BOT_TOKEN, emulator.url)
    plan(services, "k", n=1)  # U00000001 does not exist in the workspace
    dispatch.run_due(services, client, services.now())
    row = rows(services)[0]
    assert row.status == DeliveryStatus.FAILED and "channel_not_found" in (row.last_error or "")


def test_a_skip_is_recorded_with_its_reason(services: Services, emulator: SlackEmulator) -> None:
    plan(services, "k", skip=True)
    dispatch.run_due(services, make_web_client(BOT_TOKEN, emulator.url), services.now())
    row = rows(services)[0]
    assert row.status == DeliveryStatus.SKIPPED and row.last_error == "nothing to say"
    assert emulator.calls_to("chat.postMessage") == []
