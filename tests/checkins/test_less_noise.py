"""Less noise: unanswered daily nudges back off, a fresh check-in stands in for a nudge, a new goal waits a day."""

from __future__ import annotations

from datetime import timedelta

from bot.checkins.ids import CheckinField
from bot.emulator import Message
from tests.checkins.test_checkins import open_checkin, select_value
from tests.checkins.test_nudges import MONDAY_NINE_CHICAGO, TUESDAY_NINE_CHICAGO, pending_nudges, send_due_at
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, block_texts

QUESTION = "Would a weekly check-in suit you better?"
FRIDAY_NINE_CHICAGO = TUESDAY_NINE_CHICAGO + timedelta(days=3)


def daily_goal(slack: Slack, user: str) -> None:
    slack.goal("add Sleep 7 hours on weeknights", user=user)
    slack.goal("cadence 1 daily", user=user)


def nudges_left_unanswered(
    slack: Slack, app: RunningApp, clock: FixedClock, user: str, days: int, first: int = 0
) -> list[Message]:
    """The weekday nudges from Tuesday (plus `first` days) on, none of them answered; returns the DMs."""
    for day in range(first, first + days):
        assert send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO + timedelta(days=day)) == 1
    return slack.dms(user)


def test_two_or_three_unanswered_ask_nothing_and_the_one_after_three_asks_about_weekly(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    daily_goal(slack, randy)
    first, second, third, fourth = nudges_left_unanswered(slack, app, clock, randy, 4)
    for after_none_one_or_two in (first, second, third):
        assert QUESTION not in block_texts(after_none_one_or_two.blocks)
    asked = block_texts(fourth.blocks)  # Friday's, after Tuesday's, Wednesday's and Thursday's
    assert QUESTION in asked
    assert "Switch to weekly" in asked and "Keep daily" in asked and "Pause for a week" in asked
    assert "On track" in asked  # it is still the day's nudge


def test_an_answer_to_any_of_the_three_means_no_question(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    daily_goal(slack, randy)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)
    slack.click_in_message(randy, slack.dms(randy)[0], "On track")
    slack.wait_for_edit(slack.dms(randy)[0])
    [*_, fourth] = nudges_left_unanswered(slack, app, clock, randy, 3, first=1)
    assert QUESTION not in block_texts(fourth.blocks)  # Tuesday's was answered: two in a row only


def test_switch_to_weekly_changes_the_goal_and_the_answer_replaces_the_buttons(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    daily_goal(slack, randy)
    [*_, asked] = nudges_left_unanswered(slack, app, clock, randy, 4)
    slack.click_in_message(randy, asked, "Switch to weekly")
    slack.wait_for_edit(asked)
    shown = block_texts(asked.blocks)
    assert "Switched to weekly check-ins: #1 Sleep 7 hours on weeknights" in shown
    assert QUESTION not in shown and "Keep daily" not in shown and "On track" in shown
    # Weekly from the day it was set (a Monday): the next nudge is Monday's, not Saturday's or Monday's daily.
    assert [r.due_at for r in pending_nudges(app)] == [MONDAY_NINE_CHICAGO + timedelta(days=7)]


def test_keep_daily_keeps_the_cadence_and_the_next_nudge_does_not_ask_again(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    daily_goal(slack, randy)
    [*_, asked] = nudges_left_unanswered(slack, app, clock, randy, 4)
    slack.click_in_message(randy, asked, "Keep daily")
    slack.wait_for_edit(asked)
    assert "Keeping daily check-ins" in block_texts(asked.blocks)
    assert "Pause for a week" not in block_texts(asked.blocks)
    assert send_due_at(slack, app, clock, FRIDAY_NINE_CHICAGO + timedelta(days=3)) == 1  # Monday
    assert QUESTION not in block_texts(slack.dms(randy)[-1].blocks)


def test_pause_for_a_week_sends_nothing_until_the_pause_ends(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    daily_goal(slack, randy)
    [*_, asked] = nudges_left_unanswered(slack, app, clock, randy, 4)
    slack.click_in_message(randy, asked, "Pause for a week")
    slack.wait_for_edit(asked)
    assert "Paused: no check-ins until Fri Dec 4, 2026" in block_texts(asked.blocks)
    assert [r.due_at for r in pending_nudges(app)] == [FRIDAY_NINE_CHICAGO + timedelta(days=7)]


def checked_in_on_goal_1(slack: Slack, user: str) -> None:
    values = {
        CheckinField.WELLBEING: select_value("4"),
        f"{CheckinField.GOAL_PREFIX}1": select_value("on_track"),
    }
    assert slack.submit(user, open_checkin(slack, user), values).json["response_action"] == "update"


def test_a_checkin_just_inside_four_hours_stands_in_for_the_nudge(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    daily_goal(slack, randy)
    clock.now = TUESDAY_NINE_CHICAGO - timedelta(hours=3, minutes=59)
    checked_in_on_goal_1(slack, randy)
    assert send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO) == 0
    assert not [m for m in slack.dms(randy) if m.text.startswith("Check-in")]
    assert send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO + timedelta(days=1)) == 1  # Wednesday's comes


def test_a_checkin_just_outside_four_hours_leaves_the_nudge_to_come(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    daily_goal(slack, randy)
    clock.now = TUESDAY_NINE_CHICAGO - timedelta(hours=4, minutes=1)
    checked_in_on_goal_1(slack, randy)
    assert send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO) == 1


def test_a_new_goal_waits_a_day_never_nudged_the_day_it_was_set(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    clock.now = MONDAY_NINE_CHICAGO - timedelta(minutes=1)  # Monday 8:59, a minute before nudge time
    daily_goal(slack, randy)
    assert [r.due_at for r in pending_nudges(app)] == [TUESDAY_NINE_CHICAGO]  # not Monday 9:00
    assert send_due_at(slack, app, clock, MONDAY_NINE_CHICAGO) == 0
    sam = slack.person("sam")
    clock.now = MONDAY_NINE_CHICAGO - timedelta(days=1)  # Sunday 9:00, a day before
    daily_goal(slack, sam)
    assert [r.due_at for r in pending_nudges(app) if r.recipient == sam] == [MONDAY_NINE_CHICAGO]


def test_the_switch_answer_names_the_goal_as_text_never_as_markup(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Ping <!channel> every morning", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    [*_, asked] = nudges_left_unanswered(slack, app, clock, randy, 4)
    slack.click_in_message(randy, asked, "Switch to weekly")
    slack.wait_for_edit(asked)
    assert "Switched to weekly check-ins: #1 Ping &lt;!channel&gt; every morning" in block_texts(asked.blocks)
    assert "<!channel>" not in str([call.args for call in slack.emulator.calls_to("chat.update")])
