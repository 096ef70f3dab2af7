"""Block Kit for nudges: one DM with a part per goal, and the part once it has been answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.checkins.ids import CheckinAction
from bot.platform.block_json import as_json
from bot.platform.dates import describe_due, local_timestamp, short_date
from bot.platform.text import escape_mrkdwn
from storage.models.checkins import NudgeAnswer

MAX_PARTS = 15  # 3 blocks a part stays well inside a message's 50 blocks
NUDGE_BLOCK = "nudge:"
OVERDUE_BLOCK = "overdue:"
OUTCOME_BLOCK = "outcome:"
ANSWERED_BLOCK = "answered:"
_GOAL_BLOCKS = (NUDGE_BLOCK, OVERDUE_BLOCK, OUTCOME_BLOCK, ANSWERED_BLOCK)


@dataclass(frozen=True)
class NudgePart:
    """One goal in a nudge, as the coachee will read it."""

    goal_id: int
    number: int
    title: str
    target_date: date | None
    last_note: str | None
    last_note_at: datetime | None
    overdue: bool
    daily: bool = False  # its cadence is daily (unanswered daily nudges back off)


def nudge_text(parts: list[NudgePart]) -> str:
    """The notification text (and what screen readers announce)."""
    if len(parts) == 1:
        return f"Check-in: how is goal #{parts[0].number} going? {escape_mrkdwn(parts[0].title)}"
    return f"Check-in on {len(parts)} of your goals: how are they going?"


def nudge_blocks(parts: list[NudgePart], today: date, tz: str) -> list[Block]:
    shown = parts[:MAX_PARTS]
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="*Time for a check-in.* How is it going?"
                if len(shown) == 1
                else "*Time for a check-in.* How are your goals going?"
            )
        )
    ]
    for part in shown:
        blocks += _overdue_part(part) if part.overdue else _regular_part(part, today, tz)
    if len(parts) > MAX_PARTS:
        blocks.append(SectionBlock(text=f"…and {len(parts) - MAX_PARTS} more: `/goal list` shows them all."))
    return blocks


def _regular_part(part: NudgePart, today: date, tz: str) -> list[Block]:
    line = f"*#{part.number}* {escape_mrkdwn(part.title)}"
    if part.target_date:
        line += f" · {describe_due(part.target_date, today)}"
    if part.last_note and part.last_note_at:
        line += f"\n>Last progress ({local_timestamp(part.last_note_at, tz)}): {part.last_note[:500]}"
    value = str(part.goal_id)
    return [
        SectionBlock(text=MarkdownTextObject(text=line)),
        ActionsBlock(
            block_id=f"{NUDGE_BLOCK}{part.goal_id}",
            elements=[
                ButtonElement(
                    text="On track", action_id=CheckinAction.NUDGE_ON_TRACK, value=value, style="primary"
                ),
                ButtonElement(text="Need help", action_id=CheckinAction.NUDGE_NEED_HELP, value=value),
                ButtonElement(text="Done", action_id=CheckinAction.NUDGE_DONE, value=value),
                ButtonElement(text="Snooze 1 day", action_id=CheckinAction.NUDGE_SNOOZE, value=value),
                ButtonElement(text="Add a note", action_id=CheckinAction.NUDGE_NOTE, value=value),
            ],
        ),
    ]


def _overdue_part(part: NudgePart) -> list[Block]:
    assert part.target_date is not None
    value = str(part.goal_id)
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*#{part.number}* {escape_mrkdwn(part.title)}\nIts target date, {short_date(part.target_date)}, has "
                "passed. Would you like to close it, or set a new date?"
            )
        ),
        ActionsBlock(
            block_id=f"{OVERDUE_BLOCK}{part.goal_id}",
            elements=[
                ButtonElement(text="Close goal", action_id=CheckinAction.OVERDUE_CLOSE, value=value),
                ButtonElement(text="Set a new date", action_id=CheckinAction.OVERDUE_NEW_DATE, value=value),
            ],
        ),
    ]


def need_help_line(coach: str, due: datetime, tz: str) -> str:
    """The coachee's answer to "Need help": who will see it, and when."""
    return (
        f"🤝 You asked for help. <@{coach}> will see it {local_timestamp(due, tz)} (your time), "
        "in their working hours. "
        "You can add a note for them with `/checkin`."
    )


def answer_line(answer: NudgeAnswer, private: bool = False, number: int | None = None) -> str:
    """What replaces a part's buttons once the coachee has answered (`number`: the goal's)."""
    lines = {
        NudgeAnswer.ON_TRACK: "✅ On track: noted.",
        NudgeAnswer.NEED_HELP: "🤝 You asked for help: noted. You can add a note with `/checkin`.",
        NudgeAnswer.DONE: "🎉 Done, and the goal is closed. Well done.",
        NudgeAnswer.CLOSED: "Closing this goal. Did you get there?",
        NudgeAnswer.NOT_ACHIEVED: f"Closed as not achieved this time. `/goal reopen {number or 'N'}` brings it "
        "back if you change your mind.",
        NudgeAnswer.SNOOZED: "⏰ Snoozed: I'll ask again in a day, outside your quiet hours.",
        NudgeAnswer.NOTE: "📝 Note saved" + (" (private: only you can see it)." if private else "."),
        NudgeAnswer.NEW_DATE: "📅 New target date saved: `/goal list` shows it.",
    }
    return lines.get(answer, "Noted.")


def _answered(goal: str, answer: NudgeAnswer, line: str) -> list[dict[str, Any]]:
    blocks: list[Block] = [
        ContextBlock(block_id=f"{ANSWERED_BLOCK}{goal}", elements=[MarkdownTextObject(text=line)])
    ]
    if answer == NudgeAnswer.CLOSED:
        # "Close goal" asks before it closes: completed, or not achieved this time.
        blocks.append(
            ActionsBlock(
                block_id=f"{OUTCOME_BLOCK}{goal}",
                elements=[
                    ButtonElement(
                        text="Yes, done", action_id=CheckinAction.OUTCOME_DONE, value=goal, style="primary"
                    ),
                    ButtonElement(
                        text="Not this time", action_id=CheckinAction.OUTCOME_NOT_ACHIEVED, value=goal
                    ),
                ],
            )
        )
    return as_json(blocks)


def answered_blocks(
    blocks: list[dict[str, Any]], answers: dict[int, tuple[NudgeAnswer, str]]
) -> list[dict[str, Any]]:
    """The message's blocks with each answered goal's buttons replaced by its answer."""
    out: list[dict[str, Any]] = []
    drawn: set[int] = set()
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        goal = block_id.split(":", 1)[1] if block_id.startswith(_GOAL_BLOCKS) else ""
        if not (goal.isdigit() and int(goal) in answers):
            out.append(block)
        elif int(goal) not in drawn:  # the first of its blocks becomes the answer; the rest go
            drawn.add(int(goal))
            out += _answered(goal, *answers[int(goal)])
    return out
