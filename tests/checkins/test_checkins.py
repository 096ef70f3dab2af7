"""/checkin, well-being safety, consent to tell the coach, settings, quiet periods and support text."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.checkins.ids import CheckinField, SettingsField
from bot.goals.nudge_plan import replan_people
from storage import checkins as checkin_queries
from storage.models import Cadence, Delivery, DeliveryStatus, Goal, GoalStatus
from storage.models.checkins import CheckIn, NudgeAnswer
from storage.people import upsert_person
from tests.checkins.test_nudges import TUESDAY_NINE_CHICAGO, checkins, goal_status, pending_nudges
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, block_texts, run_due


def select_value(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


def text_value(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


PRIVATE = {"type": "checkboxes", "selected_options": [{"value": "private"}]}


@pytest.fixture
def coach(slack: Slack, randy: str, dean: str, app: RunningApp) -> str:
    """Randy's coach, paired by an admin with /coach assign (the pairing welcomes already sent)."""
    coach_id = slack.person("dr_lee", "America/Chicago")
    assert "now paired" in slack.coach("assign @dr_lee @randy", user=dean).text
    run_due(app, slack.emulator)
    slack.wait_for_dm(coach_id, "You are now")
    slack.wait_for_dm(randy, "Welcome to coaching")
    return coach_id


def told(slack: Slack, coach: str) -> list[Any]:
    """What the coach was told, after the pairing's welcome."""
    return [m for m in slack.dms(coach) if not m.text.startswith("You are now")]


def open_checkin(slack: Slack, user: str) -> dict[str, Any]:
    assert slack.checkin(user=user).status == 200
    return slack.open_modal(user)


def test_the_checkin_modal_asks_wellbeing_each_goal_a_note_and_privacy(slack: Slack, randy: str) -> None:
    slack.goal("add Do 40 practice questions", user=randy)
    modal = open_checkin(slack, randy)
    labels = [b.get("label", {}).get("text", "") for b in modal["blocks"]]
    assert labels[0] == "How are you doing overall?"
    assert "#1 Do 40 practice questions" in labels
    assert any("private" in str(b) for b in modal["blocks"])


def test_a_checkin_records_wellbeing_goal_status_and_a_private_note(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    slack.goal("add Do 40 practice questions", user=randy)
    modal = open_checkin(slack, randy)
    reply = slack.submit(
        randy,
        modal,
        {
            CheckinField.WELLBEING: select_value("4"),
            f"{CheckinField.GOAL_PREFIX}1": select_value("done"),
            CheckinField.NOTE: text_value("Tired but proud"),
            CheckinField.PRIVATE: PRIVATE,
        },
    )
    assert reply.json["response_action"] == "update"
    assert "Saved" in str(reply.json["view"])
    overall, goal = checkins(app)
    assert (overall.answer, overall.wellbeing, overall.note, overall.private) == (
        NudgeAnswer.CHECKIN,
        4,
        "Tired but proud",
        True,
    )
    assert goal.answer == NudgeAnswer.DONE and goal_status(app, 1) == GoalStatus.DONE
    with app.services.db.transaction() as s:  # what anyone else may be shown
        [shared_overall, _] = checkin_queries.shared_checkins(s, overall.person_id, overall.created_at)
    assert shared_overall.note == "" and shared_overall.wellbeing == 4


def test_submitting_without_wellbeing_says_what_is_missing(slack: Slack, randy: str, app: RunningApp) -> None:
    reply = slack.submit(randy, open_checkin(slack, randy), {CheckinField.NOTE: text_value("hi")})
    assert reply.json["response_action"] == "errors"
    assert "1 to 5" in reply.json["errors"][CheckinField.WELLBEING]
    assert checkins(app) == []


def test_low_wellbeing_shows_support_at_once_and_the_coach_hears_only_after_yes(
    slack: Slack, randy: str, app: RunningApp, coach: str
) -> None:
    modal = open_checkin(slack, randy)
    reply = slack.submit(randy, modal, {CheckinField.WELLBEING: select_value("2")})
    support = reply.json["view"]
    text = block_texts(support["blocks"])
    assert "988" in text and "wellness office" in text and "not clinical care" in text
    assert "Would you like your coach to know" in text
    assert run_due(app, slack.emulator) == 0  # nothing goes to the coach before an answer

    shown = {**support, "id": modal["id"]}
    slack.ws.views[modal["id"]] = shown
    slack.click_in_view(randy, shown, "Yes, tell my coach")
    slack.click_in_view(randy, shown, "Yes, tell my coach")  # a double click
    slack.emulator.wait_for_call("views.update")
    assert [c.coach_consent for c in checkins(app)] == [True]
    assert run_due(app, slack.emulator) == 1
    [alert] = told(slack, coach)
    assert alert.text == (
        f"<@{randy}> checked in with low well-being and would like you to know. "
        "When you reach out, leave them in charge of what happens next."
    )
    assert "They asked for you to know" not in alert.text  # said once, not twice


def test_no_thanks_is_stored_and_nobody_is_told(
    slack: Slack, randy: str, app: RunningApp, coach: str
) -> None:
    modal = open_checkin(slack, randy)
    support = {
        **slack.submit(randy, modal, {CheckinField.WELLBEING: select_value("1")}).json["view"],
        "id": modal["id"],
    }
    slack.click_in_view(randy, support, "No, thanks")
    slack.emulator.wait_for_call("views.update")
    assert [c.coach_consent for c in checkins(app)] == [False]
    assert run_due(app, slack.emulator) == 0 and told(slack, coach) == []


def test_without_a_paired_coach_yes_tells_no_one_and_says_so(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    modal = open_checkin(slack, randy)
    support = {
        **slack.submit(randy, modal, {CheckinField.WELLBEING: select_value("2")}).json["view"],
        "id": modal["id"],
    }
    slack.click_in_view(randy, support, "Yes, tell my coach")
    [update] = slack.emulator.wait_for_call("views.update")
    assert "don't have a coach paired" in str(update.args["view"])
    assert [c.coach_consent for c in checkins(app)] == [True]


def test_admins_set_the_support_text_and_others_cannot(slack: Slack, randy: str) -> None:
    admin = slack.person("dean", "America/Chicago", is_admin=True)
    refused = slack.coachbot("support set Call me", user=randy)
    assert "Only program admins" in refused.text
    saved = slack.command(
        "/coachbot", "support set Wellness Center 555-0100. In the US, call or text 988.", user=admin
    )
    assert "Support resources updated" in saved.text
    assert "Wellness Center 555-0100" in slack.coachbot("support", user=randy).text


def test_settings_modal_saves_and_moves_the_next_nudge(slack: Slack, randy: str, app: RunningApp) -> None:
    slack.goal("add Do 40 practice questions", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    assert slack.coachbot("settings", user=randy).status == 200
    modal = slack.open_modal(randy)
    values = {
        SettingsField.NUDGE_TIME: {"type": "timepicker", "selected_time": "07:30"},
        SettingsField.QUIET_START: {"type": "timepicker", "selected_time": "21:00"},
        SettingsField.QUIET_END: {"type": "timepicker", "selected_time": "07:00"},
    }
    reply = slack.submit(randy, modal, values)
    assert "Your next nudge: Tue Nov 24, 7:30 AM" in str(reply.json["view"])
    assert [r.due_at for r in pending_nudges(app)] == [TUESDAY_NINE_CHICAGO - timedelta(minutes=90)]


def test_settings_also_choose_the_reminders_before_coaching_sessions(slack: Slack, randy: str) -> None:
    assert slack.coachbot("settings", user=randy).status == 200
    modal = slack.open_modal(randy)
    block = next(b for b in modal["blocks"] if b["block_id"] == SettingsField.SESSION_REMINDERS)
    assert block["label"]["text"] == "Remind me before coaching sessions"
    assert [o["value"] for o in block["element"]["initial_options"]] == ["1440", "60"]  # the defaults
    values = {
        SettingsField.NUDGE_TIME: {"type": "timepicker", "selected_time": "09:00"},
        SettingsField.QUIET_START: {"type": "timepicker", "selected_time": "20:00"},
        SettingsField.QUIET_END: {"type": "timepicker", "selected_time": "08:00"},
        SettingsField.SESSION_REMINDERS: {
            "type": "checkboxes", "selected_options": [{"value": "10080"}, {"value": "15"}],
        },
    }  # fmt: skip
    assert slack.submit(randy, modal, values).json["response_action"] == "update"
    shown = slack.meeting("reminders", user=randy).text
    assert "1 week" in shown and "15 minutes" in shown and "1 day" not in shown


def test_a_nudge_time_inside_quiet_hours_is_refused_on_the_field(slack: Slack, randy: str) -> None:
    slack.coachbot("settings", user=randy)
    modal = slack.open_modal(randy)
    values = {
        SettingsField.NUDGE_TIME: {"type": "timepicker", "selected_time": "22:00"},
        SettingsField.QUIET_START: {"type": "timepicker", "selected_time": "20:00"},
        SettingsField.QUIET_END: {"type": "timepicker", "selected_time": "08:00"},
    }
    reply = slack.submit(randy, modal, values)
    assert "inside your quiet hours" in reply.json["errors"][SettingsField.NUDGE_TIME]


def test_the_home_tab_has_a_settings_button_that_opens_the_modal(slack: Slack, randy: str) -> None:
    slack.driver.open_home(randy)
    home = slack.home(randy)
    slack.click_in_view(randy, home, "Settings")
    assert slack.open_modal(randy)["title"]["text"] == "Nudge settings"


def test_pausing_holds_nudges_until_the_date_then_they_resume(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    slack.goal("add Do 40 practice questions", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    slack.coachbot("settings", user=randy)
    values = {
        SettingsField.NUDGE_TIME: {"type": "timepicker", "selected_time": "09:00"},
        SettingsField.QUIET_START: {"type": "timepicker", "selected_time": "20:00"},
        SettingsField.QUIET_END: {"type": "timepicker", "selected_time": "08:00"},
        SettingsField.PAUSE_UNTIL: {"type": "datepicker", "selected_date": "2026-12-02"},
    }
    slack.submit(randy, slack.open_modal(randy), values)
    assert [r.due_at for r in pending_nudges(app)] == [datetime(2026, 12, 2, 15, 0, tzinfo=UTC)]


def test_program_quiet_periods_are_admin_only_and_move_pending_nudges(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    admin = slack.person("dean", "America/Chicago", is_admin=True)
    slack.goal("add Do 40 practice questions", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    assert (
        "Only program admins"
        in slack.coachbot("quiet add 2026-11-24 2026-11-27 Thanksgiving", user=randy).text
    )
    added = slack.coachbot("quiet add 2026-11-24 2026-11-27 Thanksgiving", user=admin).text
    assert "Thanksgiving" in added and "Tue Nov 24, 2026 – Fri Nov 27, 2026" in added
    assert [r.due_at for r in pending_nudges(app)] == [datetime(2026, 11, 30, 15, 0, tzinfo=UTC)]
    listed = slack.coachbot("quiet list", user=randy).text
    number = listed.split("#", 1)[1].split(" ", 1)[0]
    assert "Thanksgiving" in listed
    assert "removed" in slack.coachbot(f"quiet remove {number}", user=admin).text
    assert [r.due_at for r in pending_nudges(app)] == [TUESDAY_NINE_CHICAGO]


def seed_people_with_daily_goals(app: RunningApp, team_id: str, count: int, now: datetime) -> None:
    """`count` coachees in Chicago, each with a daily goal and its nudge planned (as /goal would)."""
    with app.services.db.transaction() as session:
        ids = []
        for n in range(count):
            person = upsert_person(
                session,
                team_id=team_id,
                slack_user_id=f"U9{n:08d}",
                display_name=f"student{n}",
                tz="America/Chicago",
                is_workspace_admin=False,
                is_deleted=False,
                now=now,
            )
            session.add(
                Goal(
                    team_id=person.team_id,
                    person_id=person.id,
                    number=1,
                    title="Do 40 practice questions",
                    cadence=Cadence.DAILY,
                    created_at=now,
                    updated_at=now,
                )
            )
            ids.append(person.id)
        session.flush()
        replan_people(session, ids, now)


def test_a_quiet_period_for_a_thousand_coachees_answers_within_3_seconds_and_moves_every_nudge(
    slack: Slack, app: RunningApp, clock: FixedClock
) -> None:
    admin = slack.person("dean", "America/Chicago", is_admin=True)
    seed_people_with_daily_goals(app, slack.ws.team_id, 1000, clock())
    assert {r.due_at for r in pending_nudges(app)} == {TUESDAY_NINE_CHICAGO}
    started = time.monotonic()
    added = slack.coachbot("quiet add 2026-11-24 2026-11-27 Thanksgiving", user=admin).text
    assert time.monotonic() - started < 3.0
    assert "Thanksgiving" in added
    moved = pending_nudges(app)
    assert len(moved) == 1000 and {r.due_at for r in moved} == {datetime(2026, 11, 30, 15, 0, tzinfo=UTC)}


def test_quiet_add_with_bad_dates_says_how_to_write_it(slack: Slack) -> None:
    admin = slack.person("dean", "America/Chicago", is_admin=True)
    reply = slack.coachbot("quiet add someday later Break", user=admin).text
    assert "/coachbot quiet add 2026-12-21 2027-01-03 Winter break" in reply
    backwards = slack.coachbot("quiet add 2027-01-03 2026-12-21 Break", user=admin).text
    assert "comes before" in backwards


def test_coachbot_help_lists_every_subcommand(slack: Slack, randy: str) -> None:
    reply = slack.coachbot("", user=randy).text
    for word in ("settings", "quiet add|list|remove", "support", "help"):
        assert word in reply
    assert "I don't know `/coachbot dance`" in slack.coachbot("dance", user=randy).text


def test_a_nudge_note_is_saved_once_and_private_notes_stay_private(
    slack: Slack, randy: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.goal("add Do 40 practice questions", user=randy)
    slack.goal("cadence 1 daily", user=randy)
    clock.now = TUESDAY_NINE_CHICAGO
    run_due(app, slack.emulator)
    slack.click_in_message(randy, slack.dms(randy)[0], "Add a note")
    modal = slack.open_modal(randy)
    values = {CheckinField.NOTE: text_value("Struggling with renal"), CheckinField.PRIVATE: PRIVATE}
    first = slack.submit(randy, modal, values)
    slack.submit(randy, modal, values)  # a retried submission
    assert "private" in str(first.json["view"])
    with app.services.db.transaction() as s:
        [note] = s.scalars(select(CheckIn)).all()
        assert note.private and note.note == "Struggling with renal" and note.goal_id is not None
        assert s.scalars(select(Delivery).where(Delivery.status == DeliveryStatus.PENDING)).all()


def test_quiet_add_reads_a_range_written_in_words(slack: Slack) -> None:
    admin = slack.person("dean", "America/Chicago", is_admin=True)
    added = slack.command("/coachbot", "quiet add Dec 21 to Jan 3 Winter break", user=admin).text
    assert "Winter break" in added and "Mon Dec 21, 2026 – Sun Jan 3, 2027" in added
    words = slack.command(
        "/coachbot", "quiet add next Monday until end of next week Study week", user=admin
    ).text
    assert "Study week" in words and "Mon Nov 30, 2026 – Fri Dec 4, 2026" in words
