"""Messages stay inside Slack's limits whatever people type: every message and view the app sends,
built from inputs at their maximum sizes, passes slack_sdk's models and Slack's documented limits,
and the long words still reach the reader."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.goals.service import NOTE_MAX, TITLE_MAX
from bot.workshops.service import TITLE_MAX as WORKSHOP_TITLE_MAX
from tests.conftest import FixedClock
from tests.harness import RunningApp, Slack, block_texts, run_due
from tests.workshops.workshop_helpers import announced

# Slack's documented limits (api.slack.com/reference/block-kit, /methods/chat.postMessage, /surfaces).
MESSAGE_BLOCKS, VIEW_BLOCKS = 50, 100
SECTION_TEXT, TEXT_OBJECT_MIN, HEADER_TEXT = 3000, 1, 150
BUTTON_TEXT, ID_MAX, BUTTON_VALUE = 75, 255, 2000
CHECKBOX_OPTIONS, MODAL_TITLE, PRIVATE_METADATA, MESSAGE_TEXT = 10, 24, 3000, 40_000
OUTGOING = {"chat.postMessage", "chat.update", "chat.postEphemeral", "views.publish", "views.open"}
OUTGOING |= {"views.update", "views.push"}


def problems_in_blocks(blocks: list[dict[str, Any]], limit: int) -> list[str]:
    found = [f"{len(blocks)} blocks (limit {limit})"] if len(blocks) > limit else []
    for block in blocks:
        try:
            parsed = Block.parse(block)
            assert parsed is not None, block
            parsed.validate_json()
        except Exception as error:  # slack_sdk says why the block is not one Slack takes
            found.append(f"{block.get('type')}: {error}")
        text = block.get("text") or {}
        if block["type"] == "section" and len(text.get("text", "")) > SECTION_TEXT:
            found.append(f"section text of {len(text['text'])}")
        if block["type"] == "header" and len(text.get("text", "")) > HEADER_TEXT:
            found.append(f"header of {len(text['text'])}")
        if isinstance(text, dict) and text and len(text.get("text", "")) < TEXT_OBJECT_MIN:
            found.append("an empty text")
        if len(block.get("block_id", "")) > ID_MAX:
            found.append("a block_id over 255")
        elements = [*block.get("elements", []), *([block["accessory"]] if "accessory" in block else [])]
        elements += [block["element"]] if "element" in block else []
        for element in elements:
            if len(element.get("action_id", "")) > ID_MAX:
                found.append("an action_id over 255")
            if element.get("type") == "button":
                if len(element["text"]["text"]) > BUTTON_TEXT:
                    found.append(f"button text of {len(element['text']['text'])}")
                if len(element.get("value", "")) > BUTTON_VALUE:
                    found.append("a button value over 2000")
            if element.get("type") == "checkboxes" and len(element.get("options", [])) > CHECKBOX_OPTIONS:
                found.append(f"{len(element['options'])} checkbox options")
    return found


def problems(method: str, args: dict[str, Any]) -> list[str]:
    """What in one outgoing call breaks a Slack limit (empty when it is one Slack takes)."""
    if method.startswith("views."):
        view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
        found = problems_in_blocks(view.get("blocks", []), VIEW_BLOCKS)
        if view.get("type") == "modal" and len((view.get("title") or {}).get("text", "")) > MODAL_TITLE:
            found.append("a modal title over 24")
        if len(view.get("private_metadata", "")) > PRIVATE_METADATA:
            found.append("private_metadata over 3000")
        try:
            View(**view).validate_json()
        except Exception as error:
            found.append(f"view: {error}")
        return found
    blocks = args.get("blocks") or []
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    found = problems_in_blocks(blocks, MESSAGE_BLOCKS)
    if len(args.get("text") or "") > MESSAGE_TEXT:
        found.append("message text over 40000")
    return found


def sent_problems(slack: Slack, acks: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    calls = [(c.method, c.args) for c in list(slack.emulator.calls) if c.method in OUTGOING]
    calls += [("response_url", r) for r in list(slack.emulator.response_urls)]
    calls += [("ack", a) for a in acks]
    return [(method, found) for method, args in calls if (found := problems(method, args))]


def long_words(tag: str, length: int) -> str:
    """Text of exactly `length` characters, heavy with what escaping lengthens, ending in `tag`."""
    body = ("<&> " * length)[: length - len(tag) - 1]
    return f"{body} {tag}"


def test_every_message_and_view_fits_slacks_limits_at_maximum_input_sizes(
    slack: Slack,
    app: RunningApp,
    clock: FixedClock,
    dean: str,
    paired: tuple[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    coach, coachee = paired
    acks: list[dict[str, Any]] = []

    def say(user: str, command: str, text: str) -> dict[str, Any]:
        reply = slack.driver.command(user, command, text)
        assert reply.status == 200, reply
        acks.append({**reply.json, "text": reply.text})
        return acks[-1]

    # Twenty goals at the longest title, each with the longest progress note.
    for n in range(1, 21):
        assert "saved" in say(coachee, "/goal", f"add {long_words(f'title{n}', TITLE_MAX)}")["text"]
        assert "noted" in say(coachee, "/goal", f"progress {n} {long_words(f'note{n}', NOTE_MAX)}")["text"]
    listed = say(coachee, "/goal", "list")
    shown = block_texts(listed["blocks"])
    assert "note1" in shown and "#20*" in shown  # the first note whole, every goal named
    home = slack.open_home(coachee)
    assert "title1" in block_texts(home["blocks"])
    say(coachee, "/checkin", long_words("checkin", NOTE_MAX))
    # The forms that carry those words: editing a goal, a check-in over twenty goals.
    say(coachee, "/goal", "edit 1")
    slack.open_modal(coachee, callback="goal_modal")
    say(coachee, "/checkin", "")
    slack.open_modal(coachee, callback="checkin_modal")
    assert "booked" in slack.meeting("@priya tomorrow 9am", user=coach).text
    prep = slack.wait_for_dm(coachee, "Getting ready")
    slack.click_in_message(coachee, prep, "Add an agenda item")
    modal = slack.open_modal(coachee, callback="agenda_modal")
    agenda = long_words("agendaend", 3000)
    slack.submit(coachee, modal, {"agenda_text": {"type": "plain_text_input", "value": agenda}})
    brief = slack.wait_for_dm(coach, "Prep brief")
    slack.emulator.wait_for(lambda _c: "agendaend" in block_texts(brief.blocks))  # split, not cut
    app.wait_idle()
    say(coach, "/coach", "summary")
    slack.open_home(coach)
    app.wait_idle()
    clock.advance(days=1)  # the nudges of twenty goals, the session's reminders and follow-up
    run_due(app, slack.emulator)
    # A weekly workshop with 43 dates, its title as long as allowed; someone joins its channel.
    channel = slack.channel("m1-coaching", [dean, coachee])
    title = long_words("wtitle", WORKSHOP_TITLE_MAX).replace('"', "")
    when = "2026-12-01 17:00 for 1h weekly until 2027-09-21"
    say(dean, "/workshop", f'<#{channel}|m1-coaching> "{title}" {when}')
    announced(app, slack, channel)
    say(coachee, "/workshop", "list")
    slack.join(coach, channel)
    welcome = slack.emulator.wait_for(
        lambda calls: [c for c in calls if c.method == "chat.postEphemeral" and "Welcome" in c.args["text"]]
    )
    welcome_blocks = welcome[0].args["blocks"]
    welcome_blocks = json.loads(welcome_blocks) if isinstance(welcome_blocks, str) else welcome_blocks
    assert "42 more dates" in block_texts(welcome_blocks)
    app.wait_idle()

    assert not sent_problems(slack, acks)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [
        r.getMessage() for r in caplog.records
    ]
