"""VTIMEZONE components written as yearly rules (RRULE), the form every calendar reads.

icalendar can describe a zone as a list of past transitions (RDATE), which some readers
(Outlook's importer, dateutil) ignore; yearly rules from the zone's current transitions are
what Outlook, Google and Apple themselves write.
"""

from __future__ import annotations

import calendar as days_of
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _transitions(zone: ZoneInfo, year: int) -> list[tuple[datetime, timedelta, timedelta]]:
    """(instant in UTC, offset before, offset after) of each change of offset in `year`."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=1)
    before = moment.astimezone(zone).utcoffset()
    while moment < end:
        after = (moment + step).astimezone(zone).utcoffset()
        if after != before:
            assert before is not None and after is not None
            found.append((moment + step, before, after))
            before = after
        moment += step
    return found


def _yearly_rule(local: datetime) -> dict[str, object]:
    """“The 2nd Sunday of March”, or “the last Sunday” when no month has a 5th."""
    nth = (local.day - 1) // 7 + 1
    if local.day + 7 > days_of.monthrange(local.year, local.month)[1]:
        nth = -1
    return {"FREQ": "YEARLY", "BYMONTH": local.month, "BYDAY": f"{nth}{_DAYS[local.weekday()]}"}


def _offset_part(
    kind: type[icalendar.cal.Component], start: datetime, before: timedelta, after: timedelta, name: str
) -> icalendar.cal.Component:
    part = kind()
    part.add("dtstart", start)
    part.add("tzoffsetfrom", before)
    part.add("tzoffsetto", after)
    part.add("tzname", name)
    return part


@lru_cache(maxsize=64)
def vtimezone(key: str, year: int) -> icalendar.Timezone:
    """The zone as `year`'s rules say (a zone without DST is one STANDARD part)."""
    zone = ZoneInfo(key)
    timezone = icalendar.Timezone()
    timezone.add("tzid", key)
    changes = _transitions(zone, year)
    if len(changes) != 2:
        offset = datetime(year, 1, 1, tzinfo=zone).utcoffset() or timedelta(0)
        name = datetime(year, 1, 1, tzinfo=zone).tzname() or key
        timezone.add_component(
            _offset_part(icalendar.TimezoneStandard, datetime(1970, 1, 1), offset, offset, name)
        )
        return timezone
    for instant, before, after in changes:
        # DTSTART is the wall-clock time of the change, read with the offset in force before it.
        local = (instant + before).replace(tzinfo=None)
        kind = icalendar.TimezoneDaylight if after > before else icalendar.TimezoneStandard
        name = instant.astimezone(zone).tzname() or key
        part = _offset_part(kind, local.replace(year=1970, day=_same_rule_day(local)), before, after, name)
        part.add("rrule", _yearly_rule(local))
        timezone.add_component(part)
    return timezone


def _same_rule_day(local: datetime) -> int:
    """The day in 1970 that the same yearly rule picks, so DTSTART is itself an instance of the rule."""
    rule = _yearly_rule(local)
    weekday = _DAYS.index(str(rule["BYDAY"])[-2:])
    nth = int(str(rule["BYDAY"])[:-2])
    month_days = [
        d
        for d in range(1, days_of.monthrange(1970, local.month)[1] + 1)
        if date(1970, local.month, d).weekday() == weekday
    ]
    return month_days[nth - 1] if nth > 0 else month_days[-1]
