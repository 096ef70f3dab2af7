"""Workshop times as people type them (with the zone they name), and recurrences in the program's zone.

Pure functions: every answer depends only on the arguments, so DST traps are easy to test.
"""

from __future__ import annotations

import enum
import re
from datetime import date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from bot.platform.dates import DateError, Reader, read_date, read_duration, read_moment

MAX_OCCURRENCES = 52
MAX_DURATION = timedelta(hours=12)


# One family of "these words are no date or time" errors, whoever reads them.
WhenError = DateError

# Zones people name after a time (“5pm ET”). Each means its region's clock, so “EST” typed for a
# July date still means New York's time then, as the person meant it.
_REGIONS = {
    "America/New_York": ("et", "est", "edt", "eastern"),
    "America/Chicago": ("ct", "cst", "cdt", "central"),
    "America/Denver": ("mt", "mst", "mdt", "mountain"),
    "America/Phoenix": ("arizona",),
    "America/Los_Angeles": ("pt", "pst", "pdt", "pacific"),
    "America/Anchorage": ("akt", "akst", "akdt", "alaska"),
    "Pacific/Honolulu": ("ht", "hst", "hawaii"),
    "UTC": ("utc", "gmt"),
}
NAMED_ZONES = {word: zone for zone, words in _REGIONS.items() for word in words}
_ZONE_AT_END = re.compile(
    r"^(?P<rest>.*?)\s*\(?\b(?P<zone>[A-Za-z_]+(?:/[A-Za-z_]+){0,2})(?:\s+time)?\)?\s*$", re.S
)


def named_zone(text: str) -> tuple[str, ZoneInfo | None]:
    """`Dec 10 5pm ET` → (`Dec 10 5pm`, New York); words naming no zone at their end come back as they were."""
    match = _ZONE_AT_END.match(text)
    if not match or not match.group("rest"):
        return text, None
    word = match.group("zone")
    key = NAMED_ZONES.get(word.lower()) or (word if "/" in word else None)
    if key is None:
        return text, None
    try:
        return match.group("rest"), ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # a folder of zones, or no such zone
        return text, None


class Repeat(enum.StrEnum):
    """How a workshop recurs."""

    NONE = "none"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


REPEAT_WORDS = {
    "weekly": Repeat.WEEKLY,
    "biweekly": Repeat.BIWEEKLY,
    "fortnightly": Repeat.BIWEEKLY,
    "monthly": Repeat.MONTHLY,
}


def parse_duration(text: str) -> timedelta:
    """`90m`, `1h30m`, `1 hour`, `45 min` → a duration between 5 minutes and 12 hours."""
    duration = timedelta(minutes=read_duration(text))
    if not timedelta(minutes=5) <= duration <= MAX_DURATION:
        raise WhenError("A workshop lasts between 5 minutes and 12 hours.")
    return duration


def localize(local: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in `tz` as an aware datetime; a time skipped by DST is refused.

    An ambiguous time (the repeated hour in autumn) means the first of the two, as people expect.
    """
    aware = local.replace(tzinfo=tz, fold=0)
    if aware.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise WhenError(
            f"{local:%b} {local.day} at {local:%H:%M} does not exist in {tz.key} (the clocks skip it): choose another time."
        )
    return aware


def parse_local_date(text: str, reader: Reader) -> date:
    """A calendar date such as `2027-01-14`, `Jan 14`, `end of term`; without a year, the next such day."""
    return read_date(text, reader).value


def parse_when(text: str, reader: Reader) -> datetime:
    """A date and a time of day (`Dec 10 5pm`, `next Thursday at noon`) on the reader's wall, aware.

    A reading the reader would be asked about (a bare 7, a day that has passed) is refused here:
    workshop commands have no question to ask, so the admin writes it out.
    """
    reading = read_moment(text, reader)
    if reading.doubt:
        start = reading.value
        raise WhenError(
            f"Did you mean {plain_time(start, reader.tz)}? ({reading.doubt}.) To be sure, write the date "
            f"and time in full, e.g. “{start:%b} {start.day} {start.year} {start.hour % 12 or 12}:{start:%M}{start:%p}”."
        )
    return reading.value


def combine(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """A date picker's day and a time picker's time, as wall-clock time in `tz`."""
    return localize(datetime.combine(day, clock), tz)


def occurrence_starts(
    first: datetime, repeat: Repeat, *, until: date | None = None, count: int | None = None
) -> list[datetime]:
    """Every start of a series beginning at `first` (aware, in the program's zone).

    The rule runs on wall-clock times and each start is localized afterwards, so a 17:00 workshop
    stays at 17:00 when the clocks change. Monthly means the same weekday of the month (the 2nd
    Thursday); a 5th weekday becomes the last one, which every month has.
    """
    tz = first.tzinfo
    assert isinstance(tz, ZoneInfo), "occurrence_starts needs a ZoneInfo-aware start"
    if repeat == Repeat.NONE:
        return [first]
    if (until is None) == (count is None):
        raise WhenError("A repeating workshop needs one end: a last date or a number of sessions.")
    if until is not None and until < first.astimezone(tz).date():
        raise WhenError(
            f"The repeat ends ({until:%b} {until.day}, {until.year}) before the first session: choose a later end date."
        )
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise WhenError(f"A series can have between 1 and {MAX_OCCURRENCES} sessions.")
    local = first.replace(tzinfo=None)
    if repeat == Repeat.MONTHLY:
        nth = (local.day - 1) // 7 + 1
        rule = rrule(
            MONTHLY,
            dtstart=local,
            byweekday=weekday(local.weekday(), -1 if nth == 5 else nth),
            until=_end_of(until),
            count=count,
        )
    else:
        interval = 2 if repeat == Repeat.BIWEEKLY else 1
        rule = rrule(WEEKLY, dtstart=local, interval=interval, until=_end_of(until), count=count)
    starts = [localize(start, tz) for start in islice(rule, MAX_OCCURRENCES + 1)]
    if len(starts) > MAX_OCCURRENCES:
        raise WhenError(f"That makes more than {MAX_OCCURRENCES} sessions: choose an earlier end date.")
    return starts


def _end_of(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(23, 59, 59))


def plain_time(moment: datetime, tz: ZoneInfo) -> str:
    """“Thu Dec 10, 2026 5:00 PM EST”: for places Slack does not format dates (form errors)."""
    local = moment.astimezone(tz)
    hour = local.hour % 12 or 12
    return f"{local:%a} {local:%b} {local.day}, {local.year} {hour}:{local:%M} {local:%p} {local.tzname()}"


def slack_date(moment: datetime, fallback_tz: ZoneInfo) -> str:
    """Slack date formatting, so each reader sees the time in their own zone."""
    fallback = plain_time(moment, fallback_tz)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def slack_day(moment: datetime, fallback_tz: ZoneInfo) -> str:
    """The day alone, in Slack date formatting (each reader's own zone): “Jan 14, 2027”."""
    local = moment.astimezone(fallback_tz)
    return f"<!date^{int(moment.timestamp())}^{{date_short}}|{local:%b} {local.day}, {local.year}>"


def describe_duration(duration: timedelta) -> str:
    """`1h 30m`, `45m`, `2h`."""
    hours, minutes = divmod(int(duration.total_seconds()) // 60, 60)
    return " ".join(part for part in (f"{hours}h" if hours else "", f"{minutes}m" if minutes else "") if part)


def describe_offset(minutes: int) -> str:
    """How long before: `1 day`, `1 hour`, `15 minutes`, `2 days`."""
    for unit, size in (("week", 7 * 24 * 60), ("day", 24 * 60), ("hour", 60)):
        if minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}" + ("s" if count != 1 else "")
    return f"{minutes} minutes"
