"""The sandbox's virtual clock, and reading how far to move it (`3d`, `2h30m`, `to 2026-12-01 09:00`)."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DURATION = re.compile(r"(\d{1,5})\s*(w|d|h|m|s)", re.IGNORECASE)
_UNIT_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_LOCAL_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


class ClockError(ValueError):
    """Words that are not a duration or a time; the message says how to write one."""


class VirtualClock:
    """A settable clock returning aware UTC datetimes; safe to read from any thread."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = (start or datetime.now(UTC)).astimezone(UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        """Move to `moment`; the clock never goes backwards."""
        with self._lock:
            self._now = max(self._now, moment.astimezone(UTC))


def parse_duration(text: str) -> timedelta:
    """`3d`, `2h30m`, `1w 2d`, `90m`: elapsed time, so `1d` across a DST change is 24 hours."""
    compact = "".join(text.split())
    if not compact or _DURATION.sub("", compact):
        raise ClockError(f"“{text}” is not a duration. Write it like 3d, 2h30m, 45m or 1w.")
    seconds = sum(int(n) * _UNIT_SECONDS[unit.lower()] for n, unit in _DURATION.findall(compact))
    if seconds <= 0:
        raise ClockError("Advance by more than nothing, e.g. 1h.")
    return timedelta(seconds=seconds)


def parse_local_time(text: str) -> time:
    """`9:00`, `14:30`, `9am`, `5:15 pm`."""
    match = _LOCAL_TIME.match(text.strip())
    if not match:
        raise ClockError(f"“{text}” is not a time of day. Write it like 09:00, 14:30 or 9am.")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise ClockError(f"“{text}” is not a time of day.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ClockError(f"“{text}” is not a time of day.")
    return time(hour, minute)


def parse_target(text: str, now: datetime, tz: str) -> datetime:
    """`2026-12-01 09:00`, `2026-12-01` (midnight) or `09:00` (its next occurrence), read in `tz`."""
    zone = ZoneInfo(tz)
    parts = text.split(maxsplit=1)
    if not parts:
        raise ClockError("Say when, e.g. `:advance to 2026-12-01 09:00`.")
    local_now = now.astimezone(zone)
    try:
        day = datetime.strptime(parts[0], "%Y-%m-%d").date()
    except ValueError:
        at = parse_local_time(text)
        target = datetime.combine(local_now.date(), at, zone)
        if target <= local_now:
            target = datetime.combine(local_now.date() + timedelta(days=1), at, zone)
        return target.astimezone(UTC)
    at = parse_local_time(parts[1]) if len(parts) > 1 else time(0, 0)
    return datetime.combine(day, at, zone).astimezone(UTC)


def parse_start(text: str) -> datetime:
    """The `--start` option: an ISO 8601 time; without an offset it is UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ClockError(f"--start {text!r} is not an ISO time like 2026-11-23T09:00-06:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_label(moment: datetime, tz: str, *, with_date: bool = True) -> str:
    """“Mon Nov 23 9:00 AM CST” in the reader's zone."""
    local = moment.astimezone(ZoneInfo(tz))
    clock = f"{local.hour % 12 or 12}:{local:%M} {local:%p} {local.tzname()}"
    return f"{local:%a} {local:%b} {local.day} {clock}" if with_date else clock
