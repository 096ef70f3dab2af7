"""The goal modal, the progress modal and App Home, through views.open / views.publish."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.emulator import SlackEmulator
from storage.models import Goal
from tests.harness import RunningApp, Slack, block_texts


def selected(value: str) -> dict[str, object]:
    return {
        "type": "static_select",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }


def text(value: str | None) -> dict[str, object]:
    return {"type": "plain_text_input", "value": value}


def picked(day: str | None) -> dict[str, object]:
    return {"type": "datepicker", "selected_date": day}


def full_form(title: str = "Present a case at M&M", target: str | None = "2026-12-18") -> dict[str, object]:
    return {
        "goal_title": text(title),
        "goal_why": text("I freeze when speaking to a room"),
        "goal_measure": text("I present without notes"),
        "goal_target": picked(target),
        "goal_area": selected("professional"),
        "goal_cadence": selected("biweekly"),
    }


def test_goal_with_no_text_opens_the_new_goal_modal_with_every_field(slack: Slack, randy: str) -> None:
    reply = slack.goal("", user=randy)
    assert reply.body == ""  # the modal is the answer; no chat noise
    modal = slack.open_modal(randy)
    assert modal["title"]["text"] == "New goal"
    labels = [b["label"]["text"] for b in modal["blocks"]]
    assert labels == [
        "Goal",
        "Why it matters to you",
        "How you will know you got there",
        "Target date",
        "Area",
        "Check-in cadence",
    ]
    area = next(b for b in modal["blocks"] if b["block_id"] == "goal_area")["element"]
    assert [o["text"]["text"] for o in area["options"]] == [
        "Academic performance",
        "Clinical skills",
        "Well-being",
        "Professional identity",
        "Leadership",
        "Community",
        "Other",
    ]
    cadence = next(b for b in modal["blocks"] if b["block_id"] == "goal_cadence")["element"]
    assert cadence["initial_option"]["value"] == "weekly"
    assert slack.command("/goal", "new", user=randy).status == 200


def test_submitting_the_modal_saves_the_goal_and_shows_it_saved(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    slack.goal("new", user=randy)
    reply = slack.submit(randy, slack.open_modal(randy), full_form())
    assert reply.json["response_action"] == "update"
    assert "Goal #1 saved" in block_texts(reply.json["view"]["blocks"])
    with app.services.db.transaction() as s:
        goal = s.scalars(select(Goal)).one()
        assert (goal.title, goal.area, goal.cadence, goal.target_date) == (
            "Present a case at M&M",
            "professional",
            "biweekly",
            date(2026, 12, 18),
        )
        assert goal.why == "I freeze when speaking to a room" and goal.measure == "I present without notes"


def test_invalid_fields_come_back_as_field_errors_and_nothing_is_saved(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    slack.goal("new", user=randy)
    modal = slack.open_modal(randy)
    empty = slack.submit(randy, modal, full_form(title="   ", target="2026-11-01"))
    assert empty.json["response_action"] == "errors"
    assert set(empty.json["errors"]) == {"goal_title", "goal_target"}
    too_long = slack.submit(randy, modal, full_form(title="x" * 201))
    assert "200" in too_long.json["errors"]["goal_title"]
    with app.services.db.transaction() as s:
        assert s.scalars(select(Goal)).all() == []


def test_a_goal_without_date_or_measure_gets_smart_questions_in_the_saved_view(
    slack: Slack, randy: str
) -> None:
    slack.goal("new", user=randy)
    form = full_form(target=None) | {
        "goal_measure": text(None),
        "goal_title": text("Be more confident on rounds"),
    }
    shown = block_texts(slack.submit(randy, slack.open_modal(randy), form).json["view"]["blocks"])
    # The form is saved: nothing more can be answered in it, so what is missing is said, not asked.
    assert "No target date yet. Nothing says yet how you will know you got there." in shown
    assert "?" not in shown and "`/goal edit 1` adds it any time." in shown


def test_resubmitting_the_same_view_does_not_create_a_second_goal(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    slack.goal("new", user=randy)
    modal = slack.open_modal(randy)
    state = {k: {k: v} for k, v in full_form().items()}
    slack.driver.submit(randy, modal, state)
    slack.driver.submit(randy, modal, state)
    with app.services.db.transaction() as s:
        assert len(s.scalars(select(Goal)).all()) == 1


def test_edit_opens_the_modal_prefilled_and_saves_changes(slack: Slack, randy: str, app: RunningApp) -> None:
    slack.goal("add Read 2 papers a week by Dec 30", user=randy)
    slack.goal("edit 1", user=randy)
    modal = slack.open_modal(randy)
    assert modal["title"]["text"] == "Edit goal #1"
    title = next(b for b in modal["blocks"] if b["block_id"] == "goal_title")
    assert title["element"]["initial_value"] == "Read 2 papers a week"
    target = next(b for b in modal["blocks"] if b["block_id"] == "goal_target")
    assert target["element"]["initial_date"] == "2026-12-30"
    reply = slack.submit(randy, modal, full_form(title="Read 3 papers a week"))
    assert "Goal #1 updated" in block_texts(reply.json["view"]["blocks"])
    assert "*#1* Read 3 papers a week" in slack.goal("list", user=randy).text


def test_app_home_lists_goals_with_buttons_and_refreshes_after_changes(slack: Slack, randy: str) -> None:
    slack.goal("add Do 40 questions a week by Dec 20", user=randy)
    home = slack.open_home(randy)
    assert "Do 40 questions a week" in block_texts(home["blocks"])
    buttons = [e["text"]["text"] for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["New goal", "Settings", "Done", "Edit", "Log progress"]
    before = slack.publishes(randy)
    slack.goal("add Sleep 7 hours", user=randy)
    assert "Sleep 7 hours" in block_texts(slack.home(randy, after=before)["blocks"])


def test_opening_app_home_publishes_it(slack: Slack, randy: str, emulator: SlackEmulator) -> None:
    assert "No active goals yet" in block_texts(slack.open_home(randy)["blocks"])


def test_home_is_published_after_changes_only_once_someone_has_opened_it(
    slack: Slack, randy: str, app: RunningApp
) -> None:
    from bot.home.service import refresh_home
    from bot.platform.slack import SlackGateway, make_web_client

    slack.goal("add Goal before opening Home", user=randy)
    gateway = SlackGateway(make_web_client("xoxb-emulator-token", slack.emulator.url))
    actor = app.services.actor(gateway, slack.ws.team_id, randy)
    refresh_home(app.services, gateway, actor)  # run synchronously: nobody to publish to yet
    assert slack.publishes(randy) == 0
    assert "Goal before opening Home" in block_texts(slack.open_home(randy)["blocks"])
    before = slack.publishes(randy)
    slack.goal("add Goal after opening Home", user=randy)
    assert "Goal after opening Home" in block_texts(slack.home(randy, after=before)["blocks"])


def test_home_done_button_completes_the_goal_and_refreshes(slack: Slack, randy: str) -> None:
    slack.goal("add Finish the renal block questions", user=randy)
    home = slack.open_home(randy)
    before = slack.publishes(randy)
    assert slack.click_in_view(randy, home, "Done").status == 200
    refreshed = slack.home(randy, after=before)
    assert "Finish the renal block" not in block_texts(refreshed["blocks"])
    assert "1 done" in block_texts(refreshed["blocks"])


def test_home_log_progress_opens_a_modal_and_saves_the_note(slack: Slack, randy: str) -> None:
    slack.goal("add Do 40 questions a week", user=randy)
    home = slack.open_home(randy)
    slack.click_in_view(randy, home, "Log progress")
    modal = slack.open_modal(randy)
    assert modal["title"]["text"] == "Log progress"
    empty = slack.submit(randy, modal, {"progress_note": text("  ")})
    assert empty.json["response_action"] == "errors"
    assert slack.submit(randy, modal, {"progress_note": text("25 done by Wednesday")}).status == 200
    assert "25 done by Wednesday" in slack.goal("list", user=randy).text


def test_home_edit_and_new_goal_buttons_open_the_modals(slack: Slack, randy: str) -> None:
    slack.goal("add Teach a skills session", user=randy)
    home = slack.open_home(randy)
    slack.click_in_view(randy, home, "Edit")
    assert slack.open_modal(randy)["title"]["text"] == "Edit goal #1"
    slack.ws.open_modals.clear()
    slack.click_in_view(randy, home, "New goal")
    assert slack.open_modal(randy)["title"]["text"] == "New goal"


def test_a_home_button_carrying_someone_elses_goal_number_changes_nothing(slack: Slack, randy: str) -> None:
    mallory = slack.person("mallory")
    slack.goal("add Randy's goal", user=randy)
    home = slack.open_home(randy)
    slack.click_in_view(mallory, home, "Done")  # a forged click from another user
    assert "Randy's goal" in slack.goal("list", user=randy).text
