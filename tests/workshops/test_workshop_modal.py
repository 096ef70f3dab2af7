"""The workshop form: open, submit, field errors, and an announcement at a chosen time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.workshops.schedule import ANNOUNCEMENT
from storage.models.workshops import Workshop
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, block_texts
from tests.workshops.workshop_helpers import buttons, count, pending, run_clock_to


@pytest.fixture
def dean(slack: Slack) -> str:
    return slack.person("dean", "America/New_York", is_admin=True)


@pytest.fixture
def channel(slack: Slack, dean: str, randy: str) -> str:
    return slack.channel("wellbeing", [dean, randy])


def filled(channel: str, **changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {
        "workshop_title": {"type": "plain_text_input", "value": "Coaching basics"},
        "workshop_description": {"type": "plain_text_input", "value": "What makes a coaching conversation?"},
        "workshop_date": {"type": "datepicker", "selected_date": "2026-12-03"},
        "workshop_time": {"type": "timepicker", "selected_time": "12:00", "timezone": "America/New_York"},
        "workshop_duration": {"type": "plain_text_input", "value": "45m"},
        "workshop_location": {
            "type": "plain_text_input",
            "value": "Room 204 or https://zoom.example.edu/j/1",
        },
        "workshop_channel": {"type": "conversations_select", "selected_conversation": channel},
        "workshop_repeat": {"type": "static_select", "selected_option": {"value": "biweekly"}},
        "workshop_count": {"type": "plain_text_input", "value": "3"},
        "workshop_reminders": {"type": "checkboxes", "selected_options": [{"value": "60"}]},
        "workshop_announce": {"type": "radio_buttons", "selected_option": {"value": "now"}},
    }
    values.update(changes)
    return values


def test_the_form_creates_the_workshop_and_announces_it_now(slack: Slack, dean: str, channel: str) -> None:
    slack.workshop("", user=dean)
    form = slack.open_modal(dean)
    assert form["title"]["text"] == "New workshop"
    element_types = {b["block_id"]: b["element"]["type"] for b in form["blocks"] if b["type"] == "input"}
    assert element_types["workshop_channel"] == "conversations_select"
    reply = slack.submit(dean, form, filled(channel))
    assert reply.json["response_action"] == "update"
    assert "Workshop #1 saved: *Coaching basics*" in block_texts(reply.json["view"]["blocks"])
    [post] = slack.wait_for_post(channel)
    text = block_texts(post.blocks)
    assert "📍 Room 204 or https://zoom.example.edu/j/1" in text
    assert "🔁 Every two weeks on Thursday, 3 sessions" in text
    assert "What makes a coaching conversation?" in text
    assert buttons(post.blocks)[:3] == ["Going", "Maybe", "Can't make it"]


@pytest.mark.parametrize(
    ("changes", "block", "words"),
    [
        (
            {"workshop_date": {"type": "datepicker", "selected_date": "2026-11-01"}},
            "workshop_date",
            "already passed",
        ),
        (
            {"workshop_duration": {"type": "plain_text_input", "value": "a while"}},
            "workshop_duration",
            "I couldn't read “a while” as a length of time. Try “45 minutes” or “1h30”.",
        ),
        ({"workshop_count": {"type": "plain_text_input", "value": ""}}, "workshop_until", "stop repeating"),
        (
            {"workshop_until": {"type": "datepicker", "selected_date": "2026-11-30"}, "workshop_count": {}},
            "workshop_until",
            "before the first session",
        ),
        ({"workshop_channel": {"type": "conversations_select"}}, "workshop_channel", "Choose the channel"),
    ],
)
def test_field_errors_are_shown_on_the_field_and_nothing_is_saved(
    slack: Slack, dean: str, channel: str, app: RunningApp, changes: dict[str, Any], block: str, words: str
) -> None:
    slack.workshop("", user=dean)
    reply = slack.submit(dean, slack.open_modal(dean), filled(channel, **changes))
    assert reply.json["response_action"] == "errors"
    assert words in reply.json["errors"][block]
    assert count(app, Workshop) == 0


def test_a_channel_without_the_bot_is_refused_on_the_channel_field(
    slack: Slack, dean: str, app: RunningApp
) -> None:
    closed = slack.channel("private-ish", [dean], bot_member=False)
    slack.workshop("", user=dean)
    reply = slack.submit(dean, slack.open_modal(dean), filled(closed))
    assert "/invite @coachbot" in reply.json["errors"]["workshop_channel"]
    assert count(app, Workshop) == 0


def test_an_announcement_at_a_date_and_time_waits_for_it(
    slack: Slack, dean: str, channel: str, app: RunningApp, clock: FixedClock
) -> None:
    slack.workshop("", user=dean)
    later = {
        "workshop_announce": {"type": "radio_buttons", "selected_option": {"value": "later"}},
        "workshop_announce_date": {"type": "datepicker", "selected_date": "2026-11-30"},
        "workshop_announce_time": {"type": "timepicker", "selected_time": "08:00"},
    }
    reply = slack.submit(dean, slack.open_modal(dean), filled(channel, **later))
    assert "I'll announce it" in block_texts(reply.json["view"]["blocks"])
    [row] = pending(app, ANNOUNCEMENT)
    assert row.due_at == datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
    run_clock_to(app, slack, clock, datetime(2026, 11, 30, 12, 59, tzinfo=UTC))
    assert slack.posts(channel) == []
    run_clock_to(app, slack, clock, datetime(2026, 11, 30, 13, 0, tzinfo=UTC))
    assert "*Coaching basics*" in block_texts(slack.posts(channel)[0].blocks)


def test_a_non_admin_gets_a_refusal_instead_of_the_form(slack: Slack, randy: str, app: RunningApp) -> None:
    assert "Only program admins and program leads" in slack.workshop("", user=randy).text
    app.wait_idle()
    assert slack.ws.open_modals.get(randy) is None
