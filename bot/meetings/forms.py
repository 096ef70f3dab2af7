"""Reading the session modals' submitted state: the booking form and the text forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock
from typing import Any

from bot.meetings.ids import MeetingField
from bot.platform.dates import DateError, Reader, wall_time
from bot.platform.form_state import StateValues, metadata_id


def state_value(values: StateValues, field: str) -> dict[str, Any]:
    return values.get(field, {}).get(field, {})


def state_text(values: StateValues, field: str) -> str:
    return (state_value(values, field).get("value") or "").strip()


def meeting_id_from_metadata(private_metadata: str) -> int | None:
    return metadata_id(private_metadata, "meeting_id")


@dataclass(frozen=True)
class Booking:
    """What the booking form asks for: who, when (UTC), how long, where and an agenda note."""

    person: str
    starts_at: datetime
    minutes: int
    place: str
    note: str


def booking_from_state(values: StateValues, now: datetime, tz: str) -> tuple[Booking | None, dict[str, str]]:
    """The booking, or None with errors keyed by block_id."""
    errors: dict[str, str] = {}
    person = state_value(values, MeetingField.PERSON).get("selected_user")
    if not person:
        errors[MeetingField.PERSON] = "Who is the session with? Choose your coach or coachee."
    day = state_value(values, MeetingField.DATE).get("selected_date")
    time = state_value(values, MeetingField.TIME).get("selected_time")
    starts_at: datetime | None = None
    if not day:
        errors[MeetingField.DATE] = "Pick a date from the calendar."
    elif not time:
        errors[MeetingField.TIME] = "Pick a time."
    else:
        try:
            picked = wall_time(date.fromisoformat(day), clock.fromisoformat(time), Reader.of(tz, now))
            starts_at = picked.astimezone(UTC)
        except DateError as error:  # the clocks skip that time
            errors[MeetingField.TIME] = str(error)
        except ValueError:
            errors[MeetingField.TIME] = "Pick a date and a time from the pickers."
    raw_minutes = (state_value(values, MeetingField.DURATION).get("selected_option") or {}).get("value", "30")
    minutes = int(raw_minutes) if str(raw_minutes).isdigit() else 30
    if errors or starts_at is None or not person:
        return None, errors
    place = state_text(values, MeetingField.PLACE)
    note = state_text(values, MeetingField.NOTE)
    return Booking(str(person), starts_at, minutes, place, note), {}
