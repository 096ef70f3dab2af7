"""The shape of what Slack sends: a signed request that does not have it is refused before any listener."""

from __future__ import annotations

from typing import Any

# Fields a listener reads as text when they are present (Slack sends null for an empty input).
_TEXT_FIELDS = (
    "value",
    "selected_date",
    "selected_time",
    "selected_date_time",
    "selected_user",
    "selected_channel",
    "selected_conversation",
    "action_ts",
    "type",
)
_COMMAND_FIELDS = ("user_id", "team_id", "command", "trigger_id", "channel_id", "response_url")
# Events the app listens to, and the fields its listeners read as text.
_EVENT_TEXT_FIELDS = {
    "app_home_opened": ("user", "channel", "tab"),
    "member_joined_channel": ("user", "channel", "channel_type", "team", "inviter"),
}


def payload_problem(body: Any) -> str | None:
    """Why `body` cannot be a request Slack sent us (None when its shape is right)."""
    if not isinstance(body, dict):
        return "not an object"
    if "command" in body:
        return _command(body)
    kind = body.get("type")
    if not _optional_text(kind):
        return "type is not text"
    if kind == "block_actions":
        return _interactive(body) or _actions(body.get("actions"))
    if kind in {"view_submission", "view_closed"}:
        return _interactive(body) or _view(body.get("view"), required=True) or _submitted(body)
    if kind == "event_callback":
        return _event(body)
    return None


def _command(body: dict[str, Any]) -> str | None:
    for name in _COMMAND_FIELDS:
        if not _text(body.get(name)):
            return f"command without {name}"
    return None if isinstance(body.get("text", ""), str) else "command text is not text"


def _interactive(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if not isinstance(user, dict) or not _text(user.get("id")):
        return "no user id"
    if not _optional_text(user.get("team_id")):
        return "user team is not text"
    for name in ("team", "channel", "container", "enterprise"):
        value = body.get(name)
        if value is not None and not (isinstance(value, dict) and _all_scalars(value)):
            return f"{name} is not an object of plain values"
    team = body.get("team")
    if isinstance(team, dict) and not _optional_text(team.get("id")):
        return "team id is not text"
    for name in ("trigger_id", "response_url", "api_app_id"):
        if not _optional_text(body.get(name)):
            return f"{name} is not text"
    message = body.get("message")
    if message is not None and not _message(message):
        return "message is not a message"
    return _view(body.get("view"), required=False)


def _submitted(body: dict[str, Any]) -> str | None:
    view = body["view"]
    if not _text(view.get("id")) or not _text(view.get("callback_id")):
        return "view without id or callback_id"
    if body["type"] == "view_submission" and not isinstance(view.get("state"), dict):
        return "a submitted view without state"
    return None


def _actions(actions: Any) -> str | None:
    if not isinstance(actions, list) or not actions:
        return "no actions"
    for action in actions:
        if not isinstance(action, dict) or not _text(action.get("action_id")):
            return "an action without action_id"
        if not _optional_text(action.get("block_id")) or not _element(action):
            return "an action with odd values"
    return None


def _view(view: Any, *, required: bool) -> str | None:
    if view is None and not required:
        return None
    if not isinstance(view, dict):
        return "no view"
    for name in (
        "id",
        "hash",
        "callback_id",
        "private_metadata",
        "team_id",
        "root_view_id",
        "previous_view_id",
    ):
        if not _optional_text(view.get(name)):
            return f"view {name} is not text"
    if not isinstance(view.get("blocks", []), list):
        return "view blocks are not a list"
    state = view.get("state")
    if state is None:
        return None
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return "view state has no values"
    for block in values.values():
        if not isinstance(block, dict) or not all(
            isinstance(element, dict) and _element(element) for element in block.values()
        ):
            return "view state with odd values"
    return None


def _element(element: dict[str, Any]) -> bool:
    if not all(_optional_text(element.get(name)) for name in _TEXT_FIELDS):
        return False
    selected = element.get("selected_option")
    if selected is not None and not _option(selected):
        return False
    options = element.get("selected_options")
    if options is not None and not (isinstance(options, list) and all(_option(o) for o in options)):
        return False
    for name in ("selected_users", "selected_channels", "selected_conversations"):
        chosen = element.get(name)
        if chosen is not None and not (isinstance(chosen, list) and all(_text(c) for c in chosen)):
            return False
    return True


def _option(option: Any) -> bool:
    return isinstance(option, dict) and isinstance(option.get("value"), str)


def _message(message: Any) -> bool:
    return (
        isinstance(message, dict)
        and _optional_text(message.get("ts"))
        and _optional_text(message.get("text"))
        and isinstance(message.get("blocks", []), list)
        and all(isinstance(block, dict) for block in message.get("blocks", []))
    )


def _event(body: dict[str, Any]) -> str | None:
    event = body.get("event")
    if not isinstance(event, dict) or not _text(event.get("type")):
        return "no event type"
    for name in _EVENT_TEXT_FIELDS.get(event["type"], ()):
        if not _optional_text(event.get(name)):
            return f"event {name} is not text"
    if not _optional_text(body.get("team_id")) or not _optional_text(body.get("event_id")):
        return "team or event id is not text"
    authorizations = body.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list)
        and all(isinstance(a, dict) and _all_scalars(a) for a in authorizations)
    ):
        return "authorizations are not a list of objects"
    return None


def _text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _optional_text(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _all_scalars(value: dict[str, Any]) -> bool:
    return all(v is None or isinstance(v, str | bool | int | float) for v in value.values())
