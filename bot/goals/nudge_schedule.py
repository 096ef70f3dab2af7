"""When nudges fall: cadence occurrences in the person's zone, moved out of quiet and paused time.

Pure functions over explicit aware datetimes. Occurrences are computed on the local wall clock
with dateutil's rrule and only then given the zone, so 09:00 stays 09:00 across DST changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import DAILY, WEEKLY, rrule

from bot.platform.dates import zone
from storage.models import Cadence

# A goal that somehow never finds an allowed time (a pause years long) is simply not planned.
SEARCH_DAYS = 400
_INTERVAL_WEEKS = {Cadence.WEEKLY: 1, Cadence.BIWEEKLY: 2}


@dataclass(frozen=True)
class NudgeRules:
    """A person's nudge settings plus the program's quiet periods (inclusive local dates)."""

    tz: str = "UTC"
    nudge_minute: int = 9 * 60
    quiet_start_minute: int = 20 * 60
    quiet_end_minute: int = 8 * 60
    weekends: bool = False
    paused_until: date | None = None
    quiet_periods: Sequence[tuple[date, date]] = field(default_factory=tuple)

    @property
    def nudge_time(self) -> time:
        return minute_to_time(self.nudge_minute)


def minute_to_time(minute: int) -> time:
    return time(minute // 60, minute % 60)


def in_quiet_hours(local: datetime, rules: NudgeRules) -> bool:
    return is_quiet_minute(local.hour * 60 + local.minute, rules.quiet_start_minute, rules.quiet_end_minute)


def is_quiet_minute(minute: int, start: int, end: int) -> bool:
    """Quiet hours may wrap midnight (20:00–08:00); equal start and end mean none."""
    if start == end:
        return False
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def _local(day: date, at: time, tz: str) -> datetime:
    # Attaching the zone to a wall-clock time: a time that does not exist (the spring-forward
    # gap) is read with the offset before the change, i.e. it lands just after the gap.
    return datetime.combine(day, at, tzinfo=zone(tz)).astimezone(UTC).astimezone(zone(tz))


def allowed_time(moment: datetime, rules: NudgeRules) -> datetime | None:
    """The first time at or after `moment` outside pauses, quiet periods, weekends and quiet hours."""
    local = moment.astimezone(zone(rules.tz))
    for _ in range(SEARCH_DAYS):
        day = local.date()
        if rules.paused_until is not None and day < rules.paused_until:
            local = _local(rules.paused_until, rules.nudge_time, rules.tz)
            continue
        period_end = next((end for start, end in rules.quiet_periods if start <= day <= end), None)
        if period_end is not None:
            local = _local(period_end + timedelta(days=1), rules.nudge_time, rules.tz)
            continue
        if not rules.weekends and day.weekday() >= 5:
            local = _local(day + timedelta(days=7 - day.weekday()), rules.nudge_time, rules.tz)
            continue
        if in_quiet_hours(local, rules):
            end = minute_to_time(rules.quiet_end_minute)
            end_day = day if local.time() < end else day + timedelta(days=1)
            local = _local(end_day, end, rules.tz)
            continue
        return local.astimezone(UTC)
    return None


def next_occurrence(cadence: Cadence, anchor: date, after: datetime, rules: NudgeRules) -> datetime | None:
    """The cadence's first wall-clock occurrence strictly after `after` (aware), in UTC.

    Daily means every day (weekends are then removed by the weekend setting); weekly and every
    two weeks count from the goal's anchor date, so a weekly goal set on a Tuesday comes on Tuesdays.
    """
    if cadence == Cadence.OFF:
        return None
    tz = zone(rules.tz)
    local_after = after.astimezone(tz).replace(tzinfo=None)
    start = datetime.combine(anchor, rules.nudge_time)
    if cadence == Cadence.DAILY:
        rule = rrule(DAILY, dtstart=start)
    else:
        rule = rrule(WEEKLY, interval=_INTERVAL_WEEKS[cadence], dtstart=start)
    naive = rule.after(local_after, inc=False)
    if naive is None:
        return None
    return _local(naive.date(), naive.time(), rules.tz).astimezone(UTC)


def next_nudge(cadence: Cadence, anchor: date, after: datetime, rules: NudgeRules) -> datetime | None:
    """The next allowed nudge time for a goal strictly after `after`, in UTC."""
    occurrence = next_occurrence(cadence, anchor, after, rules)
    return None if occurrence is None else allowed_time(occurrence, rules)
