"""The workshop form: create a workshop, or edit one (its number travels in private_metadata)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.platform.when import Repeat, describe_duration, describe_offset
from bot.workshops.ids import WorkshopCallback, WorkshopField
from bot.workshops.service import DEFAULT_REMINDERS, REMINDER_CHOICES, TITLE_MAX, WorkshopDraft

REPEAT_LABELS = {
    Repeat.NONE: "Does not repeat",
    Repeat.WEEKLY: "Every week",
    Repeat.BIWEEKLY: "Every two weeks",
    Repeat.MONTHLY: "Every month, same weekday (e.g. 2nd Thursday)",
}
ANNOUNCE_NOW = "now"
ANNOUNCE_LATER = "later"


def _text_input(
    field: WorkshopField, label: str, value: str = "", *, optional: bool = False, **kw: Any
) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=label,
        optional=optional,
        element=PlainTextInputElement(action_id=field, initial_value=value or None, **kw),
    )


def _option(value: str, label: str) -> Option:
    return Option(value=value, text=label)


def _zone_hint(tz: str, program_tz: str) -> str:
    if tz == program_tz:
        return f"In the program's time zone, {tz}."
    return f"In your time zone, {tz} (it repeats on the program's clock, {program_tz})."


def workshop_modal(
    tz: str, draft: WorkshopDraft | None = None, number: int | None = None, *, program_tz: str | None = None
) -> View:
    """The form, empty for a new workshop or filled in with `draft` for `/workshop edit N`; its times
    are in `tz`, the zone of the person filling it in."""
    hint = _zone_hint(tz, program_tz or tz)
    start: datetime | None = draft.start.astimezone(ZoneInfo(tz)) if draft else None
    repeat_options = [_option(r.value, label) for r, label in REPEAT_LABELS.items()]
    reminder_options = [_option(str(m), f"{describe_offset(m)} before") for m in REMINDER_CHOICES]
    chosen = set(draft.reminders if draft else DEFAULT_REMINDERS)
    blocks: list[Block] = [
        _text_input(WorkshopField.TITLE, "Title", draft.title if draft else "", max_length=TITLE_MAX),
        _text_input(
            WorkshopField.DESCRIPTION,
            "Description",
            draft.description if draft else "",
            optional=True,
            multiline=True,
        ),
        InputBlock(
            block_id=WorkshopField.DATE,
            label="Date",
            element=DatePickerElement(
                action_id=WorkshopField.DATE, initial_date=f"{start:%Y-%m-%d}" if start else None
            ),
        ),
        InputBlock(
            block_id=WorkshopField.TIME,
            label="Start time",
            hint=hint,
            element=TimePickerElement(
                action_id=WorkshopField.TIME, initial_time=f"{start:%H:%M}" if start else "17:00", timezone=tz
            ),
        ),
        _text_input(
            WorkshopField.DURATION,
            "Duration",
            describe_duration(draft.duration).replace(" ", "") if draft else "1h",
            placeholder="90m, 1h or 1h30m",
        ),
        _text_input(
            WorkshopField.LOCATION, "Location or link", draft.location if draft else "", optional=True
        ),
    ]
    if number is None:
        blocks.append(
            InputBlock(
                block_id=WorkshopField.CHANNEL,
                label="Announce in channel",
                element=ConversationSelectElement(
                    action_id=WorkshopField.CHANNEL,
                    filter=ConversationFilter(include=["public"], exclude_bot_users=True),
                ),
            )
        )
    else:
        assert draft is not None
        note = f"Announced in <#{draft.channel_id}>; saving updates the announcement and the reminders."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    blocks += [
        InputBlock(
            block_id=WorkshopField.REPEAT,
            label="Repeat",
            element=StaticSelectElement(
                action_id=WorkshopField.REPEAT,
                options=repeat_options,
                initial_option=next(
                    o for o in repeat_options if o.value == (draft.repeat if draft else Repeat.NONE)
                ),
            ),
        ),
        InputBlock(
            block_id=WorkshopField.UNTIL,
            label="Repeat until",
            optional=True,
            element=DatePickerElement(
                action_id=WorkshopField.UNTIL,
                initial_date=draft.until.isoformat() if draft and draft.until else None,
            ),
        ),
        _text_input(
            WorkshopField.COUNT,
            "…or this many sessions",
            str(draft.count) if draft and draft.count else "",
            optional=True,
            placeholder="e.g. 6",
        ),
        InputBlock(
            block_id=WorkshopField.REMINDERS,
            label="Remind people who answer Going or Maybe",
            element=CheckboxesElement(
                action_id=WorkshopField.REMINDERS,
                options=reminder_options,
                initial_options=[o for o in reminder_options if int(o.value) in chosen],
            ),
        ),
    ]
    if number is None:
        blocks += _announce_blocks(tz, hint)
    return View(
        type="modal",
        callback_id=WorkshopCallback.WORKSHOP,
        title="New workshop" if number is None else f"Edit workshop #{number}",
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"number": number}),
        blocks=blocks,
    )


def _announce_blocks(tz: str, hint: str) -> list[Block]:
    options = [_option(ANNOUNCE_NOW, "Now"), _option(ANNOUNCE_LATER, "At the date and time below")]
    return [
        InputBlock(
            block_id=WorkshopField.ANNOUNCE,
            label="Announce",
            element=RadioButtonsElement(
                action_id=WorkshopField.ANNOUNCE, options=options, initial_option=options[0]
            ),
        ),
        InputBlock(
            block_id=WorkshopField.ANNOUNCE_DATE,
            label="Announcement date",
            optional=True,
            element=DatePickerElement(action_id=WorkshopField.ANNOUNCE_DATE),
        ),
        InputBlock(
            block_id=WorkshopField.ANNOUNCE_TIME,
            label="Announcement time",
            optional=True,
            hint=hint,
            element=TimePickerElement(action_id=WorkshopField.ANNOUNCE_TIME, timezone=tz),
        ),
    ]


def saved_workshop_modal(text: str, *, edited: bool) -> View:
    """What the form turns into once saved."""
    return View(
        type="modal",
        title="Workshop updated" if edited else "Workshop saved",
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )
