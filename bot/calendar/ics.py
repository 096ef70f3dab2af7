"""iCalendar (RFC 5545) files and feeds, built with the icalendar library (never hand-written text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from bot.calendar.zones import vtimezone
from bot.platform.when import MAX_OCCURRENCES, Repeat, occurrence_starts

PRODID = "-//coachbot//Coaching sessions and workshops//EN"
# How often a subscribed calendar should come back for the feed (Outlook and Apple read these).
REFRESH = timedelta(hours=1)
PUBLISH, CANCEL = "PUBLISH", "CANCEL"
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Series:
    """How a workshop repeats in a calendar: an RRULE from the first start, minus cancelled dates."""

    rule: dict[str, Any]
    exdates: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class EventSpec:
    """One calendar entry: aware times (UTC, or a zone that gets its VTIMEZONE), and plain text fields."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    sequence: int
    location: str = ""
    description: str = ""
    cancelled: bool = False
    series: Series | None = None


def meeting_uid(team_id: str, meeting_id: int) -> str:
    """Stable for the life of the session: every update and the cancel name the same event."""
    return f"coachbot-meeting-{meeting_id}-{team_id.lower()}@coachbot"


def workshop_uid(team_id: str, workshop_id: int) -> str:
    return f"coachbot-workshop-{workshop_id}-{team_id.lower()}@coachbot"


def occurrence_uid(team_id: str, workshop_id: int, seq: int) -> str:
    """One dated session of a workshop, as the feed lists the ones a person answered."""
    return f"coachbot-workshop-{workshop_id}-{seq}-{team_id.lower()}@coachbot"


def _rule_of(first: datetime, repeat: Repeat) -> dict[str, Any]:
    if repeat == Repeat.MONTHLY:
        nth = (first.day - 1) // 7 + 1
        return {"FREQ": "MONTHLY", "BYDAY": f"{-1 if nth == 5 else nth}{_WEEKDAYS[first.weekday()]}"}
    if repeat == Repeat.BIWEEKLY:
        return {"FREQ": "WEEKLY", "INTERVAL": 2}
    return {"FREQ": "WEEKLY"}


def series_of(
    sessions: list[tuple[datetime, bool]], repeat: Repeat, zone: ZoneInfo
) -> tuple[datetime, Series | None] | None:
    """The first start and the rule that describe a workshop's (start, active) sessions, or None if
    none is active. A series edited part-way starts at the first session the new rule covers, so
    every session still on the calendar is at its real time."""
    starts = sorted((start.astimezone(zone), active) for start, active in sessions)
    active = [start for start, is_active in starts if is_active]
    if not active:
        return None
    if repeat == Repeat.NONE or len(starts) == 1:
        return active[0], None
    for anchor, _ in starts:
        wanted = {start for start in active if start >= anchor}
        if not wanted:
            break
        ruled = [s for s in occurrence_starts(anchor, repeat, count=MAX_OCCURRENCES) if s <= max(wanted)]
        if wanted <= set(ruled):
            rule = {**_rule_of(anchor, repeat), "COUNT": len(ruled)}
            return anchor, Series(rule, tuple(s for s in ruled if s not in wanted))
    return active[-1], None


def _event(spec: EventSpec, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", spec.uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("sequence", spec.sequence)
    event.add("summary", spec.summary)
    event.add("dtstart", spec.starts_at)
    event.add("dtend", spec.ends_at)
    if spec.location:
        event.add("location", spec.location)
    if spec.description:
        event.add("description", spec.description)
    event.add("status", "CANCELLED" if spec.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if spec.series is not None:
        event.add("rrule", spec.series.rule)
        if spec.series.exdates:
            event.add("exdate", list(spec.series.exdates))
    return event


def _calendar(specs: list[EventSpec], stamp: datetime, method: str | None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    # A zoned time carries its VTIMEZONE, so a 17:00 New York workshop stays 17:00 across DST.
    zones: dict[str, int] = {}
    for spec in specs:
        tz = spec.starts_at.tzinfo
        if isinstance(tz, ZoneInfo) and tz.key != "UTC":
            zones[tz.key] = min(zones.get(tz.key, spec.starts_at.year), spec.starts_at.year)
    for key, year in sorted(zones.items()):
        calendar.add_component(vtimezone(key, year))
    for spec in specs:
        calendar.add_component(_event(spec, stamp))
    return calendar


def event_file(spec: EventSpec, stamp: datetime) -> bytes:
    """A file to import: PUBLISH for a new or changed event, CANCEL (STATUS:CANCELLED) to remove it."""
    return _calendar([spec], stamp, CANCEL if spec.cancelled else PUBLISH).to_ical()


def feed(specs: list[EventSpec], stamp: datetime, name: str) -> bytes:
    """A subscription feed: the person's events, with a name and how often to refresh."""
    calendar = _calendar(specs, stamp, PUBLISH)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    return calendar.to_ical()
