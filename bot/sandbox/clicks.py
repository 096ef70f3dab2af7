"""What can be clicked in a list of blocks, finding it by label, and the action Slack reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]
CHOICE_ELEMENTS = {"checkboxes", "radio_buttons", "static_select", "overflow", "external_select"}


@dataclass(frozen=True)
class Clickable:
    block_id: str
    element: Json
    label: str
    option: Json | None = None
    in_input: bool = False


def clickables(blocks: list[Json]) -> list[Clickable]:
    """Buttons, and the options of checkboxes, radio buttons, selects and overflow menus."""
    found: list[Clickable] = []
    for block in blocks:
        kind = block.get("type")
        elements = block.get("elements") if kind == "actions" else None
        if kind == "section" and block.get("accessory"):
            elements = [block["accessory"]]
        if kind == "input" and block.get("element"):
            elements = [block["element"]]
        for element in elements or []:
            block_id, in_input = block.get("block_id", ""), kind == "input"
            if element.get("type") == "button" and not in_input:
                found.append(Clickable(block_id, element, (element.get("text") or {}).get("text", "")))
            elif element.get("type") in CHOICE_ELEMENTS:
                options = element.get("options") or [
                    o for g in element.get("option_groups") or [] for o in g.get("options", [])
                ]
                for option in options:
                    label = (option.get("text") or {}).get("text", "")
                    found.append(Clickable(block_id, element, label, option, in_input))
    return found


def pick(candidates: list[Clickable], words: str) -> Clickable | None:
    """The clickable labelled `words`; `Done 2` is the second `Done` when no label is `Done 2`."""
    wanted = words.strip().lower()
    exact = [c for c in candidates if c.label.lower() == wanted]
    if exact:
        return exact[0]
    head, _, last = wanted.rpartition(" ")
    if head and last.isdigit():
        nth = [c for c in candidates if c.label.lower() == head]
        index = int(last) - 1
        return nth[index] if 0 <= index < len(nth) else None
    return None


def action_for(target: Clickable, selected: list[Json] | None = None) -> Json:
    """The `actions[0]` of a block_actions payload, as Slack reports a click on `target`."""
    element = target.element
    kind = element.get("type")
    if kind == "button":
        return dict(element)
    action: Json = {"type": kind, "action_id": element.get("action_id", "")}
    if kind == "checkboxes":
        action["selected_options"] = selected or []
    else:
        action["selected_option"] = target.option
    return action


def toggle(current: list[Json], option: Json | None) -> list[Json]:
    """Checkbox options after clicking `option`: checked if it was not, unchecked if it was."""
    values = [o.get("value") for o in current]
    if option is None:
        return current
    if option.get("value") in values:
        return [o for o in current if o.get("value") != option.get("value")]
    return [*current, option]
