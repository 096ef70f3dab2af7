"""Reading the goal and progress modals' submitted state into drafts and field errors."""

from __future__ import annotations

from datetime import date

from bot.goals.ids import GoalField, ProgressField
from bot.goals.service import TITLE_MAX, GoalDraft
from bot.platform.form_state import StateValues, number_from_metadata, selected, text, value
from storage.models import Area, Cadence


def goal_draft_from_state(values: StateValues, today: date) -> tuple[GoalDraft | None, dict[str, str]]:
    """The draft, or None with errors keyed by block_id (Slack's `response_action: errors`)."""
    errors: dict[str, str] = {}
    title = " ".join(text(values, GoalField.TITLE).split())
    if not title:
        errors[GoalField.TITLE] = "What do you want to achieve? A goal needs some words."
    elif len(title) > TITLE_MAX:
        errors[GoalField.TITLE] = f"Please keep the goal to {TITLE_MAX} characters (it has {len(title)})."
    target: date | None = None
    raw_date = value(values, GoalField.TARGET).get("selected_date")
    if raw_date:
        try:
            target = date.fromisoformat(raw_date)
        except ValueError:
            errors[GoalField.TARGET] = "That is not a date; pick one from the calendar."
        else:
            if target < today:
                errors[GoalField.TARGET] = "That date has passed: choose a date from today on."
    area_value = selected(values, GoalField.AREA) or Area.OTHER.value
    cadence_value = selected(values, GoalField.CADENCE) or Cadence.WEEKLY.value
    if area_value not in {a.value for a in Area}:
        errors[GoalField.AREA] = "Choose one of the listed areas."
    if cadence_value not in {c.value for c in Cadence}:
        errors[GoalField.CADENCE] = "Choose one of the listed cadences."
    if errors:
        return None, errors
    draft = GoalDraft(
        title=title,
        why=text(values, GoalField.WHY),
        measure=text(values, GoalField.MEASURE),
        target_date=target,
        area=Area(area_value),
        cadence=Cadence(cadence_value),
    )
    return draft, {}


def progress_note_from_state(values: StateValues) -> tuple[str, dict[str, str]]:
    note = text(values, ProgressField.NOTE)
    if not note:
        return "", {ProgressField.NOTE: "What has moved forward? Write a few words."}
    return note, {}


def goal_number_from_metadata(private_metadata: str) -> int | None:
    """The goal number a modal was opened for; None for a new goal or metadata we did not write."""
    return number_from_metadata(private_metadata)
