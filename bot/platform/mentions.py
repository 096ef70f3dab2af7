"""Reading user mentions as Slack escapes them in commands (`<@U123|name>`, should_escape: true)."""

from __future__ import annotations

import re

from bot.platform.errors import UserError

_MENTION = re.compile(r"^<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_PLAIN = re.compile(r"^@\S+$")


def mentioned_user(word: str) -> str | None:
    """The user id in an escaped mention, None when `word` is not one."""
    match = _MENTION.match(word)
    return match.group("id") if match else None


def leading_mentions(text: str) -> tuple[list[str], str]:
    """The user ids mentioned at the start of `text`, and the words after them.

    A plain `@name` means Slack did not recognise the person, so the user is told how to pick them.
    """
    words = text.split()
    users: list[str] = []
    while words:
        user_id = mentioned_user(words[0])
        if user_id is None:
            if _PLAIN.match(words[0]):
                raise UserError(unresolved_hint(words[0]))
            break
        users.append(user_id)
        words.pop(0)
    return users, " ".join(words)


def unresolved_hint(word: str) -> str:
    return (
        f"I couldn't tell who {word} is. Type @ and pick the person from the list Slack suggests, "
        "so their name turns into a mention."
    )
