"""Filling a modal as a person would: fields by label, values typed as text, state as Slack sends it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.sandbox.clock import ClockError, parse_local_time

Json = dict[str, Any]
StateValue = dict[str, Any]
Lookup = Callable[[str], str | None]
_RELATIVE_DAY = re.compile(r"^in (\d{1,3}) (days?|weeks?)$")


class FormError(ValueError):
    """A field or value the form does not take; the message says what it does take."""


@dataclass(frozen=True)
class Field:
    label: str
    block_id: str
    element: Json

    @property
    def action_id(self) -> str:
        return str(self.element.get("action_id") or self.block_id)


def fields(view: Json) -> list[Field]:
    """The input blocks of a view, in order."""
    found = []
    for block in view.get("blocks") or []:
        if block.get("type") == "input" and block.get("element"):
            label = (block.get("label") or {}).get("text", "")
            found.append(Field(label, block.get("block_id", ""), block["element"]))
    return found


def initial_value(element: Json) -> StateValue:
    """What Slack reports for an untouched element: its initial value, or nothing chosen."""
    kind = element.get("type", "")
    value: StateValue = {"type": kind}
    if kind in {"checkboxes", "multi_static_select", "multi_external_select"}:
        value["selected_options"] = list(element.get("initial_options") or [])
    elif kind in {"static_select", "radio_buttons", "external_select"}:
        value["selected_option"] = element.get("initial_option")
    elif kind == "datepicker":
        value["selected_date"] = element.get("initial_date")
    elif kind == "timepicker":
        value["selected_time"] = element.get("initial_time")
    elif kind == "users_select":
        value["selected_user"] = element.get("initial_user")
    elif kind == "multi_users_select":
        value["selected_users"] = list(element.get("initial_users") or [])
    elif kind == "conversations_select":
        value["selected_conversation"] = element.get("initial_conversation")
    elif kind == "channels_select":
        value["selected_channel"] = element.get("initial_channel")
    else:
        value["value"] = element.get("initial_value")
    return value


def initial_state(view: Json) -> dict[str, StateValue]:
    return {f.block_id: initial_value(f.element) for f in fields(view)}


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def parse_fill(text: str, form: list[Field]) -> list[tuple[Field, str]]:
    """`Goal=Do 40 questions "Target date"=2026-12-20 area='Clinical skills'` → (field, value) pairs.

    Labels (or block ids) match case-insensitively; values run to the next label, so quotes are
    optional.
    """
    names: dict[str, Field] = {}
    for f in form:
        names.setdefault(f.label.lower(), f)
        names.setdefault(f.block_id.lower(), f)
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if n)
    pattern = re.compile(rf"(?:^|\s)([\"']?)({alternatives})\1\s*=", re.IGNORECASE)
    matches = list(pattern.finditer(text)) if alternatives else []
    if not matches or text[: matches[0].start()].strip():
        labels = ", ".join(f.label for f in form) or "none"
        raise FormError(f"Write FIELD=VALUE with one of this form's fields: {labels}.")
    pairs = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        pairs.append((names[match.group(2).lower()], _unquote(text[match.end() : end])))
    return pairs


def _pick(element: Json, words: str, label: str) -> Json:
    options = element.get("options") or [
        o for group in element.get("option_groups") or [] for o in group.get("options", [])
    ]
    wanted = words.strip().lower()
    exact = [o for o in options if (o.get("text") or {}).get("text", "").lower() == wanted]
    exact = exact or [o for o in options if str(o.get("value", "")).lower() == wanted]
    prefix = [o for o in options if (o.get("text") or {}).get("text", "").lower().startswith(wanted)]
    chosen = exact or (prefix if len(prefix) == 1 else [])
    if not chosen:
        listed = " | ".join((o.get("text") or {}).get("text", "") for o in options)
        raise FormError(f"{label} is one of: {listed}.")
    return dict(chosen[0])


def calendar_pick(raw: str, today: date) -> date | None:
    """The day a person would click in Slack's calendar: a YYYY-MM-DD date, or counted from today."""
    words = raw.strip().lower()
    relative = _RELATIVE_DAY.match(words)
    if relative:
        count, unit = int(relative.group(1)), relative.group(2)
        return today + timedelta(days=count * (7 if unit.startswith("week") else 1))
    named = {"today": 0, "tomorrow": 1}
    if words in named:
        return today + timedelta(days=named[words])
    try:
        return date.fromisoformat(words)
    except ValueError:
        return None


def value_for(f: Field, raw: str, user_id: Lookup, channel_id: Lookup, today: date) -> StateValue:
    """The state value Slack would report after a person typed or chose `raw` in this field."""
    element, kind = f.element, f.element.get("type", "")
    value: StateValue = {"type": kind}
    items = [part.strip() for part in raw.split(",") if part.strip()]
    if kind in {"static_select", "radio_buttons", "external_select"}:
        value["selected_option"] = _pick(element, raw, f.label) if raw.strip() else None
    elif kind in {"checkboxes", "multi_static_select", "multi_external_select"}:
        value["selected_options"] = [_pick(element, item, f.label) for item in items]
    elif kind == "datepicker":
        picked = calendar_pick(raw, today)
        if raw.strip() and picked is None:
            raise FormError(
                f"{f.label} is picked from a calendar: write YYYY-MM-DD, today, tomorrow or in 2 weeks."
            )
        value["selected_date"] = picked.isoformat() if picked else None
    elif kind == "timepicker":
        try:
            value["selected_time"] = f"{parse_local_time(raw):%H:%M}" if raw.strip() else None
        except ClockError:
            raise FormError(f"{f.label} is a time of day, like 09:30.") from None
    elif kind in {"users_select", "multi_users_select"}:
        ids = [user_id(item.lstrip("@")) for item in items]
        if None in ids:
            raise FormError(f"{f.label} takes people by name, like @drlee (see :users).")
        if kind == "users_select":
            value["selected_user"] = ids[0] if ids else None
        else:
            value["selected_users"] = ids
    elif kind in {"conversations_select", "channels_select"}:
        found = channel_id(raw.strip().lstrip("#")) if raw.strip() else None
        if raw.strip() and found is None:
            raise FormError(f"{f.label} takes a channel, like #m1-coaching.")
        key = "selected_conversation" if kind == "conversations_select" else "selected_channel"
        value[key] = found
    elif kind == "number_input":
        if raw.strip() and not re.fullmatch(r"-?\d+(\.\d+)?", raw.strip()):
            raise FormError(f"{f.label} takes a number.")
        value["value"] = raw.strip() or None
    else:
        value["value"] = raw if raw.strip() else None
    return value


def submission_values(form: list[Field], state: dict[str, StateValue]) -> dict[str, dict[str, StateValue]]:
    """view.state.values as Slack sends it on submit: block_id → action_id → value."""
    return {f.block_id: {f.action_id: state.get(f.block_id, initial_value(f.element))} for f in form}
