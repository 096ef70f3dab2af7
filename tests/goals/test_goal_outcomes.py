"""Honest outcomes: closing asks "Did you get there?", typos are deleted, verbs are never goals."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import Goal, GoalStatus, ProgressNote
from storage.models.checkins import CheckIn
from tests.checkins.test_nudges import TUESDAY_NINE_CHICAGO, send_due_at
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, block_texts


def statuses(app: RunningApp) -> dict[int, GoalStatus]:
    with app.services.db.transaction() as s:
        return {number: status for number, status in s.execute(select(Goal.number, Goal.status))}


def titles(app: RunningApp) -> list[str]:
    with app.services.db.transaction() as s:
        return list(s.scalars(select(Goal.title).order_by(Goal.number)))


def test_closing_from_an_overdue_nudge_asks_and_not_this_time_counts_as_not_achieved(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Submit the poster abstract by tomorrow", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO + timedelta(days=1))
    overdue = slack.dms(randy)[1]
    slack.click_message(randy, overdue, "Close goal")
    slack.wait_for_edit(overdue)
    asked = block_texts(overdue.blocks)
    assert "Did you get there?" in asked and "Yes, done" in asked and "Not this time" in asked
    assert statuses(app) == {1: GoalStatus.ACTIVE}  # nothing is counted before the answer

    slack.click_message(randy, overdue, "Not this time")
    slack.wait_for_edit(overdue, 2)
    assert "Closed as not achieved this time. `/goal reopen 1` brings it back" in block_texts(overdue.blocks)
    assert "Yes, done" not in block_texts(overdue.blocks)  # the answered buttons are gone
    assert statuses(app) == {1: GoalStatus.NOT_ACHIEVED}
    learned = slack.open_modal(randy, callback="progress_modal")
    assert learned["title"]["text"] == "What did you learn?" and learned["close"]["text"] == "Skip"
    slack.submit(
        randy, learned, {"progress_note": {"type": "plain_text_input", "value": "Start a week earlier"}}
    )
    with app.services.db.transaction() as s:
        assert s.scalars(select(ProgressNote.text)).all() == ["Start a week earlier"]

    text = slack.goal("list", user=randy).json["blocks"][-1]["elements"][0]["text"]
    assert text.startswith("0 done · 1 not achieved · 0 dropped")
    assert "Close goal" not in block_texts(overdue.blocks)


def test_yes_done_after_close_goal_completes_it(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Submit the poster abstract by tomorrow", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO)
    send_due_at(slack, app, clock, TUESDAY_NINE_CHICAGO + timedelta(days=1))
    overdue = slack.dms(randy)[1]
    slack.click_message(randy, overdue, "Close goal")
    slack.wait_for_edit(overdue)
    slack.click_message(randy, overdue, "Yes, done")
    slack.wait_for_edit(overdue, 2)
    assert statuses(app) == {1: GoalStatus.DONE}
    assert "Did you get there?" not in block_texts(overdue.blocks)
    with app.services.db.transaction() as s:
        assert len(s.scalars(select(CheckIn)).all()) == 2  # "Close goal", then the outcome


def test_goal_close_command_asks_did_you_get_there(slack: Slack, randy: str, app: RunningApp) -> None:
    slack.goal("add Run a 5k", user=randy)
    reply = slack.goal("close 1", user=randy)
    assert "Did you get there?" in block_texts(reply.json["blocks"])
    slack.click_in_reply(randy, reply, "Yes, done")
    assert "Goal #1 completed: Run a 5k" in slack.wait_for_response("completed")["text"]
    assert statuses(app) == {1: GoalStatus.DONE}
    assert "already closed (completed)" in slack.goal("close 1", user=randy).text


def test_delete_asks_to_confirm_and_the_goal_is_counted_nowhere(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    slack.goal("add Run a 5k", user=randy)
    slack.goal("add Rnu a 5k", user=randy)
    slack.goal("progress 2 typo", user=randy)
    for verb in ("delete", "remove"):
        reply = slack.goal(f"{verb} 2", user=randy)
        assert "Delete for good?" in block_texts(reply.json["blocks"]) and "Rnu a 5k" in block_texts(
            reply.json["blocks"]
        )
    assert titles(app) == ["Run a 5k", "Rnu a 5k"]  # asking deleted nothing
    kept = slack.goal("delete 2", user=randy)
    slack.click_in_reply(randy, kept, "Keep it")
    assert slack.wait_for_response("Kept")["text"].startswith("Kept")
    assert titles(app) == ["Run a 5k", "Rnu a 5k"]
    slack.click_in_reply(randy, reply, "Delete goal")
    assert "Deleted #2: Rnu a 5k" in slack.wait_for_response("Deleted")["text"]
    assert titles(app) == ["Run a 5k"]
    counts = slack.goal("list", user=randy).json["blocks"][-1]["elements"][0]["text"]
    assert counts.startswith("0 done · 0 not achieved · 0 dropped")
    assert "don't have a goal #2" in slack.goal("delete 2", user=randy).text
    assert slack.goal("add Swim", user=randy).text.startswith("Goal #3 saved")  # numbers never reused


def test_verbs_and_their_synonyms_are_never_goals(slack: Slack, randy: str, app: RunningApp) -> None:
    for title in ("Read", "Write", "Run", "Swim"):
        slack.goal(f"add {title} daily", user=randy)
    assert "Goal #1 is done" in slack.goal("complete 1", user=randy).text
    assert "Goal #2 is done" in slack.goal("finish 2", user=randy).text
    both = slack.goal("done 3 4", user=randy).text
    assert "Goal #3 is done" in both and "Goal #4 is done" in both
    assert titles(app) == ["Read daily", "Write daily", "Run daily", "Swim daily"]
    assert set(statuses(app).values()) == {GoalStatus.DONE}
    # A synonym that reads as a goal is still a goal.
    assert slack.goal("complete 3 chapters by Friday", user=randy).text.startswith("Goal #5 saved")


def test_done_with_a_number_that_is_not_theirs_changes_none(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    slack.goal("add Read daily", user=randy)
    assert "don't have a goal #9" in slack.goal("done 1 9", user=randy).text
    assert statuses(app) == {1: GoalStatus.ACTIVE}


def test_an_unknown_verb_asks_did_you_mean_and_saves_nothing(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    slack.goal("add Read daily", user=randy)
    reply = slack.goal("archive 1", user=randy)
    shown = block_texts(reply.json["blocks"])
    assert "Did you mean" in shown and "Save “archive 1” as a goal" in shown
    assert titles(app) == ["Read daily"]
    typo = slack.goal("delte 1", user=randy)
    assert "/goal delete 1" in block_texts(typo.json["blocks"])
    slack.click_in_reply(randy, typo, "/goal delete 1")
    assert "Delete for good?" in slack.wait_for_response("Delete for good?")["text"]
    slack.click_in_reply(randy, reply, "Save “archive 1” as a goal")
    assert "Goal #2 saved: archive 1" in slack.wait_for_response("saved")["text"]
