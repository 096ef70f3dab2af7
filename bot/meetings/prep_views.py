"""Block Kit before and after a session: prep checklist, coach's brief, agreement, follow-ups, modals."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.goals.service import GoalOverview
from bot.meetings.ids import MeetingAction, MeetingCallback, MeetingField
from bot.meetings.service import CHECKLIST, MeetingInfo
from bot.meetings.views import place_text, when_for
from bot.platform.people import Actor
from bot.platform.text import escape_mrkdwn, mrkdwn_sections
from storage.models.meetings import Attendance

SECTION_MAX = 3000
ANSWER_MAX = 3000
BRIEF_SECTIONS_MAX = 47  # a message holds 50 blocks: the header and a context line besides


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text[:SECTION_MAX]))


def checklist_block_id(meeting_id: int) -> str:
    return f"prep_{meeting_id}"


def _goal_lines(goals: GoalOverview) -> str:
    if not goals.active:
        return "_No active goals yet._"
    return "\n".join(f"• #{goal.number} {escape_mrkdwn(goal.title)}" for goal in goals.active[:15])


def prep_message(meeting: MeetingInfo, goals: GoalOverview, agreement: str | None) -> tuple[str, list[Block]]:
    """The coachee's checklist; at a pairing's first session it carries the coaching agreement."""
    options = [Option(value=key, text=label) for key, label in CHECKLIST.items()]
    ticked = [option for option in options if option.value in meeting.checklist]
    when = when_for(meeting.starts_at, meeting.minutes, meeting.coachee)
    text = f"Getting ready for your coaching session with <@{meeting.coach.user_id}> on {when}"
    blocks: list[Block] = [
        _section(f"{text}. What would make this session most useful for you?"),
        *([_section(place_text(meeting.location))] if meeting.location else []),
        ActionsBlock(
            block_id=checklist_block_id(meeting.id),
            elements=[
                CheckboxesElement(
                    action_id=MeetingAction.PREP_CHECKLIST, options=options, initial_options=ticked or None
                )
            ],
        ),
        _section(f"*Your active goals*\n{_goal_lines(goals)}"),
        ActionsBlock(
            block_id=f"agenda_{meeting.id}",
            elements=[
                ButtonElement(
                    text="Add an agenda item", action_id=MeetingAction.ADD_AGENDA, value=str(meeting.id)
                )
            ],
        ),
        ContextBlock(
            elements=[MarkdownTextObject(text="Your coach sees your agenda items and your progress here.")]
        ),
    ]
    if agreement is not None:
        blocks += [DividerBlock(), *agreement_blocks(agreement, meeting.pairing_id)]
    return text, blocks


def agreement_blocks(text: str, pairing_id: int) -> list[Block]:
    """The agreement, paragraph by paragraph within Slack's limits, and the two answers."""
    chunks: list[str] = []
    for paragraph in text.split("\n\n"):
        if chunks and len(chunks[-1]) + len(paragraph) + 2 <= SECTION_MAX:
            chunks[-1] += "\n\n" + paragraph
        else:
            chunks.append(paragraph[:SECTION_MAX])
    value = str(pairing_id)
    return [
        *[_section(chunk) for chunk in chunks[:20]],
        ActionsBlock(
            block_id=f"agreement_{pairing_id}",
            elements=[
                ButtonElement(text="I agree", action_id=MeetingAction.AGREE, value=value, style="primary"),
                ButtonElement(text="I'd like to discuss this", action_id=MeetingAction.DISCUSS, value=value),
            ],
        ),
    ]


def agreement_answered(shown: list[dict[str, Any]], state: dict[str, Any], agreed: bool) -> list[Block]:
    """The message as the coachee saw it, with the agreement's buttons replaced by their answer.

    Agreeing answers it for good; asking to discuss leaves **I agree** for later. Ticked checkboxes
    are redrawn as ticked (`state` is what the click carried), so the prep checklist loses nothing.
    """
    blocks: list[dict[str, Any]] = []
    for block in shown:
        if str(block.get("block_id", "")).startswith("agreement_") and block.get("type") == "actions":
            answer = (
                "✅ You agreed to the coaching agreement."
                if agreed
                else ("💬 You asked to talk the agreement through with your coach. You can still agree here.")
            )
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": answer}]})
            if not agreed:
                kept = [e for e in block.get("elements", []) if e.get("action_id") == MeetingAction.AGREE]
                blocks.append({**block, "elements": kept})
            continue
        blocks.append(_with_ticks(block, state.get(str(block.get("block_id")), {})))
    return Block.parse_all(blocks)


def _with_ticks(block: dict[str, Any], chosen: dict[str, Any]) -> dict[str, Any]:
    """Checkboxes show what the person had ticked (the click's state), not what the message first showed."""
    if block.get("type") != "actions":
        return block
    elements = []
    for element in block.get("elements", []):
        ticked = chosen.get(element.get("action_id"), {}).get("selected_options")
        if element.get("type") == "checkboxes" and ticked is not None:
            element = {k: v for k, v in element.items() if k != "initial_options"}
            if ticked:
                element["initial_options"] = ticked
        elements.append(element)
    return {**block, "elements": elements}


def brief_message(
    meeting: MeetingInfo,
    goals: GoalOverview,
    checkins: list[str],
    notes: list[str],
    last: MeetingInfo | None,
) -> tuple[str, list[Block]]:
    """The coach's prep brief: what to review, the coachee's goals, check-ins, progress notes, prep and agenda."""
    coachee = f"<@{meeting.coachee.user_id}>"
    text = f"Prep brief for your session with {coachee} on {when_for(meeting.starts_at, meeting.minutes, meeting.coach)}"
    ticked = [label for key, label in CHECKLIST.items() if key in meeting.checklist]
    agenda = [meeting.agenda_note, *meeting.agenda] if meeting.agenda_note else list(meeting.agenda)
    parts = [
        text,
        *([place_text(meeting.location)] if meeting.location else []),
        "*Before you meet*\n• Review new portfolio data\n• Review the goals set last time",
        f"*{coachee}'s active goals*\n{_goal_lines(goals)}",
        f"*Their prep checklist: {len(ticked)}/{len(CHECKLIST)} done*\n"
        + ("\n".join(f"✓ {label}" for label in ticked) or "_Nothing ticked yet._"),
        "*Agenda items*\n" + ("\n".join(f"• {escape_mrkdwn(item)}" for item in agenda) or "_None yet._"),
        "*Check-ins since the last session*\n" + ("\n".join(f"• {c}" for c in checkins) or "_None._"),
        "*Progress notes since the last session*\n" + ("\n".join(f"• {n}" for n in notes) or "_None._"),
    ]
    if last is not None and (last.takeaways or last.next_actions):
        parts.append(
            "*From the last session*\n"
            f"Took away: {escape_mrkdwn(last.takeaways) or '—'}\nWill do before next time: {escape_mrkdwn(last.next_actions) or '—'}"
        )
    # Long words are split across sections, not cut; a brief past a message's 50 blocks says so.
    sections = [block for part in parts for block in mrkdwn_sections(part)]
    if len(sections) > BRIEF_SECTIONS_MAX:
        sections = [*sections[: BRIEF_SECTIONS_MAX - 1], _section("_…the rest did not fit in one message._")]
    blocks: list[Block] = [HeaderBlock(text="Session prep brief"), *sections]
    if meeting.is_first:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="This is your first session together: the coaching agreement is in their prep."
                    )
                ]
            )
        )
    return text, blocks


ATTENDANCE_ANSWERS = {
    MeetingAction.ATTENDANCE_HELD: Attendance.HELD,
    MeetingAction.ATTENDANCE_NOT_HELD: Attendance.NOT_HELD,
    MeetingAction.ATTENDANCE_RESCHEDULED: Attendance.RESCHEDULED,
}
_ATTENDANCE_SAID = {
    Attendance.HELD: "✅ You said it was held: it counts as a session held.",
    Attendance.NOT_HELD: "✖️ You said it didn't happen: it isn't counted as held.",
    Attendance.RESCHEDULED: "🔁 You said it was rescheduled: it isn't counted as held.",
}


def attendance_block(meeting: MeetingInfo) -> Block:
    """“Did it happen?” as three buttons, or, once the coach answered, their answer in their place."""
    if meeting.attendance is not None:
        return _section(_ATTENDANCE_SAID[meeting.attendance])
    value = str(meeting.id)
    labels = {
        MeetingAction.ATTENDANCE_HELD: "Held",
        MeetingAction.ATTENDANCE_NOT_HELD: "Didn't happen",
        MeetingAction.ATTENDANCE_RESCHEDULED: "Rescheduled",
    }
    return ActionsBlock(
        block_id=f"attendance_{meeting.id}",
        elements=[
            ButtonElement(
                text=label,
                action_id=action,
                value=value,
                style="primary" if action == MeetingAction.ATTENDANCE_HELD else None,
            )
            for action, label in labels.items()
        ],
    )


def follow_up_message(
    meeting: MeetingInfo, reader: Actor, booked: MeetingInfo | None
) -> tuple[str, list[Block]]:
    """After the session: the coachee reflects; the coach says whether it happened and keeps a note;
    both can book the next one, unless `booked` (the pair's next session) already is."""
    value = str(meeting.id)
    book = (
        []
        if booked
        else [ButtonElement(text="Book the next session", action_id=MeetingAction.BOOK_NEXT, value=value)]
    )
    is_coachee = reader.person_id == meeting.coachee.person_id
    if is_coachee:
        text = f"How did your session with <@{meeting.coach.user_id}> go? What did you take away? What will you do before next time?"
        buttons = [
            ButtonElement(
                text="Share my reflections", action_id=MeetingAction.FOLLOW_UP, value=value, style="primary"
            ),
            *book,
        ]
    else:
        when = when_for(meeting.starts_at, meeting.minutes, reader)
        text = f"Your session with <@{meeting.coachee.user_id}> on {when} has ended. Did it happen?"
        buttons = [
            *book,
            ButtonElement(text="Add a private note", action_id=MeetingAction.COACH_NOTE, value=value),
        ]
    blocks: list[Block] = [_section(text)]
    if not is_coachee:
        blocks.append(attendance_block(meeting))
    if booked is not None:
        shown = when_for(booked.starts_at, booked.minutes, reader)
        blocks.append(_section(f"Your next session, #{booked.id}, is booked: {shown}."))
    blocks.append(ActionsBlock(block_id=f"follow_up_{meeting.id}", elements=buttons))
    return text, blocks


def _text_modal(
    callback: MeetingCallback, title: str, meeting_id: int, fields: list[tuple[MeetingField, str, str]]
) -> View:
    return View(
        type="modal",
        callback_id=callback,
        title=title,
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"meeting_id": meeting_id}),
        blocks=[
            InputBlock(
                block_id=field,
                label=label,
                element=PlainTextInputElement(
                    action_id=field, multiline=True, max_length=ANSWER_MAX, initial_value=initial or None
                ),
            )
            for field, label, initial in fields
        ],
    )


def agenda_modal(meeting_id: int) -> View:
    return _text_modal(
        MeetingCallback.AGENDA,
        "Add an agenda item",
        meeting_id,
        [(MeetingField.AGENDA, "What would you like to talk about?", "")],
    )


def follow_up_modal(meeting: MeetingInfo) -> View:
    return _text_modal(
        MeetingCallback.FOLLOW_UP,
        "After your session",
        meeting.id,
        [
            (MeetingField.TAKEAWAYS, "What did you take away?", meeting.takeaways),
            (MeetingField.ACTIONS, "What will you do before next time?", meeting.next_actions),
        ],
    )


def coach_note_modal(meeting_id: int, note: str) -> View:
    return _text_modal(
        MeetingCallback.COACH_NOTE,
        "Private note",
        meeting_id,
        [(MeetingField.COACH_NOTE, "Only you will see this note", note)],
    )
