"""Reading a submitted modal's state.values, shared by every form."""

from __future__ import annotations

import json
from typing import Any

StateValues = dict[str, dict[str, dict[str, Any]]]


def value(values: StateValues, field: str) -> dict[str, Any]:
    """The state of the input whose block_id and action_id are both `field`."""
    return values.get(field, {}).get(field, {})


def text(values: StateValues, field: str) -> str:
    """A text input's value, trimmed."""
    return (value(values, field).get("value") or "").strip()


def selected(values: StateValues, field: str) -> str | None:
    """The value of a select's or radio group's chosen option."""
    option = value(values, field).get("selected_option") or {}
    chosen = option.get("value")
    return chosen if isinstance(chosen, str) else None


def metadata(private_metadata: Any) -> dict[str, Any]:
    """The object the app wrote in a form's private_metadata; {} for anything else."""
    if not isinstance(private_metadata, str):
        return {}
    try:
        data = json.loads(private_metadata or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def metadata_id(private_metadata: Any, key: str) -> int | None:
    """A positive whole number the app wrote under `key`; None when it is missing or anything else."""
    value = metadata(private_metadata).get(key)
    return value if type(value) is int and 0 < value < 2**63 else None


def message_from_metadata(private_metadata: Any) -> tuple[str, str] | None:
    """The (channel, ts) of the message a form was opened from (`{"channel": …, "ts": …}`), if written."""
    data = metadata(private_metadata)
    channel, ts = data.get("channel"), data.get("ts")
    return (channel, ts) if isinstance(channel, str) and isinstance(ts, str) and channel and ts else None


def number_from_metadata(private_metadata: str) -> int | None:
    """The number a form was opened for (`{"number": N}`); None for a new one or metadata we did not write."""
    return metadata_id(private_metadata, "number")
