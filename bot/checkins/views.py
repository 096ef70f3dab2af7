"""Block Kit for check-ins: the /checkin modal, the note modal, support and the settings modal."""

from __future__ import annotations

import json
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.checkins.ids import CheckinAction, CheckinCallback, CheckinField, SettingsField
from bot.checkins.preferences import NudgeSettings
from bot.goals.nudge_schedule import minute_to_time
from bot.goals.service import GoalInfo
from bot.platform.dates import local_timestamp
from bot.platform.text import escape_mrkdwn
from bot.platform.when import describe_offset
from storage.models.checkins import NudgeAnswer

WELLBEING_LABELS = {
    5: "5 · Great",
    4: "4 · Good",
    3: "3 · Okay",
    2: "2 · Struggling",
    1: "1 · Really struggling",
}
GOAL_STATUS_LABELS = {
    NudgeAnswer.ON_TRACK: "On track",
    NudgeAnswer.NEED_HELP: "Need help",
    NudgeAnswer.DONE: "Done",
}
MAX_GOALS_IN_MODAL = 20
PRIVATE_LABEL = "Keep this note private (never shown to anyone else)"


def _private_box() -> InputBlock:
    return InputBlock(
        block_id=CheckinField.PRIVATE,
        label="Privacy",
        optional=True,
        element=CheckboxesElement(
            action_id=CheckinField.PRIVATE, options=[Option(value="private", text=PRIVATE_LABEL)]
        ),
    )


def _note_input(label: str, optional: bool) -> InputBlock:
    return InputBlock(
        block_id=CheckinField.NOTE,
        label=label,
        optional=optional,
        element=PlainTextInputElement(action_id=CheckinField.NOTE, multiline=True, max_length=3000),
    )


def checkin_modal(goals: list[GoalInfo]) -> View:
    """Well-being 1–5, each active goal's status, a note, and "keep this note private"."""
    blocks: list[Block] = [
        InputBlock(
            block_id=CheckinField.WELLBEING,
            label="How are you doing overall?",
            element=StaticSelectElement(
                action_id=CheckinField.WELLBEING,
                placeholder="Choose 1–5",
                options=[Option(value=str(n), text=label) for n, label in WELLBEING_LABELS.items()],
            ),
        )
    ]
    for goal in goals[:MAX_GOALS_IN_MODAL]:
        field = f"{CheckinField.GOAL_PREFIX}{goal.number}"
        blocks.append(
            InputBlock(
                block_id=field,
                label=f"#{goal.number} {goal.title}"[:2000],
                optional=True,
                element=StaticSelectElement(
                    action_id=field,
                    placeholder="How is it going?",
                    options=[Option(value=str(a), text=label) for a, label in GOAL_STATUS_LABELS.items()],
                ),
            )
        )
    blocks += [_note_input("Anything you'd like to note?", optional=True), _private_box()]
    return View(
        type="modal",
        callback_id=CheckinCallback.CHECKIN,
        title="Check-in",
        submit="Save",
        close="Cancel",
        blocks=blocks,
    )


def note_modal(goal: GoalInfo, goal_id: int, message_ts: str, channel: str) -> View:
    return View(
        type="modal",
        callback_id=CheckinCallback.NUDGE_NOTE,
        title="Add a note",
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"goal_id": goal_id, "ts": message_ts, "channel": channel}),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"*#{goal.number}* {escape_mrkdwn(goal.title)}")),
            _note_input("What's happening with this goal?", optional=False),
            _private_box(),
        ],
    )


def support_view(support_text: str, checkin_id: int) -> View:
    """Shown at once after well-being 1 or 2: the program's resources, and the coach question."""
    return View(
        type="modal",
        title="Thank you for sharing",
        close="Close",
        private_metadata=json.dumps({"checkin_id": checkin_id}),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text="Thank you for telling me how you are. That takes something.")
            ),
            SectionBlock(text=MarkdownTextObject(text=escape_mrkdwn(support_text))),
            SectionBlock(
                text=MarkdownTextObject(
                    text="Would you like your coach to know you're having a hard time?\n"
                    "_Only if you say yes_ does your coach see this check-in: your score, your note and "
                    "the goal answers in it, and a short message that you'd like them to know. If you say "
                    "no, or don't answer, your coach sees none of it, anywhere."
                )
            ),
            ActionsBlock(
                block_id="tell_coach",
                elements=[
                    ButtonElement(
                        text="Yes, tell my coach",
                        action_id=CheckinAction.TELL_COACH_YES,
                        value=str(checkin_id),
                    ),
                    ButtonElement(
                        text="No, thanks", action_id=CheckinAction.TELL_COACH_NO, value=str(checkin_id)
                    ),
                ],
            ),
        ],
    )


def consent_answered_view(support_text: str, told: bool, has_coach: bool) -> View:
    if told and has_coach:
        answer = "Your coach will get a short message that you'd like them to know. Nothing else is shared."
    elif told:
        answer = "You don't have a coach paired in coachbot yet, so no one was told. Your program office can pair you."
    else:
        answer = "Understood: your coach won't be told. You can always reach out to them yourself."
    return View(
        type="modal",
        title="Thank you for sharing",
        close="Close",
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=escape_mrkdwn(support_text))),
            ContextBlock(elements=[MarkdownTextObject(text=answer)]),
        ],
    )


def saved_checkin_view(*, private: bool = False, told: str | None = None) -> View:
    privacy = " Your note is private: only you can see it." if private else ""
    if told:
        privacy += f"\n{told}"
    return View(
        type="modal",
        title="Check-in saved",
        close="Done",
        blocks=[SectionBlock(text=f"Saved.{privacy}")],
    )


def settings_saved_view(next_nudge: datetime | None, tz: str) -> View:
    when = (
        f"Your next nudge: {local_timestamp(next_nudge, tz)}."
        if next_nudge
        else "No nudge is planned: you have no goals with check-ins on, or nudges are paused."
    )
    return View(
        type="modal",
        title="Settings saved",
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=f"Saved. {when}"))],
    )


def _time(minute: int) -> str:
    return minute_to_time(minute).strftime("%H:%M")


SESSION_REMINDER_CHOICES = (7 * 24 * 60, 24 * 60, 60, 15)


def settings_modal(settings: NudgeSettings, today: date, session_reminders: list[int]) -> View:
    """Nudge time, quiet hours, weekends, a pause and session reminders, prefilled with the person's settings."""
    weekend_option = Option(value="weekends", text="Send nudges on Saturdays and Sundays too")
    choices = sorted(set(SESSION_REMINDER_CHOICES) | set(session_reminders), reverse=True)
    reminder_options = [Option(value=str(m), text=f"{describe_offset(m)} before") for m in choices]

    def time_input(field: SettingsField, label: str, minute: int, hint: str | None = None) -> InputBlock:
        return InputBlock(
            block_id=field,
            label=label,
            hint=hint,
            element=TimePickerElement(action_id=field, initial_time=_time(minute)),
        )

    return View(
        type="modal",
        callback_id=CheckinCallback.SETTINGS,
        title="Nudge settings",
        submit="Save",
        close="Cancel",
        blocks=[
            time_input(
                SettingsField.NUDGE_TIME, "Nudge me at", settings.nudge_minute, "In your Slack time zone."
            ),
            time_input(SettingsField.QUIET_START, "Quiet hours start", settings.quiet_start_minute),
            time_input(SettingsField.QUIET_END, "Quiet hours end", settings.quiet_end_minute),
            InputBlock(
                block_id=SettingsField.WEEKENDS,
                label="Weekends",
                optional=True,
                element=CheckboxesElement(
                    action_id=SettingsField.WEEKENDS,
                    options=[weekend_option],
                    initial_options=[weekend_option] if settings.weekends else None,
                ),
            ),
            InputBlock(
                block_id=SettingsField.PAUSE_UNTIL,
                label="Pause all nudges until",
                optional=True,
                hint="Nudges start again on this date. Leave empty to keep them on.",
                element=DatePickerElement(
                    action_id=SettingsField.PAUSE_UNTIL,
                    initial_date=settings.paused_until.isoformat()
                    if settings.paused_until and settings.paused_until > today
                    else None,
                ),
            ),
            InputBlock(
                block_id=SettingsField.SESSION_REMINDERS,
                label="Remind me before coaching sessions",
                optional=True,
                hint="Tick none for no reminders.",
                element=CheckboxesElement(
                    action_id=SettingsField.SESSION_REMINDERS,
                    options=reminder_options,
                    initial_options=[o for o in reminder_options if int(o.value) in session_reminders]
                    or None,
                ),
            ),
        ],
    )
