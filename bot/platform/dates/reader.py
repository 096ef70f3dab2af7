"""Who is reading dates, and what a reading is: a value, and a doubt when it should be confirmed first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.platform.dates.words import is_day_first

T = TypeVar("T")


class DateError(ValueError):
    """Words that are no date, time or length we can read; the message names them and shows examples."""


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone by name, UTC when Slack gave none or one we do not know."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(zone(tz)).date()


@dataclass(frozen=True)
class Reader:
    """A person reading: their zone, their local now, whether they write the day first, the program's term ends."""

    tz: ZoneInfo
    now: datetime  # aware, in `tz`
    day_first: bool = False
    term_ends: tuple[date, ...] = field(default=())

    @classmethod
    def of(
        cls, tz: str, now: datetime, *, locale: str | None = None, term_ends: tuple[date, ...] = ()
    ) -> Reader:
        """The reader for a Slack time zone name and locale at an aware `now`."""
        place = zone(tz)
        return cls(place, now.astimezone(place), is_day_first(locale), term_ends)

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass(frozen=True)
class Reading(Generic[T]):
    """What the words meant; `doubt` says why to ask before storing it (None: no need)."""

    value: T
    doubt: str | None = None

    @property
    def needs_asking(self) -> bool:
        return self.doubt is not None
