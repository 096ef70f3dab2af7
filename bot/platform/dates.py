"""Reading dates the way people type them, and showing them in the reader's own terms."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_ABBREVIATIONS = {name[:3]: i for i, name in enumerate(WEEKDAYS)} | {"tues": 1, "thur": 3, "thurs": 3}
_UNITS = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
}
_IN_N = re.compile(r"^in\s+(\d{1,3}|a|an|one|two|three|four|five|six)\s+([a-z]+)$")
_SMALL_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}

DATE_EXAMPLES = "2026-12-15, Dec 15, 12/15, 15 December 2026, tomorrow, next Friday or in 2 weeks"


class DateError(ValueError):
    """Words that are not a date we can read; the message says what we accept."""


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone by name, UTC when Slack gave none or one we do not know."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(zone(tz)).date()


def _weekday_index(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if word in WEEKDAYS:
        return WEEKDAYS.index(word)
    return _WEEKDAY_ABBREVIATIONS.get(word)


def parse_date(text: str, today: date) -> date:
    """A calendar date from `text`, read relative to `today` (the reader's local date).

    A month and day without a year mean the next such day (today included).
    """
    words = " ".join(text.lower().replace(",", " ").split())
    if not words:
        raise DateError(f"I need a date, like {DATE_EXAMPLES}.")
    if words == "today":
        return today
    if words == "tomorrow":
        return today + timedelta(days=1)
    parts = words.split()
    if (parts[0] in {"next", "this", "on"} and len(parts) == 2) or len(parts) == 1:
        weekday = _weekday_index(parts[-1])
        if weekday is not None:
            ahead = (weekday - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
    match = _IN_N.match(words)
    if match:
        count_word, unit = match.groups()
        count = int(count_word) if count_word.isdigit() else _SMALL_NUMBERS[count_word]
        if unit not in _UNITS:
            raise DateError(f"“{text}” is not a date I can read. Try {DATE_EXAMPLES}.")
        unit = _UNITS[unit]
        delta = relativedelta(
            days=count if unit == "days" else 0,
            weeks=count if unit == "weeks" else 0,
            months=count if unit == "months" else 0,
        )
        return today + delta
    return _parse_calendar_date(text, today)


def _parse_calendar_date(text: str, today: date) -> date:
    if text.strip().isdigit():
        raise DateError(f"“{text}” is not a date I can read. Try {DATE_EXAMPLES}.")
    default = datetime(today.year, today.month, today.day)
    try:
        parsed, skipped = date_parser.parse(text, default=default, fuzzy_with_tokens=True)
    except (date_parser.ParserError, ValueError, OverflowError):
        raise DateError(f"“{text}” is not a date I can read. Try {DATE_EXAMPLES}.") from None
    if any(token.strip(" ,.") for token in skipped) or (parsed.hour, parsed.minute) != (0, 0):
        raise DateError(f"“{text}” is not a date I can read. Try {DATE_EXAMPLES}.")
    result = parsed.date()
    if not re.search(r"\b\d{4}\b", text) and result < today:
        result = result.replace(year=result.year + 1)
    return result


def describe_due(target: date, today: date) -> str:
    """“due Fri Dec 15 — in 5 days”, “due today”, “overdue by 2 days”."""
    days = (target - today).days
    label = f"{target:%a} {target:%b} {target.day}"
    if target.year != today.year:
        label += f", {target.year}"
    if days < 0:
        return f"overdue by {_count(-days, 'day')} (was due {label})"
    if days == 0:
        return f"due today ({label})"
    if days == 1:
        return f"due tomorrow ({label})"
    return f"due {label} — in {_count(days, 'day')}"


def short_date(value: date) -> str:
    return f"{value:%a} {value:%b} {value.day}, {value.year}"


def local_timestamp(moment: datetime, tz: str) -> str:
    """“Mon Nov 23, 2:05 PM” in the reader's zone."""
    local = moment.astimezone(zone(tz))
    hour = local.hour % 12 or 12
    return f"{local:%a} {local:%b} {local.day}, {hour}:{local:%M} {local:%p}"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


# ---- date and time of a session -----------------------------------------------------------------
_TIME_AT_END = re.compile(
    r"^(?P<date>.*?)\s*(?:\bat\s+)?(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?$",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"^(?:(?P<hours>\d{1,2})\s*(?:h|hr|hrs|hour|hours))?\s*(?:(?P<minutes>\d{1,3})\s*(?:m|min|mins|minute|minutes))?$"
)
DATETIME_EXAMPLES = "2026-12-03 13:00, Dec 3 1:30pm, tomorrow 9am or next Tuesday 2pm"
DURATION_EXAMPLES = "45m, 1h, 1h30m or 90 minutes"


def parse_datetime(text: str, now: datetime, tz: str) -> datetime:
    """A moment from `<date> <time>` read in the zone `tz`, returned in UTC.

    The time needs a colon or am/pm (so “Dec 3” is never read as 3 o'clock); a time alone means
    today. A wall time that does not exist on that day (clocks jump forward) is refused.
    """
    words = " ".join(text.replace(",", " ").split())
    match = _TIME_AT_END.match(words)
    if not match or not (match.group("minute") or match.group("ampm")):
        raise DateError(f"I need a date and a time, like {DATETIME_EXAMPLES}.")
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    ampm = (match.group("ampm") or "").lower().replace(".", "")
    if ampm and not 1 <= hour <= 12:
        raise DateError(f"“{text}” is not a time I can read. Try {DATETIME_EXAMPLES}.")
    if ampm:
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        raise DateError(f"“{text}” is not a time I can read. Try {DATETIME_EXAMPLES}.")
    today = local_today(now, tz)
    day = parse_date(match.group("date"), today) if match.group("date") else today
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone(tz))
    moment = local.astimezone(UTC)
    if moment.astimezone(zone(tz)).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise DateError(
            f"{hour}:{minute:02d} does not exist on {short_date(day)} in {tz}: the clocks change that night. "
            "Please choose another time."
        )
    return moment


def parse_duration(text: str) -> int:
    """Minutes from `45m`, `1h`, `1h30m`, `90 minutes`."""
    match = _DURATION.match(" ".join(text.lower().split()))
    if not match or not (match.group("hours") or match.group("minutes")):
        raise DateError(f"“{text}” is not a length I can read. Try {DURATION_EXAMPLES}.")
    return int(match.group("hours") or 0) * 60 + int(match.group("minutes") or 0)


def describe_minutes(minutes: int) -> str:
    """“45 minutes”, “1 hour”, “1 h 30 min”."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _count(rest, "minute")
    if not rest:
        return _count(hours, "hour")
    return f"{hours} h {rest} min"
