"""A reading in doubt is asked about over signed HTTP, with Yes / No buttons, and nothing is stored until Yes."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from storage.models import Goal, Meeting
from tests.harness import RunningApp, Slack

# The test clock: Monday Nov 23 2026, 9:00 in Chicago, 10:00 in New York.


def goals(app: RunningApp) -> list[Goal]:
    with app.services.db.transaction() as session:
        return list(session.scalars(select(Goal).order_by(Goal.id)))


def meetings(app: RunningApp) -> list[Meeting]:
    with app.services.db.transaction() as session:
        return list(session.scalars(select(Meeting).order_by(Meeting.id)))


def buttons(reply_json: dict[str, Any]) -> list[str]:
    return [
        element["text"]["text"]
        for block in reply_json.get("blocks") or []
        for element in block.get("elements") or []
        if element.get("type") == "button"
    ]


def test_a_goal_date_that_has_passed_is_asked_about_and_saved_only_on_yes(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    asked = slack.goal("add Get feedback on my case write-up by Nov 20", user=randy)
    assert (
        "Did you mean *Get feedback on my case write-up*, due Sat Nov 20, 2027 — in 362 days?" in asked.text
    )
    assert "Nov 20 has passed this year" in asked.text
    assert buttons(asked.json) == ["Yes, Sat Nov 20, 2027", "No, let me fix it"]
    assert goals(app) == []

    question = slack.reply_message(randy, asked)
    slack.click_in_message(randy, question, "Yes, Sat Nov 20, 2027")
    saved = slack.wait_for_response("saved")
    assert saved["text"].startswith("Goal #1 saved: Get feedback on my case write-up (due Sat Nov 20, 2027")
    assert saved.get("replace_original") is True
    assert [goal.target_date.isoformat() for goal in goals(app) if goal.target_date] == ["2027-11-20"]

    slack.click_in_message(randy, question, "Yes, Sat Nov 20, 2027")  # a second click on the same question
    app.executor.wait_idle()
    assert len(goals(app)) == 1


def test_no_let_me_fix_it_stores_nothing_and_says_how_to_write_it(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    asked = slack.goal("add Get feedback by Nov 20", user=randy)
    slack.click_in_reply(randy, asked, "No, let me fix it")
    answer = slack.wait_for_response("Nothing saved")
    assert "`/goal add Get feedback by Nov 20 2027`" in answer["text"]
    assert goals(app) == []


def test_a_day_first_reader_is_asked_which_12_11_they_mean(slack: Slack, app: RunningApp, emulator) -> None:
    amara = slack.person("amara", "Europe/London", locale="en-GB")
    asked = slack.goal("add Finish the audit by 4/12", user=amara)
    assert "due Fri Dec 4 — in 11 days" in asked.text and "could also be April 12" in asked.text
    assert goals(app) == []
    slack.click_in_reply(amara, asked, "Yes, Fri Dec 4, 2026")
    assert "due Fri Dec 4 — in 11 days" in slack.wait_for_response("saved")["text"]
    assert emulator.calls_to("users.info")[0].args.get("include_locale") in {True, "true", "1"}


def test_a_month_first_reader_gets_4_12_as_april_without_a_question(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    reply = slack.goal("add Finish the audit by 4/12", user=randy)
    assert reply.text.startswith("Goal #1 saved: Finish the audit (due Mon Apr 12, 2027 — in 140 days)")


def test_every_stored_goal_date_is_echoed_in_full(slack: Slack, randy: str) -> None:
    for words, echo in [
        ("Read chapter 4 by EOM", "due Mon Nov 30 — in 7 days"),
        ("Finish the essay in 3 days", "due Thu Nov 26 — in 3 days"),
        ("Submit the abstract before Dec 20", "due Sat Dec 19 — in 26 days"),
        ("Plan electives by mid-December", "due Tue Dec 15 — in 22 days"),
    ]:
        reply = slack.goal(f"add {words}", user=randy).text
        assert "saved" in reply and echo in reply, (words, reply)


def test_a_bare_evening_hour_for_a_meeting_is_asked_and_booked_on_yes(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, coachee = paired
    asked = slack.command("/meeting", "@priya tomorrow at 7 for an hour", user=coach)
    assert "Did you mean *Tue Nov 24, 7:00 PM* (1 hour), your time?" in asked.text
    assert "could be morning or evening" in asked.text
    assert meetings(app) == []

    slack.click_in_reply(coach, asked, "Yes, Tue Nov 24, 7:00 PM")
    booked = slack.wait_for_response("booked")
    assert booked["text"].startswith(f"Session #1 with <@{coachee}> booked: Tue Nov 24, 7:00 PM (1 hour)")
    stored = meetings(app)
    assert [(m.starts_at.isoformat(), m.minutes) for m in stored] == [("2026-11-25T00:00:00+00:00", 60)]
    assert "Wed Nov 25, 5:30 AM" in slack.wait_for_dm(coachee, "Session booked").text


def test_moving_a_meeting_to_a_day_that_has_passed_is_asked_first(
    slack: Slack, app: RunningApp, paired: tuple[str, str]
) -> None:
    coach, _ = paired
    slack.command("/meeting", "@priya Dec 3 1pm", user=coach)
    asked = slack.command("/meeting", "move 1 Nov 20 3pm", user=coach)
    assert "Did you mean *Sat Nov 20, 2027, 3:00 PM*" in asked.text
    assert meetings(app)[0].starts_at.isoformat() == "2026-12-03T18:00:00+00:00"
    slack.click_in_reply(coach, asked, "Yes, Sat Nov 20, 2027, 3:00 PM")
    assert "moved: Sat Nov 20, 2027, 3:00 PM" in slack.wait_for_response("moved")["text"].replace(
        " 2027,", " 2027,"
    )
    assert meetings(app)[0].starts_at.isoformat() == "2027-11-20T20:00:00+00:00"


def test_a_forged_yes_is_refused_quietly(slack: Slack, randy: str, app: RunningApp) -> None:
    asked = slack.goal("add Get feedback by Nov 20", user=randy)
    forged = json.loads(json.dumps(asked.json))
    for block in forged["blocks"]:
        for element in block.get("elements") or []:
            if element.get("action_id") == "goal_date_yes":
                element["value"] = '{"title": "x", "due": "someday"}'
    reply = type(asked)(asked.status, json.dumps(forged))
    response = slack.click_in_reply(randy, reply, "Yes, Sat Nov 20, 2027")
    assert response.status == 200
    assert "nothing saved" in slack.wait_for_response("out of date")["text"]
    with app.services.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Goal)) == 0
