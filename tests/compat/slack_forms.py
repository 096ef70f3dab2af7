"""A modal's state.values as Slack sends them on submit: every input, its initial value unless answered."""

from __future__ import annotations

from typing import Any

# The state field each element type reports, and the element field holding its initial value.
_FIELDS = {
    "plain_text_input": ("value", "initial_value"),
    "number_input": ("value", "initial_value"),
    "email_text_input": ("value", "initial_value"),
    "url_text_input": ("value", "initial_value"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "static_select": ("selected_option", "initial_option"),
    "radio_buttons": ("selected_option", "initial_option"),
    "checkboxes": ("selected_options", "initial_options"),
    "users_select": ("selected_user", "initial_user"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "channels_select": ("selected_channel", "initial_channel"),
}


def fill(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{block_id: {action_id: value}} for each input block; `answers` (by block_id) replace the defaults."""
    values: dict[str, dict[str, Any]] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        block_id, action_id, kind = block["block_id"], element["action_id"], element["type"]
        if block_id in answers:
            values[block_id] = {action_id: answers[block_id]}
            continue
        field, initial = _FIELDS.get(kind, ("value", "initial_value"))
        empty: Any = [] if field == "selected_options" else None
        state: dict[str, Any] = {"type": kind, field: element.get(initial, empty)}
        if kind == "timepicker" and "timezone" in element:
            state["timezone"] = element["timezone"]
        values[block_id] = {action_id: state}
    return values
