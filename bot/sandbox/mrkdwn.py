"""Slack's special mrkdwn tokens made readable: mentions, channels, links and `<!date^…>`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_TOKEN = re.compile(r"<([^<>]+)>")
_DATE_TOKEN = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Reader:
    """Who is looking: their zone and now, and the workspace's names for ids."""

    tz: str
    now: datetime
    user_names: dict[str, str] = field(default_factory=dict)
    channel_names: dict[str, str] = field(default_factory=dict)


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _pretty_day(moment: datetime, reader: Reader) -> str | None:
    today = reader.now.astimezone(ZoneInfo(reader.tz)).date()
    delta = (moment.date() - today).days
    return {0: "today", -1: "yesterday", 1: "tomorrow"}.get(delta)


def _ago(moment: datetime, reader: Reader) -> str:
    seconds = int((reader.now - moment).total_seconds())
    future, seconds = seconds < 0, abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            words = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"in {words}" if future else f"{words} ago"
    return "just now"


def format_date(epoch: int, template: str, reader: Reader) -> str:
    """Fill a `<!date^…^template>` template the way Slack does for this reader."""
    moment = datetime.fromtimestamp(epoch, UTC).astimezone(ZoneInfo(reader.tz))
    plain = {
        "date_num": f"{moment:%Y-%m-%d}",
        "date": f"{moment:%B} {_ordinal(moment.day)}, {moment.year}",
        "date_short": f"{moment:%b} {moment.day}, {moment.year}",
        "date_long": f"{moment:%A}, {moment:%B} {_ordinal(moment.day)}, {moment.year}",
        "time": f"{moment.hour % 12 or 12}:{moment:%M} {moment:%p}",
        "time_secs": f"{moment.hour % 12 or 12}:{moment:%M:%S} {moment:%p}",
        "ago": _ago(moment, reader),
    }

    def token(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.endswith("_pretty"):
            pretty = _pretty_day(moment, reader)
            base = name.removesuffix("_pretty")
            if pretty:
                return pretty.capitalize() if base == "date_long" else pretty
            name = base
        return plain.get(name, match.group(0))

    return _DATE_TOKEN.sub(token, template)


def _entity(inner: str, reader: Reader) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        user_id = target[1:]
        return "@" + (reader.user_names.get(user_id) or label or user_id)
    if target.startswith("#"):
        channel_id = target[1:]
        return "#" + (reader.channel_names.get(channel_id) or label or channel_id)
    if target.startswith("!date^"):
        parts = target.split("^")
        if len(parts) >= 3 and parts[1].lstrip("-").isdigit():
            return format_date(int(parts[1]), parts[2], reader)
        return label or target
    if target.startswith("!subteam^"):
        return label or "@group"
    if target.startswith("!"):
        return "@" + target[1:]
    if label:
        return f"{label} ({target})"
    return target.removeprefix("mailto:")


def resolve(text: str, reader: Reader) -> str:
    """The text as this reader sees it in Slack, with `&lt;` and friends unescaped."""
    resolved = _TOKEN.sub(lambda m: _entity(m.group(1), reader), text)
    return resolved.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
