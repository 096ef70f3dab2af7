"""Dates and times shown in the reader's own terms, in words they could type back."""

from __future__ import annotations

from datetime import date, datetime

from bot.platform.dates.reader import zone

# Names written out, not strftime's %a, %b and %p: those cost about 10 µs a call (a weekly summary
# shows dozens of dates per coach) and would follow the process's locale, while people type English.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(day: date) -> str:
    """“Thu Dec 31”."""
    return f"{_WEEKDAYS[day.weekday()]} {_MONTHS[day.month - 1]} {day.day}"


def _clock(moment: datetime) -> str:
    """“2:05 PM”."""
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def show_date(day: date, today: date) -> str:
    """“Thu Dec 31”, with the year when it is not this year's: “Tue Nov 30, 2027”."""
    label = _day(day)
    return label if day.year == today.year else f"{label}, {day.year}"


def show_moment(moment: datetime, tz: str, today: date | None = None) -> str:
    """“Wed Dec 9, 3:00 PM” in the reader's zone, the year shown when it is not this year's."""
    local = moment.astimezone(zone(tz))
    shown = show_date(local.date(), today or local.date())
    return f"{shown}, {_clock(local)}"


def describe_due(target: date, today: date) -> str:
    """“due Fri Dec 15 — in 5 days”, “due today”, “overdue by 2 days”."""
    days = (target - today).days
    label = show_date(target, today)
    if days < 0:
        return f"overdue by {_count(-days, 'day')} (was due {label})"
    if days == 0:
        return f"due today ({label})"
    if days == 1:
        return f"due tomorrow ({label})"
    return f"due {label} — in {_count(days, 'day')}"


def short_date(value: date) -> str:
    return f"{_day(value)}, {value.year}"


def local_timestamp(moment: datetime, tz: str) -> str:
    """“Mon Nov 23, 2:05 PM” in the reader's zone."""
    local = moment.astimezone(zone(tz))
    return f"{_day(local)}, {_clock(local)}"


def describe_minutes(minutes: int) -> str:
    """“45 minutes”, “1 hour”, “1 h 30 min”."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _count(rest, "minute")
    if not rest:
        return _count(hours, "hour")
    return f"{hours} h {rest} min"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"
