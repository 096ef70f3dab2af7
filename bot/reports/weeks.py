"""ISO weeks in the program's time zone: the rows of every report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.platform.dates import local_today, zone


@dataclass(frozen=True)
class Week:
    """An ISO week: Monday 00:00 to the next Monday 00:00 in the program's zone, held in UTC."""

    year: int
    number: int
    monday: date
    starts: datetime
    ends: datetime

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"


def week_starting(monday: date, tz: str) -> Week:
    """The ISO week that begins on `monday` (DST-correct: a week may be 167 or 169 hours)."""
    year, number, _ = monday.isocalendar()
    local = zone(tz)
    starts = datetime.combine(monday, time(0), tzinfo=local).astimezone(UTC)
    ends = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=local).astimezone(UTC)
    return Week(year, number, monday, starts, ends)


def weeks_between(since: date, until: date, tz: str) -> list[Week]:
    """Every ISO week that has a day in [since, until]."""
    monday = since - timedelta(days=since.weekday())
    weeks = []
    while monday <= until:
        weeks.append(week_starting(monday, tz))
        monday += timedelta(days=7)
    return weeks


def recent_weeks(now: datetime, tz: str, count: int = 12) -> list[Week]:
    """The last `count` complete ISO weeks before the one `now` is in."""
    today = local_today(now, tz)
    this_monday = today - timedelta(days=today.weekday())
    return [week_starting(this_monday - timedelta(weeks=n), tz) for n in range(count, 0, -1)]
