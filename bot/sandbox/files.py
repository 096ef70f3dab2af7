"""Files the app shared, as one readable line: a calendar file shows its event in the reader's zone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import icalendar

from bot.platform.dates import local_timestamp, zone


def _moment(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) else None


def describe_ics(data: bytes, tz: str) -> str:
    """“📅 Study skills · Thu Mar 4, 5:00 PM–6:00 PM · weekly, 4 times · Room 204” (or why it can't be read)."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError:
        return "📅 (a calendar file that could not be read)"
    events = list(calendar.walk("VEVENT"))
    if not events:
        return "📅 (an empty calendar file)"
    event = events[0]
    start = _moment(event.decoded("dtstart", None))
    end = _moment(event.decoded("dtend", None))
    if start is None:
        day = event.decoded("dtstart", None)
        when = f"{day:%a %b} {day.day}" if isinstance(day, date) else "no time given"
    else:
        when = local_timestamp(start, tz)
        if end is not None:
            when += "–" + f"{local_timestamp(end, tz).split(', ', 1)[1]}"
    parts = [str(event.get("summary", "(no title)")), when]
    rule = event.get("rrule")
    if rule:
        freq = str(rule.get("FREQ", [""])[0]).lower()
        count = rule.get("COUNT", [None])[0]
        parts.append(f"{freq}" + (f", {count} times" if count else ""))
        if event.get("exdate"):
            parts.append("some dates cancelled")
    if event.get("location"):
        parts.append(str(event["location"]))
    cancelled = (
        str(calendar.get("method", "")).upper() == "CANCEL" or str(event.get("status", "")) == "CANCELLED"
    )
    head = "📅 CANCELLED: " if cancelled else "📅 "
    return head + " · ".join(parts) + f" (times in {zone(tz).key})"
