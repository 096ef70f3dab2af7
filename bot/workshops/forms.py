"""Reading the workshop modal's submitted state into a draft, or into errors per field."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.platform.form_state import StateValues, selected, text, value
from bot.platform.when import Repeat, WhenError, combine, parse_duration
from bot.workshops.ids import WorkshopField
from bot.workshops.modal import ANNOUNCE_LATER
from bot.workshops.service import WorkshopDraft

# Which form field shows a service's refusal (WorkshopError.field).
FIELD_BLOCKS = {
    "title": WorkshopField.TITLE,
    "description": WorkshopField.DESCRIPTION,
    "location": WorkshopField.LOCATION,
    "start": WorkshopField.DATE,
    "announce": WorkshopField.ANNOUNCE_DATE,
    "reminders": WorkshopField.REMINDERS,
    "repeat": WorkshopField.UNTIL,
    "channel": WorkshopField.CHANNEL,
}


def _date(values: StateValues, field: str) -> date | None:
    raw = value(values, field).get("selected_date")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _time(values: StateValues, field: str) -> time | None:
    raw = value(values, field).get("selected_time")
    try:
        return time.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _moment(day: date | None, clock: time | None, tz: ZoneInfo) -> datetime | None:
    return combine(day, clock, tz) if day and clock else None


def workshop_draft_from_state(
    values: StateValues, tz: ZoneInfo, channel_id: str | None = None
) -> tuple[WorkshopDraft | None, dict[str, str]]:
    """The draft, or None with errors keyed by block_id (Slack's `response_action: errors`).

    `channel_id` is given when editing (the channel is not on the form then).
    """
    errors: dict[str, str] = {}
    channel = channel_id or value(values, WorkshopField.CHANNEL).get("selected_conversation")
    if not channel:
        errors[WorkshopField.CHANNEL] = "Choose the channel to announce it in."
    day, clock = _date(values, WorkshopField.DATE), _time(values, WorkshopField.TIME)
    start: datetime | None = None
    try:
        start = _moment(day, clock, tz)
    except WhenError as error:
        errors[WorkshopField.TIME] = str(error)
    if start is None and WorkshopField.TIME not in errors:
        errors[WorkshopField.DATE] = "Pick the date and the start time."
    duration = timedelta(hours=1)
    try:
        duration = parse_duration(text(values, WorkshopField.DURATION) or "1h")
    except WhenError as error:
        errors[WorkshopField.DURATION] = str(error)
    count: int | None = None
    count_text = text(values, WorkshopField.COUNT)
    if count_text:
        if not count_text.isdigit():
            errors[WorkshopField.COUNT] = "Write the number of sessions as a number, like 6."
        else:
            count = int(count_text)
    repeat_value = selected(values, WorkshopField.REPEAT) or Repeat.NONE.value
    repeat = Repeat(repeat_value) if repeat_value in {r.value for r in Repeat} else Repeat.NONE
    until = _date(values, WorkshopField.UNTIL)
    if repeat != Repeat.NONE and until and count:
        errors[WorkshopField.COUNT] = "Choose either an end date or a number of sessions, not both."
    if repeat != Repeat.NONE and not until and not count:
        errors[WorkshopField.UNTIL] = (
            "When does it stop repeating? Pick an end date, or give a number of sessions."
        )
    reminders = tuple(
        int(o["value"]) for o in value(values, WorkshopField.REMINDERS).get("selected_options") or []
    )
    announce_at: datetime | None = None
    if selected(values, WorkshopField.ANNOUNCE) == ANNOUNCE_LATER:
        try:
            announce_at = _moment(
                _date(values, WorkshopField.ANNOUNCE_DATE), _time(values, WorkshopField.ANNOUNCE_TIME), tz
            )
        except WhenError as error:
            errors[WorkshopField.ANNOUNCE_TIME] = str(error)
        if announce_at is None and WorkshopField.ANNOUNCE_TIME not in errors:
            errors[WorkshopField.ANNOUNCE_DATE] = "Pick the date and time to announce it, or choose Now."
    if errors or start is None or channel is None:
        return None, errors
    draft = WorkshopDraft(
        title=text(values, WorkshopField.TITLE),
        channel_id=channel,
        start=start,
        duration=duration,
        description=text(values, WorkshopField.DESCRIPTION),
        location=text(values, WorkshopField.LOCATION),
        repeat=repeat,
        until=until if repeat != Repeat.NONE else None,
        count=count if repeat != Repeat.NONE else None,
        reminders=reminders,
        announce_at=announce_at,
    )
    return draft, {}
