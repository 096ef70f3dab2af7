"""A reading in doubt, put as a question: “Yes, <reading>” stores it, “No, let me fix it” stores nothing."""

from __future__ import annotations

import json
import secrets
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, MarkdownTextObject, SectionBlock

FIX_HINT_MAX = 300
FIX_ACTION = "date_reading_fix"  # “No, let me fix it”, the same button under every such question


def confirm_blocks(
    question: str, reading: str, yes_action: str, payload: dict[str, Any], fix_hint: str
) -> list[Block]:
    """The question, and the two buttons; the payload rides on “Yes”, what to type instead on “No”.

    Each question gets its own id, so however often its Yes is clicked, one thing is stored.
    """
    payload = {**payload, "q": secrets.token_hex(6)}
    return [
        SectionBlock(text=MarkdownTextObject(text=question)),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=f"Yes, {reading}"[:75],
                    action_id=yes_action,
                    value=json.dumps(payload, separators=(",", ":")),
                    style="primary",
                ),
                ButtonElement(text="No, let me fix it", action_id=FIX_ACTION, value=fix_hint[:FIX_HINT_MAX]),
            ]
        ),
    ]


def payload_of(action: dict[str, Any]) -> dict[str, Any] | None:
    """The payload a “Yes” button carries, None when it is not one of ours (a stale or forged value)."""
    try:
        value = json.loads(action.get("value") or "")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def answer_key(team_id: str, user_id: str, payload: dict[str, Any]) -> str:
    """The request key of a Yes: the clicker's own, so a forged id can only find what they stored."""
    return f"{team_id}:confirm:{user_id}:{str(payload.get('q') or '')[:24]}"


def fix_reply(action: dict[str, Any]) -> str:
    """What “No, let me fix it” answers: nothing is stored, and how to write it so it cannot be misread."""
    hint = str(action.get("value") or "")[:FIX_HINT_MAX]
    return "Nothing saved. " + (
        hint or "Type it again with the date written out in full, e.g. `Nov 30 2027`."
    )
