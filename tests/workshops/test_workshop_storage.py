"""Workshop services on SQLite and PostgreSQL: concurrent RSVPs and numbers, re-planned reminders."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import build_services
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.settings import Settings
from bot.workshops import rsvps
from bot.workshops import service as workshops
from bot.workshops.schedule import REMINDER
from bot.workshops.service import WorkshopDraft
from storage.db import Database
from storage.models import Delivery, DeliveryStatus
from storage.models.workshops import Rsvp, RsvpAnswer
from storage.people import upsert_person
from tests.conftest import FixedClock

START = datetime(2026, 12, 10, 17, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def services(any_db: Database, clock: FixedClock) -> Iterator[Services]:
    # No Slack here: these services only touch the database.
    settings = Settings(database_url=any_db.url, admin_ids=frozenset({"UADMIN"}))
    yield build_services(settings, db=any_db, clock=clock)


def person(services: Services, user_id: str) -> Actor:
    with services.db.transaction() as s:
        row = upsert_person(
            s,
            team_id="T1",
            slack_user_id=user_id,
            display_name=user_id.lower(),
            tz="America/Chicago",
            is_workspace_admin=False,
            is_deleted=False,
            now=services.now(),
        )
        return Actor("T1", user_id, row.id, row.display_name, row.tz, False)


def together(calls: list[Callable[[], object]]) -> list[BaseException]:
    """Run the calls on threads released at the same moment; returns what they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            call()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_workshops_get_distinct_numbers(services: Services) -> None:
    admin = person(services, "UADMIN")
    drafts = [WorkshopDraft(title=f"Workshop {i}", channel_id="C1", start=START) for i in range(6)]
    numbers: list[int] = []
    errors = together(
        [
            lambda d=d: numbers.append(workshops.create_workshop(services, admin, d, None)[0].number)
            for d in drafts
        ]
    )
    assert not errors and sorted(numbers) == [1, 2, 3, 4, 5, 6]


def test_concurrent_clicks_leave_one_answer_per_person_and_one_set_of_reminders(services: Services) -> None:
    admin = person(services, "UADMIN")
    info, _ = workshops.create_workshop(
        services, admin, WorkshopDraft(title="Appreciative inquiry", channel_id="C1", start=START), None
    )
    session_id = info.sessions[0].id
    people = [person(services, f"U{i}") for i in range(5)]
    clicks = [
        lambda p=p, a=a: rsvps.record_rsvp(services, p, session_id, a)
        for p in people
        for a in (RsvpAnswer.GOING,) * 3
    ]
    assert not together(clicks)
    with services.db.transaction() as s:
        assert len(s.scalars(select(Rsvp)).all()) == 5
        reminders = s.scalars(
            select(Delivery).where(Delivery.kind == REMINDER, Delivery.status == DeliveryStatus.PENDING)
        ).all()
    assert len(reminders) == 10  # a day and an hour before, once per person
    info = workshops.workshop_by_id(services, info.id)
    assert info is not None and info.sessions[0].counts[RsvpAnswer.GOING] == 5


def test_a_change_of_mind_and_back_plans_fresh_reminders(services: Services, clock: FixedClock) -> None:
    admin = person(services, "UADMIN")
    ana = person(services, "UANA")
    info, _ = workshops.create_workshop(
        services, admin, WorkshopDraft(title="Study skills", channel_id="C1", start=START), None
    )
    session_id = info.sessions[0].id
    for answer in (RsvpAnswer.GOING, RsvpAnswer.NO, RsvpAnswer.GOING):
        rsvps.record_rsvp(services, ana, session_id, answer)
    with services.db.transaction() as s:
        rows = s.scalars(select(Delivery).where(Delivery.kind == REMINDER).order_by(Delivery.id)).all()
        assert [r.status for r in rows] == ["cancelled", "cancelled", "pending", "pending"]
        assert [r.due_at for r in rows[2:]] == [START - timedelta(days=1), START - timedelta(hours=1)]
    clock.now = START.astimezone(UTC) - timedelta(minutes=30)
    rsvps.record_rsvp(services, ana, session_id, RsvpAnswer.MAYBE)  # too late for any reminder to be planned
    with services.db.transaction() as s:
        assert (
            s.scalars(
                select(Delivery).where(Delivery.kind == REMINDER, Delivery.status == DeliveryStatus.PENDING)
            ).all()
            == []
        )
