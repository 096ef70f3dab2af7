"""Block Kit as the sandbox shows it: every block and element, mrkdwn tokens in the reader's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.goals.service import GoalDraft, GoalInfo, GoalOverview
from bot.goals.views import goal_list_blocks, goal_modal, progress_modal, saved_modal
from bot.home.views import home_view
from bot.sandbox.mrkdwn import Reader, resolve
from bot.sandbox.render import blocks_lines, message_lines, view_lines
from storage.models import Area, Cadence, GoalStatus

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
READER = Reader("America/Chicago", NOW, {"U1": "randy", "U2": "drlee"}, {"C1": "m1-coaching"})


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def show(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(blocks_lines(blocks, READER))


def test_layout_blocks_read_as_text() -> None:
    shown = show(
        [
            {"type": "header", "text": plain("Weekly summary")},
            {"type": "divider"},
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "*randy* is _on track_"},
                "fields": [{"type": "mrkdwn", "text": "*Goals:* 3"}, plain("Check-ins: 2")],
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Sent by coachbot"}]},
            {"type": "image", "image_url": "https://x/y.png", "alt_text": "chart"},
            {"type": "markdown", "text": "**Bold** words"},
        ]
    )
    assert shown.splitlines() == [
        "== Weekly summary ==",
        "─" * 40,
        "randy is on track",
        "  Goals: 3",
        "  Check-ins: 2",
        "  Sent by coachbot",
        "[image: chart]",
        "**Bold** words",
    ]


def test_interactive_elements_show_their_labels_options_and_values() -> None:
    shown = show(
        [
            {
                "type": "section",
                "text": plain("How is goal #1 going?"),
                "accessory": {"type": "overflow", "options": [option("Snooze", "s"), option("Stop", "x")]},
            },
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": plain("On track"), "style": "primary", "value": "1"},
                    {"type": "button", "text": plain("Open guide"), "url": "https://example.edu"},
                    {
                        "type": "checkboxes",
                        "options": [option("Reviewed notes", "a"), option("Wrote questions", "b")],
                        "initial_options": [option("Wrote questions", "b")],
                    },
                    {
                        "type": "static_select",
                        "placeholder": plain("Cadence"),
                        "option_groups": [{"label": plain("Often"), "options": [option("Daily", "d")]}],
                    },
                    {"type": "radio_buttons", "options": [option("Yes", "y"), option("No", "n")]},
                    {"type": "datepicker", "initial_date": "2026-12-01"},
                    {"type": "timepicker", "initial_time": "09:30"},
                    {"type": "users_select", "initial_user": "U2"},
                    {"type": "conversations_select", "placeholder": plain("Channel")},
                ],
            },
        ]
    )
    assert shown.splitlines() == [
        "How is goal #1 going?  [⋯ Snooze | Stop]",
        "[On track] [Open guide ↗] [ ] Reviewed notes  [x] Wrote questions [Cadence ▾ Daily] "
        "( ) Yes  ( ) No [date: 2026-12-01] [time: 09:30] [@drlee ▾] [Channel ▾]",
    ]


def test_input_blocks_show_label_value_hint_and_error() -> None:
    blocks = [
        {
            "type": "input",
            "block_id": "note",
            "label": plain("Note"),
            "hint": plain("A few words"),
            "element": {"type": "plain_text_input", "action_id": "note", "multiline": True},
        },
        {
            "type": "input",
            "block_id": "when",
            "optional": True,
            "label": plain("When"),
            "element": {"type": "datepicker", "action_id": "when"},
        },
    ]
    state = {"note": {"type": "plain_text_input", "value": "Read ch. 4"}}
    lines = blocks_lines(blocks, READER, state, {"when": "That date has passed"})
    assert lines == [
        "Note: [Read ch. 4]",
        "  (A few words)",
        "When (optional): [date: pick a date]",
        "  ✗ That date has passed",
    ]


def test_rich_text_lists_quotes_and_mentions() -> None:
    block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [{"type": "text", "text": "Hi "}, {"type": "user", "user_id": "U1"}],
            },
            {
                "type": "rich_text_list",
                "style": "ordered",
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "Prep"}]}],
            },
            {"type": "rich_text_quote", "elements": [{"type": "text", "text": "Quoted"}]},
        ],
    }
    assert show([block]).splitlines() == ["Hi @randy", "1. Prep", "> Quoted"]


def test_mentions_channels_links_and_dates_resolve_for_the_reader() -> None:
    tomorrow_9 = int(datetime(2026, 11, 24, 15, 0, tzinfo=UTC).timestamp())
    text = (
        f"<@U2> in <#C1|m1-coaching> <https://example.edu|guide> &lt;3 "
        f"<!date^{tomorrow_9}^{{date_short_pretty}} at {{time}}|Nov 24> <!here>"
    )
    assert (
        resolve(text, READER)
        == "@drlee in #m1-coaching guide (https://example.edu) <3 tomorrow at 9:00 AM @here"
    )
    in_new_york = Reader("America/New_York", NOW)
    assert resolve(f"<!date^{tomorrow_9}^{{date_long}} {{time}}|x>", in_new_york) == (
        "Tuesday, November 24th, 2026 10:00 AM"
    )
    assert resolve(f"<!date^{tomorrow_9}^{{date_num}} {{ago}}|x>", READER) == "2026-11-24 in 1 day"


def test_a_message_without_blocks_shows_its_text() -> None:
    assert message_lines("Hello <@U1>\nsecond line", [], READER) == ["Hello @randy", "second line"]


def _goal(number: int) -> GoalInfo:
    return GoalInfo(
        number,
        f"Goal {number}",
        "",
        "",
        date(2026, 12, 20),
        Area.CLINICAL,
        Cadence.WEEKLY,
        GoalStatus.ACTIVE,
        None,
    )


def test_every_view_the_app_sends_renders_without_unknown_parts() -> None:
    overview = GoalOverview([_goal(1), _goal(2)], done=1, dropped=0)
    today = date(2026, 11, 23)
    surfaces = [
        view_lines(goal_modal().to_dict(), READER),
        view_lines(goal_modal(GoalDraft("Edit me", target_date=today), 3).to_dict(), READER),
        view_lines(progress_modal(_goal(1)).to_dict(), READER),
        view_lines(saved_modal(_goal(1), ["Why?"], today, edited=False).to_dict(), READER),
        view_lines(home_view(overview, today, "America/Chicago").to_dict(), READER),
        blocks_lines([b.to_dict() for b in goal_list_blocks(overview, today, "America/Chicago")], READER),
    ]
    for lines in surfaces:
        shown = "\n".join(lines)
        assert " block]" not in shown and "[static_select]" not in shown, shown
    home = "\n".join(surfaces[4])
    assert "== Your coaching goals ==\n[New goal] [Settings]\n" in home
    assert "#2 Goal 2 · Clinical skills · due Sun Dec 20 — in 27 days\n[Done] [Edit] [Log progress]" in home
    assert "┌ Edit goal #3 ┐" in surfaces[1][0] and "Goal: [Edit me]" in surfaces[1]
    assert "Target date (optional): [date: 2026-11-23]" in surfaces[1]
    assert surfaces[0][-1] == "[Save] [Cancel]"
