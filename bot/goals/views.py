"""Block Kit for goals: the goal and progress modals, `/goal list`, and replies."""

from __future__ import annotations

import json
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.goals.ids import GoalAction, GoalCallback, GoalField, ProgressField
from bot.goals.service import (
    DATE_QUESTION,
    MEASURE_QUESTION,
    TITLE_MAX,
    GoalDraft,
    GoalInfo,
    GoalOverview,
    QuickGoal,
)
from bot.platform.asking import confirm_blocks
from bot.platform.dates import describe_due, local_timestamp, short_date
from bot.platform.replies import Reply
from bot.platform.text import MESSAGE_TEXT_MAX, SECTION_MAX, escape_mrkdwn, mrkdwn_sections, shorten
from storage.models import Area, Cadence, GoalStatus

AREA_LABELS = {
    Area.ACADEMIC: "Academic performance",
    Area.CLINICAL: "Clinical skills",
    Area.WELLBEING: "Well-being",
    Area.PROFESSIONAL: "Professional identity",
    Area.LEADERSHIP: "Leadership",
    Area.COMMUNITY: "Community",
    Area.OTHER: "Other",
}
CADENCE_LABELS = {
    Cadence.DAILY: "Daily (weekdays)",
    Cadence.WEEKLY: "Weekly",
    Cadence.BIWEEKLY: "Every two weeks",
    Cadence.OFF: "Off",
}


def _options(labels: dict[Area, str] | dict[Cadence, str]) -> list[Option]:
    return [Option(value=str(value), text=label) for value, label in labels.items()]


def goal_modal(
    draft: GoalDraft | None = None, number: int | None = None, message: tuple[str, str] | None = None
) -> View:
    """The New goal form, or the Edit form prefilled with a goal (its number in private_metadata);
    `message` is the (channel, ts) of the nudge whose "Set a new date" opened it, to update after."""
    draft = draft or GoalDraft(title="")
    area_options = _options(AREA_LABELS)
    cadence_options = _options(CADENCE_LABELS)
    blocks: list[Block] = [
        InputBlock(
            block_id=GoalField.TITLE,
            label="Goal",
            hint="What do you want to achieve? Your words, your goal.",
            element=PlainTextInputElement(
                action_id=GoalField.TITLE, initial_value=draft.title or None, max_length=TITLE_MAX
            ),
        ),
        InputBlock(
            block_id=GoalField.WHY,
            label="Why it matters to you",
            optional=True,
            element=PlainTextInputElement(
                action_id=GoalField.WHY, multiline=True, initial_value=draft.why or None
            ),
        ),
        InputBlock(
            block_id=GoalField.MEASURE,
            label="How you will know you got there",
            optional=True,
            element=PlainTextInputElement(
                action_id=GoalField.MEASURE, multiline=True, initial_value=draft.measure or None
            ),
        ),
        InputBlock(
            block_id=GoalField.TARGET,
            label="Target date",
            optional=True,
            element=DatePickerElement(
                action_id=GoalField.TARGET,
                initial_date=draft.target_date.isoformat() if draft.target_date else None,
            ),
        ),
        InputBlock(
            block_id=GoalField.AREA,
            label="Area",
            element=StaticSelectElement(
                action_id=GoalField.AREA,
                options=area_options,
                initial_option=next(o for o in area_options if o.value == draft.area),
            ),
        ),
        InputBlock(
            block_id=GoalField.CADENCE,
            label="Check-in cadence",
            element=StaticSelectElement(
                action_id=GoalField.CADENCE,
                options=cadence_options,
                initial_option=next(o for o in cadence_options if o.value == draft.cadence),
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=GoalCallback.GOAL,
        title="New goal" if number is None else f"Edit goal #{number}",
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps(
            {"number": number}
            if message is None
            else {"number": number, "channel": message[0], "ts": message[1]}
        ),
        blocks=blocks,
    )


def progress_modal(goal: GoalInfo) -> View:
    """Log progress; on a goal closed as not achieved, it asks what the coachee learned (optional)."""
    learned = goal.status == GoalStatus.NOT_ACHIEVED
    return View(
        type="modal",
        callback_id=GoalCallback.PROGRESS,
        title="What did you learn?" if learned else "Log progress",
        submit="Save",
        close="Skip" if learned else "Cancel",
        private_metadata=json.dumps({"number": goal.number}),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"*#{goal.number}* {escape_mrkdwn(goal.title)}")),
            InputBlock(
                block_id=ProgressField.NOTE,
                label="What would you take from it into the next goal?"
                if learned
                else "What has moved forward?",
                element=PlainTextInputElement(action_id=ProgressField.NOTE, multiline=True, max_length=3000),
            ),
        ],
    )


MESSAGE_BLOCKS = 50  # Slack's limit per message
NAMED_TITLE_MAX = 100  # a goal that did not fit in /goal list is still named, this briefly


def goal_line(goal: GoalInfo, today: date, tz: str) -> str:
    """One goal as mrkdwn: number, title, area, due date in the reader's terms, last note."""
    parts = [f"*#{goal.number}* {escape_mrkdwn(goal.title)}", f"_{AREA_LABELS[goal.area]}_"]
    if goal.target_date:
        parts.append(describe_due(goal.target_date, today))
    if goal.cadence == Cadence.OFF:
        parts.append("check-ins off")
    line = " · ".join(parts)
    if goal.last_note:
        line += f"\n>Last progress ({local_timestamp(goal.last_note.created_at, tz)}): {escape_mrkdwn(goal.last_note.text)}"
    return line


def goal_list_blocks(overview: GoalOverview, today: date, tz: str) -> list[Block]:
    blocks: list[Block] = []
    if not overview.active:
        blocks.append(
            SectionBlock(
                text="You have no active goals. What would you like to work towards? Try `/goal add …` or:"
            )
        )
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="New goal", action_id=GoalAction.HOME_NEW_GOAL, value="new", style="primary"
                    )
                ]
            )
        )
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="*Your active goals*")))
        # 50 blocks is a message's limit: a long goal takes several sections; goals that no longer
        # fit are still named, in one last section, so none goes missing.
        room = MESSAGE_BLOCKS - len(blocks) - 2
        for shown, goal in enumerate(overview.active):
            goal_sections = mrkdwn_sections(goal_line(goal, today, tz))
            if len(goal_sections) > room:
                rest = "\n".join(
                    f"*#{g.number}* {shorten(escape_mrkdwn(g.title), NAMED_TITLE_MAX)}"
                    for g in overview.active[shown:]
                )
                blocks.append(SectionBlock(text=MarkdownTextObject(text=shorten(rest, SECTION_MAX))))
                break
            blocks += goal_sections
            room -= len(goal_sections)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=closed_counts_text(overview))]))
    return blocks


def closed_counts_text(overview: GoalOverview) -> str:
    return (
        f"{overview.done} done · {overview.not_achieved} not achieved · "
        f"{overview.dropped} dropped · `/goal help` for all commands"
    )


def outcome_question(goal: GoalInfo) -> list[Block]:
    """ "Did you get there?" before a goal is closed: completed, or closed as not achieved."""
    value = str(goal.number)
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"Closing goal *#{goal.number}* {escape_mrkdwn(goal.title)}. Did you get there?"
            )
        ),
        ActionsBlock(
            block_id=f"goal_outcome:{goal.number}",
            elements=[
                ButtonElement(
                    text="Yes, done", action_id=GoalAction.CLOSE_ACHIEVED, value=value, style="primary"
                ),
                ButtonElement(text="Not this time", action_id=GoalAction.CLOSE_NOT_ACHIEVED, value=value),
            ],
        ),
    ]


def delete_question(goals: list[GoalInfo]) -> list[Block]:
    """Confirm before goals are removed outright."""
    numbers = " ".join(str(goal.number) for goal in goals)
    names = "\n".join(f"*#{goal.number}* {escape_mrkdwn(goal.title)}" for goal in goals)
    label = "Delete goal" if len(goals) == 1 else f"Delete {len(goals)} goals"
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"{names}\nDelete for good? It will be counted nowhere, and its notes go with it. "
                "(To close a goal you worked on, use `/goal close` instead.)"
            )
        ),
        ActionsBlock(
            block_id="goal_delete",
            elements=[
                ButtonElement(text=label, action_id=GoalAction.CONFIRM_DELETE, value=numbers, style="danger"),
                ButtonElement(text="Keep it", action_id=GoalAction.KEEP, value=numbers),
            ],
        ),
    ]


def did_you_mean(word: str, numbers: tuple[int, ...], suggestions: tuple[str, ...]) -> list[Block]:
    """A first word that reads like a verb coachbot does not know: offer the verbs, or saving it."""
    tail = " ".join(str(n) for n in numbers)
    buttons = [
        ButtonElement(text=f"/goal {verb} {tail}", action_id=GoalAction.SUGGESTED, value=f"{verb} {tail}")
        for verb in suggestions
    ]
    buttons.append(
        ButtonElement(
            text=f"Save “{word} {tail}” as a goal", action_id=GoalAction.SUGGESTED, value=f"add {word} {tail}"
        )
    )
    return [
        SectionBlock(text=MarkdownTextObject(text=f"I don't know `{word}`. Did you mean …?")),
        ActionsBlock(block_id="goal_did_you_mean", elements=buttons),
    ]


def goal_list_text(overview: GoalOverview, today: date, tz: str) -> str:
    if not overview.active:
        return "You have no active goals."
    return shorten("\n".join(goal_line(goal, today, tz) for goal in overview.active), MESSAGE_TEXT_MAX)


def saved_reply(goal: GoalInfo, questions: list[str], today: date) -> Reply:
    """The goal as saved; its open SMART questions come with the button that answers them."""
    text = f"Goal #{goal.number} saved: {escape_mrkdwn(goal.title)}"
    if goal.target_date:
        text += f" ({describe_due(goal.target_date, today)})"
    if not questions:
        return Reply(text)
    text += "\n" + " ".join(questions)
    edit = ButtonElement(
        text=f"Edit goal #{goal.number}", action_id=GoalAction.HOME_GOAL_EDIT, value=str(goal.number)
    )
    return Reply(text, [SectionBlock(text=MarkdownTextObject(text=text)), ActionsBlock(elements=[edit])])


# In a form already saved nothing can be answered: what is missing is said, not asked.
_GAPS = {
    DATE_QUESTION: "No target date yet.",
    MEASURE_QUESTION: "Nothing says yet how you will know you got there.",
}


def saved_modal(goal: GoalInfo, questions: list[str], today: date, *, edited: bool) -> View:
    """What the goal modal turns into once saved: the goal, and what a SMART goal still lacks."""
    verb = "updated" if edited else "saved"
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=f"Goal #{goal.number} {verb}: *{escape_mrkdwn(goal.title)}*")
        )
    ]
    if goal.target_date:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=describe_due(goal.target_date, today))]))
    if questions:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=" ".join(_GAPS.get(q, q) for q in questions)
                    + f" `/goal edit {goal.number}` adds it any time."
                )
            )
        )
    return View(type="modal", title=f"Goal #{goal.number} {verb}", close="Done", blocks=blocks)


def learned_blocks(text: str, number: int) -> list[Block]:
    """After "Not this time": the reply, and a way to note what was learned (optional)."""
    return [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id=f"goal_learned:{number}",
            elements=[
                ButtonElement(
                    text="Note what you learned", action_id=GoalAction.HOME_GOAL_PROGRESS, value=str(number)
                )
            ],
        ),
    ]


def date_question(quick: QuickGoal, today: date) -> tuple[str, list[Block]]:
    """“Did you mean … due Tue Nov 30, 2027?” with Yes / No buttons; the goal rides on Yes."""
    draft = quick.draft
    assert draft.target_date is not None
    target = draft.target_date
    question = f"Did you mean *{escape_mrkdwn(draft.title)}*, {describe_due(target, today)}? ({quick.doubt}.)"
    retype = f"Type it again with the date in full, e.g. `/goal add {draft.title} by {target:%b} {target.day} {target.year}`."
    payload = {"title": draft.title, "due": target.isoformat()}
    blocks = confirm_blocks(question, short_date(target), GoalAction.DATE_YES, payload, retype)
    return question, blocks
