"""The sandbox's virtual clock: durations, local targets, DST, and the real dispatcher on the way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import AREAS
from bot.platform.areas import Area
from bot.platform.delivery.registry import DeliveryInfo, Kind, Outgoing
from bot.platform.services import Services
from bot.sandbox.clock import ClockError, VirtualClock, parse_duration, parse_target
from storage import deliveries as store
from tests.sandbox.sandbox_session import Session, session

SATURDAY_8_CHICAGO_CDT = datetime(2026, 10, 31, 13, 0, tzinfo=UTC)  # US clocks fall back Sun Nov 1


def test_durations_are_elapsed_time() -> None:
    assert parse_duration("3d") == timedelta(days=3)
    assert parse_duration("2h30m") == timedelta(hours=2, minutes=30)
    assert parse_duration("1w 2d") == timedelta(days=9)
    for bad in ("", "soon", "3 days", "0m", "2x"):
        with pytest.raises(ClockError):
            parse_duration(bad)


def test_targets_are_read_in_the_users_zone() -> None:
    now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    assert parse_target("2026-12-01 09:00", now, "America/Chicago") == datetime(
        2026, 12, 1, 15, 0, tzinfo=UTC
    )
    assert parse_target("2026-12-01", now, "America/New_York") == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    assert parse_target("8:30", now, "America/Chicago") == datetime(2026, 11, 24, 14, 30, tzinfo=UTC)
    assert parse_target("5pm", now, "America/Chicago") == datetime(2026, 11, 23, 23, 0, tzinfo=UTC)


def test_the_clock_never_goes_backwards() -> None:
    clock = VirtualClock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    clock.set(datetime(2026, 11, 22, tzinfo=UTC))
    assert clock() == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def render_test_nudge(services: Services, delivery: DeliveryInfo, now: datetime) -> Outgoing:
    """A delivery kind as the scheduler's own kinds are declared, with a date token in its text."""
    due = int(delivery.due_at.timestamp())
    return Outgoing(text=f"How is goal #1 going? (sent <!date^{due}^{{date_short_pretty}} at {{time}}|then>)")


TEST_NUDGES = Area("test", kinds={"sandbox_test_nudge": Kind(render_test_nudge)})


@pytest.fixture
def dst(tmp_path: Path) -> Iterator[Session]:
    with session(tmp_path, SATURDAY_8_CHICAGO_CDT, areas=(*AREAS, TEST_NUDGES)) as running:
        yield running


def test_advancing_across_the_dst_change_shows_each_readers_new_offset(dst: Session) -> None:
    assert "── clock Sat Oct 31 8:00 AM CDT → Sun Nov 1 7:00 AM CST" in dst.type(":advance 1d")
    assert "── clock Sun Nov 1 7:00 AM CST → Mon Nov 2 9:00 AM CST" in dst.type(
        ":advance to 2026-11-02 09:00"
    )
    now = dst.type(":now")
    assert "randy      Mon Nov 2 9:00 AM CST" in now and "drlee      Mon Nov 2 10:00 AM EST" in now
    assert "UTC        Mon Nov 02 15:00" in now
    # users.info follows virtual time too: the app files the reply under randy's new offset.
    assert "ephemeral to randy in DM · Mon Nov 2 9:00 AM CST" in dst.type("/goal list")


def plan_nudge(s: Session, due_at: datetime, key: str) -> None:
    services = s.sandbox.rt.services
    with services.db.transaction() as db:
        store.plan(
            db,
            team_id=s.sandbox.ws.team_id,
            kind="sandbox_test_nudge",
            recipient=s.user("randy"),
            due_at=due_at,
            dedupe_key=key,
            now=services.now(),
        )


def test_advance_runs_the_real_dispatcher_at_each_due_time_across_dst(dst: Session) -> None:
    plan_nudge(dst, datetime(2026, 11, 1, 15, 0, tzinfo=UTC), "sunday")  # 9:00 CST, after fall-back
    plan_nudge(dst, datetime(2026, 10, 31, 14, 0, tzinfo=UTC), "saturday")  # 9:00 CDT
    plan_nudge(dst, datetime(2026, 11, 9, 15, 0, tzinfo=UTC), "next-week")  # beyond the target
    out = dst.type(":advance 2d")
    saturday = out.index("── #2 DM to randy · Sat Oct 31 9:00 AM CDT")
    sunday = out.index("── #3 DM to randy · Sun Nov 1 9:00 AM CST")
    assert saturday < sunday
    assert "How is goal #1 going? (sent today at 9:00 AM)" in out[saturday:sunday]
    assert "next-week" not in out and "── #4 DM to randy" not in out  # (#4 is drlee's weekly summary)
    assert dst.sandbox.rt.clock() == SATURDAY_8_CHICAGO_CDT + timedelta(days=2)


def test_a_delivery_already_due_goes_out_with_the_next_line(dst: Session) -> None:
    plan_nudge(dst, SATURDAY_8_CHICAGO_CDT, "now")
    assert "── #2 DM to randy · Sat Oct 31 8:00 AM CDT" in dst.type(":now")
