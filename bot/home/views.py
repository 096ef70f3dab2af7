"""The App Home tab: the user's goals with their buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.checkins.ids import CheckinAction
from bot.goals.ids import GoalAction
from bot.goals.service import GoalOverview
from bot.goals.views import closed_counts_text, goal_line
from bot.platform.text import SECTION_MAX, shorten

HOME_BLOCK_LIMIT = 100
_BLOCKS_PER_GOAL = 3
# More than this many goals with buttons is a wall, not a dashboard (and costly to publish).
HOME_GOALS_SHOWN = 12


def home_view(overview: GoalOverview, today: date, tz: str, sections: Sequence[list[Block]] = ()) -> View:
    """Other sections first (a coach's roster …), then goals with Done / Edit / Log progress."""
    blocks: list[Block] = [block for section in sections for block in section]
    blocks += [
        HeaderBlock(text="Your coaching goals"),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="New goal", action_id=GoalAction.HOME_NEW_GOAL, value="new", style="primary"
                ),
                ButtonElement(text="Settings", action_id=CheckinAction.HOME_SETTINGS, value="settings"),
            ]
        ),
        DividerBlock(),
    ]
    room = min(HOME_GOALS_SHOWN, (HOME_BLOCK_LIMIT - len(blocks) - 2) // _BLOCKS_PER_GOAL)
    for goal in overview.active[:room]:
        value = str(goal.number)
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=shorten(goal_line(goal, today, tz), SECTION_MAX))),
            ActionsBlock(
                block_id=f"goal_{goal.number}",
                elements=[
                    ButtonElement(
                        text="Done", action_id=GoalAction.HOME_GOAL_DONE, value=value, style="primary"
                    ),
                    ButtonElement(text="Edit", action_id=GoalAction.HOME_GOAL_EDIT, value=value),
                    ButtonElement(text="Log progress", action_id=GoalAction.HOME_GOAL_PROGRESS, value=value),
                ],
            ),
            DividerBlock(),
        ]
    if not overview.active:
        blocks.append(SectionBlock(text="No active goals yet. What would you like to work towards?"))
    hidden = len(overview.active) - room
    if hidden > 0:
        blocks.append(SectionBlock(text=f"…and {hidden} more: `/goal list` shows them all."))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=closed_counts_text(overview))]))
    return View(type="home", blocks=blocks)
