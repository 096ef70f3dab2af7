"""Issue 15's wording: every question can be answered where it is asked, and no message says a thing twice."""

from __future__ import annotations

from tests.harness import Slack, block_texts


def test_the_questions_after_goal_add_come_with_the_button_that_answers_them(
    slack: Slack, randy: str
) -> None:
    reply = slack.goal("add Get better at suturing", user=randy)
    shown = block_texts(reply.json["blocks"])
    assert "When would you like to have this done? How will you know you've achieved it?" in shown
    slack.click_in_reply(randy, reply, "Edit goal #1")
    assert slack.open_modal(randy, callback="goal_modal")["title"]["text"] == "Edit goal #1"


def test_a_goal_with_a_date_and_a_number_is_saved_without_questions_or_buttons(
    slack: Slack, randy: str
) -> None:
    reply = slack.goal("add Do 20 sutures on the pad by Friday", user=randy)
    assert "?" not in reply.text and not reply.json.get("blocks")


def test_an_empty_goal_list_asks_with_a_new_goal_button(slack: Slack, randy: str) -> None:
    reply = slack.goal("list", user=randy)
    assert "What would you like to work towards?" in block_texts(reply.json["blocks"])
    slack.click_in_reply(randy, reply, "New goal")
    assert slack.open_modal(randy, callback="goal_modal")["title"]["text"] == "New goal"


def test_done_and_drop_replies_name_the_goal_once_and_ask_nothing(slack: Slack, randy: str) -> None:
    slack.goal("add Run a 5k", user=randy)
    slack.goal("add Read chapter 4", user=randy)
    slack.goal("add Call my mentor", user=randy)
    dropped = slack.goal("drop 1 2", user=randy).text
    assert dropped == (
        "Goal #1 dropped: Run a 5k. `/goal reopen 1` brings it back.\n"
        "Goal #2 dropped: Read chapter 4. `/goal reopen 2` brings it back."
    )
    assert "Letting go of a goal is a decision too." not in dropped
    assert slack.goal("done 3", user=randy).text == "Goal #3 is done: Call my mentor. Well done!"


def test_closing_a_goal_as_not_achieved_names_its_number(slack: Slack, randy: str) -> None:
    slack.goal("add Run a 5k", user=randy)
    slack.click_in_reply(randy, slack.goal("close 1", user=randy), "Not this time")
    closed = slack.wait_for_response("not achieved")["text"]
    assert closed.startswith("Goal #1 closed as not achieved this time: Run a 5k.")
    assert "`/goal reopen 1`" in closed


def test_a_quiet_period_date_error_gives_its_examples_once(slack: Slack) -> None:
    admin = slack.person("dean", "America/Chicago", is_admin=True)
    refused = slack.command("/coachbot", "quiet add Decembr 21 to Jan 3 Winter break", user=admin).text
    assert "For example" not in refused and "e.g." not in refused
    assert refused == (
        "I couldn't read “Decembr 21” as a date. Try “Dec 15” or “in 2 weeks”.\n"
        "The whole command: `/coachbot quiet add Dec 21 to Jan 3 Winter break` or "
        "`/coachbot quiet add 2026-12-21 2027-01-03 Winter break`."
    )
