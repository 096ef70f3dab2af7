"""A student asking for help is seen the same day: the coach hears in their own working hours."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.checkins.ids import CheckinField
from storage.models import Delivery
from tests.checkins.test_checkins import open_checkin, select_value
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, block_texts, run_due


def alerts(app: RunningApp) -> list[Delivery]:
    with app.services.db.read() as session:
        return list(session.scalars(select(Delivery).where(Delivery.kind == "coach_alert")))


def test_need_help_at_night_for_the_coach_reaches_them_at_the_start_of_their_working_day(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired  # Dr Lee in New York (quiet 20:00–08:00), Priya in Kolkata
    slack.goal("add Finish the renal block by Dec 20", user=coachee)
    slack.goal("cadence 1 daily", user=coachee)
    clock.now = datetime(2026, 11, 24, 3, 30, tzinfo=UTC)  # 9:00 in Kolkata, 22:30 in New York
    run_due(app, slack.emulator)
    nudge = slack.wait_for_dm(coachee, "Check-in")
    slack.click_message(coachee, nudge, "Need help")
    # The answer replaces the nudge's part (another update of the same message may land first).
    answered = slack.emulator.wait_for(
        lambda _calls: "will see it" in block_texts(nudge.blocks) and block_texts(nudge.blocks)
    )
    # 08:00 in New York is 18:30 in Kolkata: the coachee is told in their own time.
    assert f"<@{coach}> will see it Tue Nov 24, 6:30 PM (your time)" in answered
    [alert] = alerts(app)
    assert alert.due_at == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    clock.now = datetime(2026, 11, 24, 12, 59, tzinfo=UTC)
    run_due(app, slack.emulator)
    assert not [m for m in slack.dms(coach) if "need help" in m.text]
    clock.now = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    run_due(app, slack.emulator)
    told = slack.wait_for_dm(coach, "need help")
    assert f"<@{coachee}> answered “need help” on goal #1: Finish the renal block" in told.text
    assert "They asked for you to know" not in told.text
    assert "Need help" not in block_texts(nudge.blocks)  # answered: the buttons are gone


def test_need_help_in_a_checkin_inside_working_hours_alerts_the_coach_at_once(
    slack: Slack, app: RunningApp, paired: tuple[str, str], clock: FixedClock
) -> None:
    coach, coachee = paired
    slack.goal("add Sleep 7 hours", user=coachee)
    clock.now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 in New York, a Tuesday
    modal = open_checkin(slack, coachee)
    reply = slack.submit(
        coachee,
        modal,
        {
            CheckinField.WELLBEING: select_value("4"),
            f"{CheckinField.GOAL_PREFIX}1": select_value("need_help"),
        },
    )
    assert f"<@{coach}> will see it Tue Nov 24, 8:30 PM (your time)" in str(reply.json["view"])
    [alert] = alerts(app)
    assert alert.due_at == clock.now
    run_due(app, slack.emulator)
    assert "need help” on goal #1: Sleep 7 hours" in slack.wait_for_dm(coach, "need help").text


def test_need_help_without_a_coach_promises_nobody(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Run twice a week", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    clock.now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    run_due(app, slack.emulator)
    nudge = slack.wait_for_dm(randy, "Check-in")
    slack.click_message(randy, nudge, "Need help")
    slack.wait_for_edit(nudge)
    assert "will see it" not in block_texts(nudge.blocks) and alerts(app) == []
