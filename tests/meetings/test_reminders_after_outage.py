"""A Slack outage through a session: its reminders are retried until the session starts, then
skipped with that reason (a real kind's usefulness, through the app)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.meetings.schedule import REMINDER
from storage.models import Delivery, DeliveryStatus
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, run_due

STARTS = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # Thu Dec 3, 1:00 PM in New York


def reminders(app: RunningApp) -> list[Delivery]:
    with app.services.db.read() as session:
        return list(
            session.scalars(select(Delivery).where(Delivery.kind == REMINDER).order_by(Delivery.due_at))
        )


def test_reminders_failing_through_an_outage_past_the_start_are_skipped_as_no_longer_useful(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    slack.meeting("@priya 2026-12-03 13:00", user=coach)
    slack.wait_for_dm(coachee, "Session booked")
    app.wait_idle()
    slack.emulator.fail("chat.postMessage", 503, times=None, until=STARTS + timedelta(minutes=30))
    for row in reminders(app):  # each reminder comes due during the outage, and fails
        clock.now = row.due_at
        run_due(app, slack.emulator)
    day_before, hour_before = reminders(app)[:2], reminders(app)[2:]
    # Caught up at the hour-before time, the day-before reminders would be untrue: skipped as such.
    assert {(r.status, r.last_error) for r in day_before} == {
        (DeliveryStatus.SKIPPED, "a nearer reminder for the same session is due")
    }
    assert {r.status for r in hour_before} == {DeliveryStatus.PENDING}  # failing, kept for a retry
    clock.now = STARTS + timedelta(minutes=31)  # Slack is back; the session started 31 minutes ago
    run_due(app, slack.emulator)
    rows = reminders(app)[2:]
    assert len(rows) == 2 and {r.status for r in rows} == {DeliveryStatus.SKIPPED}
    assert {r.last_error for r in rows} == {
        "no longer useful: the meeting has started (1.5 h after it was due)"
    }
    assert [m for m in slack.dms(coachee) + slack.dms(coach) if "Reminder" in m.text] == []
