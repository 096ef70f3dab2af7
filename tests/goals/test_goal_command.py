"""`/goal` end to end: signed slash commands through Bolt over HTTP, replies on the ack."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Goal, ProgressNote
from tests.conftest import FixedClock
from tests.harness import Slack, block_texts


def count(app_db: object, model: type) -> int:
    from storage.db import Database

    assert isinstance(app_db, Database)
    with app_db.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_quick_add_saves_the_goal_and_names_its_number(slack: Slack, randy: str, app) -> None:
    reply = slack.goal("add Do 40 practice questions a week by Dec 20", user=randy)
    assert reply.text.startswith("Goal #1 saved: Do 40 practice questions a week")
    assert "due Sun Dec 20 — in 27 days" in reply.text
    assert count(app.services.db, Goal) == 1


def test_text_without_a_subcommand_is_a_quick_add(slack: Slack, randy: str) -> None:
    assert slack.goal("Read one NEJM article every week by 2026-12-15", user=randy).text.startswith(
        "Goal #1 saved"
    )
    assert slack.goal("Sleep 7 hours on weeknights", user=randy).text.startswith("Goal #2 saved")


def test_every_documented_date_form_is_read_in_the_users_time_zone(
    slack: Slack, randy: str, clock: FixedClock
) -> None:
    # 2026-11-24 03:00 UTC is still Monday Nov 23 in Chicago: "tomorrow" is Tuesday there.
    clock.now = clock.now.replace(day=24, hour=3)
    expected = {
        "2026-12-15": "Tue Dec 15",
        "Dec 15": "Tue Dec 15",
        "12/15": "Tue Dec 15",
        "15 December 2026": "Tue Dec 15",
        "tomorrow": "due tomorrow (Tue Nov 24)",
        "next Friday": "Fri Nov 27",
        "in 2 weeks": "Mon Dec 7",
    }
    for words, shown in expected.items():
        reply = slack.goal(f"add Finish 3 OSCE cases by {words}", user=randy)
        assert "saved" in reply.text and shown in reply.text, (words, reply.text)


def test_a_past_date_is_refused_and_nothing_is_stored(slack: Slack, randy: str, app) -> None:
    reply = slack.goal("add Pass the anatomy quiz by 2026-11-01", user=randy)
    assert "has passed" in reply.text
    assert count(app.services.db, Goal) == 0


def test_words_after_by_that_are_no_date_are_refused(slack: Slack, randy: str, app) -> None:
    reply = slack.goal("add Study with my group by the library", user=randy)
    assert "I couldn't read “the library” after “by” as a date" in reply.text
    # Two examples written the way they were trying to write it, not the same list every time.
    assert "Try “the 15th” or “Dec 15th”" in reply.text
    other = slack.goal("add Study with my group by Decembr 15", user=randy).text
    assert "Try “12/15” or “2026-12-15”" not in other and "Try “" in other
    assert count(app.services.db, Goal) == 0


def test_a_goal_longer_than_200_characters_is_refused(slack: Slack, randy: str, app) -> None:
    reply = slack.goal("add " + "x" * 201, user=randy)
    assert "200" in reply.text
    assert count(app.services.db, Goal) == 0


def test_smart_feedback_asks_questions_for_what_is_missing(slack: Slack, randy: str) -> None:
    vague = slack.goal("add Get better at suturing", user=randy).text
    assert "When would you like to have this done?" in vague
    assert "How will you know you've achieved it?" in vague
    specific = slack.goal("add Do 20 sutures on the pad by Friday", user=randy).text
    assert "?" not in specific


def test_list_shows_active_goals_with_due_dates_notes_and_closed_counts(
    slack: Slack, randy: str, clock: FixedClock
) -> None:
    slack.goal("add Do 40 questions a week by Nov 28", user=randy)
    slack.goal("add Shadow in the ED twice by Nov 25", user=randy)
    slack.goal("add Journal 3 times a week", user=randy)
    slack.goal("add Drop me", user=randy)
    slack.goal("progress 1 Did 15 questions on cardio", user=randy)
    slack.goal("done 3", user=randy)
    slack.goal("drop 4", user=randy)
    clock.advance(days=4)  # Friday Nov 27: goal 2 is overdue by 2 days
    reply = slack.goal("list", user=randy)
    text = block_texts(reply.json["blocks"])
    assert "*#1* Do 40 questions a week" in text and "due tomorrow (Sat Nov 28)" in text
    assert "Did 15 questions on cardio" in text
    assert "*#2* Shadow in the ED twice" in text and "overdue by 2 days" in text
    assert "#3" not in text and "#4" not in text
    assert "1 done · 0 not achieved · 1 dropped" in text
    assert slack.goal("ls", user=randy).json["blocks"] == reply.json["blocks"]


def test_done_drop_reopen_change_the_goal_and_numbers_are_never_reused(slack: Slack, randy: str) -> None:
    slack.goal("add First goal", user=randy)
    slack.goal("add Second goal", user=randy)
    assert "is done" in slack.goal("done 2", user=randy).text
    assert "already done" in slack.goal("done 2", user=randy).text
    assert "dropped" in slack.goal("drop 1", user=randy).text
    assert "active again" in slack.goal("reopen 1", user=randy).text
    assert slack.goal("add Third goal", user=randy).text.startswith("Goal #3 saved")
    listed = slack.goal("list", user=randy).text
    assert "#1" in listed and "#2" not in listed and "#3" in listed


def test_progress_and_cadence(slack: Slack, randy: str, app) -> None:
    slack.goal("add Do 40 questions a week", user=randy)
    assert "Progress noted on goal #1" in slack.goal("progress 1 Did 20 today", user=randy).text
    assert "every two weeks" in slack.goal("cadence 1 biweekly", user=randy).text
    assert count(app.services.db, ProgressNote) == 1
    with app.services.db.transaction() as s:
        goal = s.scalars(select(Goal)).one()
        assert goal.cadence == "biweekly"
        assert goal.notes[0].created_at == app.services.now()


def test_nobody_can_touch_another_persons_goal_by_guessing_its_number(slack: Slack, randy: str, app) -> None:
    mallory = slack.person("mallory")
    slack.goal("add Randy's private goal", user=randy)
    for text in ("done 1", "drop 1", "progress 1 hijack", "cadence 1 off", "edit 1"):
        assert "You don't have a goal #1" in slack.goal(text, user=mallory).text, text
    assert "no active goals" in slack.goal("list", user=mallory).text
    with app.services.db.transaction() as s:
        goal = s.scalars(select(Goal)).one()
        assert goal.status == "active" and goal.cadence == "weekly" and not goal.notes


def test_help_and_malformed_commands_answer_with_syntax_and_an_example(slack: Slack, randy: str) -> None:
    assert "/goal add" in slack.goal("help", user=randy).text
    for text, hint in [
        ("done", "needs a goal number"),
        ("done two", "needs a goal number"),
        ("progress 1", "Write the note"),
        ("cadence 1 hourly", "daily|weekly|biweekly|off"),
        ("list everything", "takes nothing"),
        ("add", "Write the goal"),
    ]:
        reply = slack.goal(text, user=randy).text
        assert hint in reply and "e.g." in reply, (text, reply)


def test_the_same_command_delivered_twice_creates_one_goal(slack: Slack, randy: str, app) -> None:
    form = slack.driver.command_form(randy, "/goal", "add Replayed goal by Dec 1")
    from urllib.parse import urlencode

    body = urlencode(form)
    first = slack.driver.post(body)
    second = slack.driver.post(body)
    assert first.text == second.text and first.text.startswith("Goal #1 saved")
    assert count(app.services.db, Goal) == 1


def test_the_same_progress_note_delivered_twice_is_stored_once(slack: Slack, randy: str, app) -> None:
    from urllib.parse import urlencode

    slack.goal("add A goal", user=randy)
    body = urlencode(slack.driver.command_form(randy, "/goal", "progress 1 Once only"))
    slack.driver.post(body)
    slack.driver.post(body)
    assert count(app.services.db, ProgressNote) == 1


def test_a_user_is_looked_up_once_and_their_time_zone_cached(slack: Slack, randy: str, emulator) -> None:
    slack.goal("add One", user=randy)
    slack.goal("add Two", user=randy)
    slack.goal("list", user=randy)
    assert len(emulator.calls_to("users.info")) == 1


def test_when_slack_is_down_for_users_info_the_goal_is_still_saved(
    slack: Slack, randy: str, emulator
) -> None:
    import time

    emulator.fail("users.info", 500, times=None)
    started = time.monotonic()
    reply = slack.goal("add Keep going when Slack hiccups", user=randy)
    assert time.monotonic() - started < 3, "Slack gives up on an ack after 3 seconds"
    assert reply.text.startswith("Goal #1 saved")


def test_a_goal_with_the_word_payload_in_it_is_saved(slack: Slack, randy: str, app) -> None:
    # Bolt took any body with "payload" in it for a button click, and dispatched nothing.
    reply = slack.goal("add Review the payload of each drug class by Dec 20", user=randy)
    assert reply.text.startswith("Goal #1 saved: Review the payload of each drug class")
    assert count(app.services.db, Goal) == 1
