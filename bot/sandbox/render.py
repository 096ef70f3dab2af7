"""Block Kit as readable text: every block and element coachbot sends, or might."""

from __future__ import annotations

import re
from typing import Any

from bot.sandbox.mrkdwn import Reader, resolve

Json = dict[str, Any]
StateValue = dict[str, Any]
DIVIDER = "─" * 40
_EMPHASIS = re.compile(r"(?<![\w*_~])([*_~])(?=\S)(.+?)(?<=\S)\1(?![\w*_~])")


def text_of(obj: Any, reader: Reader) -> str:
    """A text object (plain_text or mrkdwn) or a bare string, as the reader sees it."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return resolve(obj, reader)
    if obj.get("type") == "mrkdwn":
        return _EMPHASIS.sub(r"\2", resolve(obj.get("text", ""), reader))
    return str(obj.get("text", ""))


def _options(element: Json) -> list[Json]:
    """Options of a select, flattening option groups."""
    if element.get("option_groups"):
        return [o for group in element["option_groups"] for o in group.get("options", [])]
    return list(element.get("options") or [])


def _selected(element: Json, value: StateValue | None) -> list[Json]:
    if value is not None:
        if "selected_options" in value:
            return list(value["selected_options"] or [])
        return [value["selected_option"]] if value.get("selected_option") else []
    if element.get("initial_options"):
        return list(element["initial_options"])
    return [element["initial_option"]] if element.get("initial_option") else []


def _choice_marks(element: Json, value: StateValue | None, on: str, off: str, reader: Reader) -> str:
    chosen = {o.get("value") for o in _selected(element, value)}
    return "  ".join(
        f"{on if o.get('value') in chosen else off} {text_of(o.get('text'), reader)}"
        for o in _options(element)
    )


def _current(element: Json, value: StateValue | None, state_key: str, initial_key: str) -> Any:
    """What an input holds: its state once a person touched it, else its initial value."""
    return value.get(state_key) if value is not None else element.get(initial_key)


def _name(user_or_channel: str | None, reader: Reader) -> str:
    if not user_or_channel:
        return ""
    if user_or_channel in reader.user_names:
        return "@" + reader.user_names[user_or_channel]
    return "#" + reader.channel_names.get(user_or_channel, user_or_channel)


def element_text(element: Json, reader: Reader, value: StateValue | None = None) -> str:
    """One interactive or display element on one line; `value` is its current state, if any."""
    kind = element.get("type", "")
    placeholder = text_of(element.get("placeholder"), reader)
    if kind == "button":
        label = text_of(element.get("text"), reader)
        return f"[{label} ↗]" if element.get("url") else f"[{label}]"
    if kind == "checkboxes":
        return _choice_marks(element, value, "[x]", "[ ]", reader)
    if kind == "radio_buttons":
        return _choice_marks(element, value, "(•)", "( )", reader)
    if kind == "overflow":
        return "[⋯ " + " | ".join(text_of(o.get("text"), reader) for o in _options(element)) + "]"
    if kind in {"static_select", "multi_static_select", "external_select", "multi_external_select"}:
        chosen = ", ".join(text_of(o.get("text"), reader) for o in _selected(element, value))
        options = " | ".join(text_of(o.get("text"), reader) for o in _options(element))
        return (
            f"[{chosen or placeholder or 'Select'} ▾ {options}]" if options else f"[{chosen or 'Select'} ▾]"
        )
    if kind == "datepicker":
        return f"[date: {_current(element, value, 'selected_date', 'initial_date') or placeholder or 'pick a date'}]"
    if kind == "timepicker":
        return f"[time: {_current(element, value, 'selected_time', 'initial_time') or placeholder or 'pick a time'}]"
    if kind == "datetimepicker":
        chosen = _current(element, value, "selected_date_time", "initial_date_time")
        return f"[date and time: {chosen or 'pick one'}]"
    if kind in {"plain_text_input", "email_text_input", "url_text_input", "number_input", "rich_text_input"}:
        current = _current(element, value, "value", "initial_value")
        return f"[{current}]" if current else f"[{placeholder or '____'}]"
    if kind in {"users_select", "conversations_select", "channels_select"}:
        key = {"users_select": "user", "conversations_select": "conversation", "channels_select": "channel"}[
            kind
        ]
        current = _current(element, value, f"selected_{key}", f"initial_{key}")
        return f"[{_name(current, reader) or placeholder or 'Select'} ▾]"
    if kind.startswith("multi_") and kind.endswith("_select"):
        return f"[{placeholder or 'Select'} ▾ (several)]"
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    if kind in {"plain_text", "mrkdwn"}:
        return text_of(element, reader)
    return f"[{kind}]"


def _rich_text(element: Json, reader: Reader) -> str:
    kind = element.get("type")
    if kind == "text":
        return str(element.get("text", ""))
    if kind == "link":
        return str(element.get("text") or element.get("url", ""))
    if kind == "user":
        user_id = str(element.get("user_id", ""))
        return "@" + reader.user_names.get(user_id, user_id)
    if kind == "channel":
        channel_id = str(element.get("channel_id", ""))
        return "#" + reader.channel_names.get(channel_id, channel_id)
    if kind == "emoji":
        return f":{element.get('name')}:"
    if kind == "date":
        return resolve(f"<!date^{element.get('timestamp')}^{element.get('format', '{date_short}')}|>", reader)
    return "".join(_rich_text(child, reader) for child in element.get("elements", []))


def _rich_text_lines(block: Json, reader: Reader) -> list[str]:
    lines: list[str] = []
    for part in block.get("elements", []):
        kind = part.get("type")
        if kind == "rich_text_list":
            for i, item in enumerate(part.get("elements", []), 1):
                bullet = f"{i}." if part.get("style") == "ordered" else "•"
                lines.append(f"{bullet} {_rich_text(item, reader)}")
        else:
            prefix = "> " if kind == "rich_text_quote" else ""
            lines += [prefix + line for line in _rich_text(part, reader).splitlines() or [""]]
    return lines


def _state_for(block: Json, state: dict[str, StateValue] | None) -> StateValue | None:
    return None if state is None else state.get(block.get("block_id", ""))


def block_lines(
    block: Json,
    reader: Reader,
    state: dict[str, StateValue] | None = None,
    errors: dict[str, str] | None = None,
) -> list[str]:
    """The lines one block shows; `state` holds a form's current values by block_id."""
    kind = block.get("type")
    if kind == "header":
        return [f"== {text_of(block.get('text'), reader)} =="]
    if kind == "divider":
        return [DIVIDER]
    if kind == "section":
        lines = text_of(block.get("text"), reader).splitlines()
        lines += [f"  {text_of(f, reader)}" for f in block.get("fields") or []]
        accessory = block.get("accessory")
        if accessory:
            shown = element_text(accessory, reader)
            if lines and len(lines[-1]) + len(shown) < 100:
                lines[-1] += "  " + shown
            else:
                lines.append(shown)
        return lines or [""]
    if kind == "context":
        return ["  " + "  ".join(element_text(e, reader) for e in block.get("elements", []))]
    if kind == "actions":
        return [" ".join(element_text(e, reader) for e in block.get("elements", []))]
    if kind == "input":
        label = text_of(block.get("label"), reader)
        optional = " (optional)" if block.get("optional") else ""
        element = block.get("element") or {}
        lines = [f"{label}{optional}: {element_text(element, reader, _state_for(block, state))}"]
        if block.get("hint"):
            lines.append(f"  ({text_of(block['hint'], reader)})")
        error = (errors or {}).get(block.get("block_id", ""))
        if error:
            lines.append(f"  ✗ {error}")
        return lines
    if kind == "image":
        title = text_of(block.get("title"), reader)
        return [f"[image: {title or block.get('alt_text', '')}]"]
    if kind == "rich_text":
        return _rich_text_lines(block, reader)
    if kind == "markdown":
        return resolve(str(block.get("text", "")), reader).splitlines()
    if kind == "video":
        return [f"[video: {text_of(block.get('title'), reader)}]"]
    if kind == "file":
        return ["[file]"]
    return [f"[{kind} block]"]


def blocks_lines(
    blocks: list[Json],
    reader: Reader,
    state: dict[str, StateValue] | None = None,
    errors: dict[str, str] | None = None,
) -> list[str]:
    return [line for block in blocks for line in block_lines(block, reader, state, errors)]


def message_lines(text: str, blocks: list[Json], reader: Reader) -> list[str]:
    """A message's body: its blocks, or its text when it has none (as Slack shows it)."""
    if blocks:
        return blocks_lines(blocks, reader)
    return resolve(text, reader).splitlines() or [""]


def view_lines(
    view: Json,
    reader: Reader,
    state: dict[str, StateValue] | None = None,
    errors: dict[str, str] | None = None,
) -> list[str]:
    """A modal: title bar, blocks with current values and errors, then its Submit/Close buttons."""
    lines = [f"┌ {text_of(view.get('title'), reader)} ┐"]
    lines += blocks_lines(view.get("blocks") or [], reader, state, errors)
    buttons = [f"[{text_of(view[key], reader)}]" for key in ("submit", "close") if view.get(key)]
    if buttons:
        lines.append(" ".join(buttons))
    return lines
