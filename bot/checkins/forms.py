"""Reading the /checkin, note and settings modals' submitted state into values and field errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.checkins.ids import CheckinField, SettingsField
from bot.checkins.preferences import NudgeSettings, settings_problems
from bot.platform.form_state import StateValues, metadata, metadata_id
from storage.models.checkins import NudgeAnswer


@dataclass(frozen=True)
class CheckinForm:
    wellbeing: int
    statuses: dict[int, NudgeAnswer]  # goal number -> answer
    note: str
    private: bool


def _value(values: StateValues, field: str) -> dict[str, Any]:
    return values.get(field, {}).get(field, {})


def _checked(values: StateValues, field: str) -> bool:
    return bool(_value(values, field).get("selected_options"))


def _selected(values: StateValues, field: str) -> str:
    option = _value(values, field).get("selected_option") or {}
    return str(option.get("value") or "")


def note_and_privacy(values: StateValues) -> tuple[str, bool]:
    return (_value(values, CheckinField.NOTE).get("value") or "").strip(), _checked(
        values, CheckinField.PRIVATE
    )


def checkin_from_state(values: StateValues) -> tuple[CheckinForm | None, dict[str, str]]:
    wellbeing = _selected(values, CheckinField.WELLBEING)
    if wellbeing not in {"1", "2", "3", "4", "5"}:
        return None, {CheckinField.WELLBEING: "Choose how you are doing, from 1 to 5."}
    statuses: dict[int, NudgeAnswer] = {}
    for block_id in values:
        number = block_id.removeprefix(CheckinField.GOAL_PREFIX)
        chosen = _selected(values, block_id)
        if block_id.startswith(CheckinField.GOAL_PREFIX) and number.isdigit() and chosen:
            if chosen not in {a.value for a in NudgeAnswer}:
                return None, {block_id: "Choose one of the listed answers."}
            statuses[int(number)] = NudgeAnswer(chosen)
    note, private = note_and_privacy(values)
    return CheckinForm(int(wellbeing), statuses, note, private), {}


def _minute(values: StateValues, field: str) -> int | None:
    raw = _value(values, field).get("selected_time") or ""
    hours, _, minutes = raw.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
        return None
    return int(hours) * 60 + int(minutes)


def settings_from_state(values: StateValues, today: date) -> tuple[NudgeSettings | None, dict[str, str]]:
    """The settings, or None with errors keyed by block_id."""
    errors: dict[str, str] = {}
    minutes: dict[SettingsField, int] = {}
    for field in (SettingsField.NUDGE_TIME, SettingsField.QUIET_START, SettingsField.QUIET_END):
        minute = _minute(values, field)
        if minute is None:
            errors[field] = "Pick a time from the list."
        else:
            minutes[field] = minute
    paused: date | None = None
    raw_pause = _value(values, SettingsField.PAUSE_UNTIL).get("selected_date")
    if raw_pause:
        try:
            paused = date.fromisoformat(raw_pause)
        except ValueError:
            errors[SettingsField.PAUSE_UNTIL] = "That is not a date; pick one from the calendar."
    if errors:
        return None, errors
    settings = NudgeSettings(
        nudge_minute=minutes[SettingsField.NUDGE_TIME],
        quiet_start_minute=minutes[SettingsField.QUIET_START],
        quiet_end_minute=minutes[SettingsField.QUIET_END],
        weekends=_checked(values, SettingsField.WEEKENDS),
        paused_until=paused,
    )
    problems = settings_problems(settings, today)
    field_for = {"nudge_time": SettingsField.NUDGE_TIME, "pause_until": SettingsField.PAUSE_UNTIL}
    errors = {field_for[name]: message for name, message in problems.items()}
    return (None, errors) if errors else (settings, {})


def session_reminders_from_state(values: StateValues) -> list[int] | None:
    """The ticked session reminders, in minutes before, largest first; None if the form had no such field."""
    if SettingsField.SESSION_REMINDERS not in values:
        return None
    chosen = _value(values, SettingsField.SESSION_REMINDERS).get("selected_options") or []
    return sorted({int(o["value"]) for o in chosen if str(o.get("value", "")).isdigit()}, reverse=True)


def note_target(private_metadata: str) -> tuple[int, str] | None:
    """(goal id, message ts) the note modal was opened for, or None for metadata we did not write."""
    goal_id, ts = metadata_id(private_metadata, "goal_id"), metadata(private_metadata).get("ts")
    return (goal_id, ts) if goal_id is not None and isinstance(ts, str) else None
