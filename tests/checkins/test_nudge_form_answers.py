"""Answers given in a form opened from a nudge (Add a note, Set a new date) replace the buttons they answered."""

from __future__ import annotations

from datetime import timedelta

from bot.checkins.ids import CheckinField
from bot.emulator import Message
from tests.checkins.test_checkins import text_value
from tests.checkins.test_nudges import TUESDAY_NINE_CHICAGO, send_due_at
from tests.conftest import FixedClock
from tests.goals.test_goal_modal_and_home import full_form
from tests.harness import RunningApp, Slack, block_texts


def overdue_nudge(slack: Slack, randy: str, app: RunningApp, clock: FixedClock) -> Message:
    """The nudge asking whether to close goal #1 or set a new date (its target date has passed)."""
    slack.goal("add Submit the poster abstract by tomorrow", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO + timedelta(days=1))
    return slack.dms(randy)[1]


def test_adding_a_note_replaces_that_goals_buttons_and_leaves_the_other_goals(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Do 40 practice questions", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    slack.goal("add Sleep 7 hours on weeknights", user=randy)
    slack.goal("cadence 2 daily", user=randy)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)
    [nudge] = slack.dms(randy)
    # Whatever else the message shows (a question added to nudges later) stays: it is kept as shown.
    nudge.blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "Shown as sent"}]})
    slack.click_in_message(randy, nudge, "Add a note")
    modal = slack.open_modal(randy, callback="nudge_note_modal")
    slack.submit(randy, modal, {CheckinField.NOTE: text_value("Did 12 today")})
    slack.wait_for_edit(nudge)
    shown = block_texts(nudge.blocks)
    assert "📝 Note saved." in shown and "Shown as sent" in shown
    assert shown.count("Add a note") == 1 and shown.count("On track") == 1  # only goal #2's buttons remain
    assert "Sleep 7 hours" in shown and "Do 40 practice questions" in shown
    slack.click_in_message(randy, nudge, "On track")  # the other goal still answers as before
    slack.wait_for_edit(nudge, 2)
    assert "Add a note" not in block_texts(nudge.blocks) and "Snooze 1 day" not in block_texts(nudge.blocks)
    assert "✅ On track: noted." in block_texts(nudge.blocks)


def test_a_cancelled_note_form_leaves_the_buttons(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Do 40 practice questions", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)
    [nudge] = slack.dms(randy)
    slack.click_in_message(randy, nudge, "Add a note")
    modal = slack.open_modal(randy, callback="nudge_note_modal")
    refused = slack.submit(randy, modal, {CheckinField.NOTE: text_value("")})
    assert refused.json["response_action"] == "errors"
    app.wait_idle()
    assert nudge.edited == 0 and "Add a note" in block_texts(nudge.blocks)


def test_setting_a_new_date_replaces_the_overdue_question_and_a_past_date_is_refused(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    overdue = overdue_nudge(slack, randy, app, clock)
    assert "Set a new date" in block_texts(overdue.blocks)
    slack.click_in_message(randy, overdue, "Set a new date")
    form = slack.open_modal(randy, callback="goal_modal")
    assert form["title"]["text"] == "Edit goal #1"
    past = slack.submit(randy, form, full_form("Submit the poster abstract", "2026-11-24"))
    app.wait_idle()
    assert past.json["response_action"] == "errors" and overdue.edited == 0
    slack.submit(randy, form, full_form("Submit the poster abstract", "2026-12-04"))
    slack.wait_for_edit(overdue)
    shown = block_texts(overdue.blocks)
    assert "Set a new date" not in shown and "Close goal" not in shown
    assert "📅 New target date saved" in shown and "Submit the poster abstract" in shown


def test_editing_a_goal_from_app_home_changes_no_nudge(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    overdue = overdue_nudge(slack, randy, app, clock)
    slack.click_in_view(randy, slack.open_home(randy), "Edit")
    form = slack.open_modal(randy, callback="goal_modal")
    slack.submit(randy, form, full_form("Submit the poster abstract", "2026-12-04"))
    app.wait_idle()
    assert overdue.edited == 0 and "Set a new date" in block_texts(overdue.blocks)
