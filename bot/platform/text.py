"""Text one person typed, shown to another: escaped for mrkdwn so it reads as text, never as markup."""

from __future__ import annotations


def esc(text: str) -> str:
    """`<!channel>`, `<@U…>` and `<https://…|label>` in someone's words appear literally: no ping,
    no disguised link (Slack's three escapes, & first)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
