"""Text helpers every area shares: showing one person's words to another as text, never as markup,
and keeping what is sent inside Slack's limits without dropping any of it."""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

SECTION_MAX = 3000  # Slack's limit on a section's text
MESSAGE_TEXT_MAX = 40_000  # Slack's limit on a message's text
_ENTITY_MAX = 5  # the longest escape we write, "&amp;"


def escape_mrkdwn(text: str) -> str:
    """People's words inside mrkdwn: `<!channel>` in a title must not ping the whole channel."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut_at(text: str, limit: int) -> int:
    """Where to cut `text` to at most `limit` characters: after a space if one is near, never inside an escape."""
    cut = limit
    amp = text.rfind("&", max(0, cut - _ENTITY_MAX + 1), cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    space = text.rfind(" ", max(0, cut - 200), cut)
    return space + 1 if space > 0 else max(cut, 1)


def shorten(text: str, limit: int) -> str:
    """`text`, or as much of it as fits in `limit` characters with an ellipsis (for a preview)."""
    if len(text) <= limit:
        return text
    return text[: _cut_at(text, limit - 1)].rstrip() + "…"


def split_text(text: str, limit: int = SECTION_MAX) -> list[str]:
    """`text` in pieces of at most `limit` characters, broken between lines where it can be; nothing dropped."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            cut = _cut_at(line, limit)
            pieces.append(line[:cut])
            line = line[cut:]
        if current and len(current) + 1 + len(line) > limit:
            pieces.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current.strip():
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]


def mrkdwn_sections(text: str) -> list[SectionBlock]:
    """Section blocks carrying all of `text`, each inside Slack's limit."""
    return [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in split_text(text)]
