"""Text helpers every area shares: showing one person's words to another as text, never as markup."""

from __future__ import annotations


def escape_mrkdwn(text: str) -> str:
    """People's words inside mrkdwn: `<!channel>` in a title must not ping the whole channel."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
