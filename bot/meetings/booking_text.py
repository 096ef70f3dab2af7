"""Reading what a booker typed: when a session starts, for how long, and where."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.platform.dates import DateError, Reader, read_duration, read_moment
from bot.platform.errors import UserError

DEFAULT_MINUTES = 30
PLACE_MAX = 500
_FOR = re.compile(r"^(?P<when>.*\S)\s+for\s+(?P<length>\S.*)$", re.IGNORECASE)
_WHERE = re.compile(r"^(?P<rest>.*?)\s*\bwhere\b\s*(?P<place>.*)$", re.IGNORECASE | re.DOTALL)
# Slack wraps links in a slash command's text: <https://…> or <https://…|label>.
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]+)(?:\|[^>]*)?>")
WHEN_HELP = "e.g. `/meeting @randy 2026-12-03 13:00` or `/meeting @drlee next Tuesday 2pm for 45m`"


@dataclass(frozen=True)
class When:
    """A session's time as read: start in UTC, length, and why to confirm it first (None: no need)."""

    starts_at: datetime
    minutes: int
    doubt: str | None = None


def read_place(raw: str) -> str:
    """A place or link as typed: Slack's link wrapping and escapes undone, one line, checked for length."""
    place = _SLACK_LINK.sub(r"\1", raw)
    place = " ".join(place.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").split())
    if len(place) > PLACE_MAX:
        raise UserError(f"Please keep the place or link to {PLACE_MAX} characters.")
    return place


def split_place(text: str) -> tuple[str, str | None]:
    """`<when> … where <place>` → (`<when> …`, place); None when no `where` was written."""
    match = _WHERE.match(text.strip())
    if not match:
        return text, None
    place = read_place(match.group("place"))
    if not place:
        raise UserError(
            "Where is the session? e.g. `… where Room 204, Learning Center` or `… where https://school.zoom.us/j/123`."
        )
    return match.group("rest"), place


def parse_when(text: str, reader: Reader) -> When:
    """`<when> [for <length>]` in the booker's zone and locale."""
    minutes = DEFAULT_MINUTES
    match = _FOR.match(text.strip())
    if match:
        text = match.group("when")
        try:
            minutes = read_duration(match.group("length"))
        except DateError as error:
            raise UserError(str(error)) from None
    try:
        reading = read_moment(text, reader)
    except DateError as error:
        raise UserError(str(error)) from None
    return When(reading.value.astimezone(UTC), minutes, reading.doubt)
