"""Lengths of time (“for an hour”, “1h30”, “90 minutes”) and repeats (“weekly until Feb 25”)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.platform.dates.days import day_of, strip_deadline_words
from bot.platform.dates.examples import not_understood
from bot.platform.dates.reader import DateError, Reader, Reading
from bot.platform.dates.words import number, tidy

_UNIT_MINUTES = {
    "m": 1,
    "min": 1,
    "mins": 1,
    "minute": 1,
    "minutes": 1,
    "h": 60,
    "hr": 60,
    "hrs": 60,
    "hour": 60,
    "hours": 60,
    "d": 24 * 60,
    "day": 24 * 60,
    "days": 24 * 60,
    "week": 7 * 24 * 60,
    "weeks": 7 * 24 * 60,
}
_PART = re.compile(
    r"(?P<count>\d+(?:\.\d+)?|(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b)"
    r"(?P<half> and a half)? ?(?P<unit>"
    + "|".join(sorted(_UNIT_MINUTES, key=len, reverse=True))
    + r")(?![a-z])"
)
_SPECIAL = {
    "half an hour": 30,
    "half hour": 30,
    "a half hour": 30,
    "an hour and a half": 90,
    "quarter of an hour": 15,
    "a quarter of an hour": 15,
    "quarter hour": 15,
    "three quarters of an hour": 45,
}


def minutes_of(text: str) -> int | None:
    """Whole minutes in `text` (“1h30”, “1.5 hours”, “an hour and a half”, “1:30”, “90”), or None."""
    words = tidy(text).removeprefix("for ").removeprefix("about ")
    if words in _SPECIAL:
        return _SPECIAL[words]
    if match := re.fullmatch(r"(\d{1,2}):(\d{2})", words):
        return int(match.group(1)) * 60 + int(match.group(2))
    if re.fullmatch(r"\d{1,4}", words):
        return int(words)
    if match := re.fullmatch(r"(\d{1,2}) ?h(?:rs?|ours?)? ?(\d{1,2})", words):  # 1h30
        return int(match.group(1)) * 60 + int(match.group(2))
    total, position = 0.0, 0
    for match in _PART.finditer(words):
        between = words[position : match.start()].strip()
        if between not in {"", "and"}:
            return None
        count = number(match.group("count")) or float(match.group("count"))
        total += (count + (0.5 if match.group("half") else 0)) * _UNIT_MINUTES[match.group("unit")]
        position = match.end()
    if position == 0 or words[position:].strip() or total <= 0 or total != int(total):
        return None
    return int(total)


def read_duration(text: str) -> int:
    """Minutes from “for an hour”, “1.5 hours”, “90 minutes”, “1h30”; DateError naming the words otherwise."""
    minutes = minutes_of(text)
    if minutes is None:
        raise DateError(not_understood(text, "duration"))
    return minutes


@dataclass(frozen=True)
class Series:
    """A repeat as typed: weekly, biweekly or monthly, ending on a day or after a number of sessions."""

    every: str  # "weekly", "biweekly" or "monthly"
    until: date | None = None
    count: int | None = None


_EVERY = {
    "weekly": "weekly",
    "every week": "weekly",
    "each week": "weekly",
    "biweekly": "biweekly",
    "fortnightly": "biweekly",
    "every fortnight": "biweekly",
    "every other week": "biweekly",
    "every 2 weeks": "biweekly",
    "every two weeks": "biweekly",
    "monthly": "monthly",
    "every month": "monthly",
    "each month": "monthly",
}
_REPEAT = re.compile(
    r"^(?P<every>" + "|".join(sorted(_EVERY, key=len, reverse=True)) + r")"
    r"(?: (?:(?P<until>until|till|through|to|ending) (?P<end>.+)|for (?P<span>\d{1,2}|[a-z]+) (?P<unit>weeks?|months?)"
    r"|(?:for )?(?P<times>\d{1,2}|[a-z]+) (?:times|sessions|occurrences)|x ?(?P<x>\d{1,2})))?$"
)


def read_repeat(text: str, reader: Reader) -> Reading[Series]:
    """“weekly until Feb 25”, “every other week for 6 weeks”, “monthly, 3 times”."""
    words = tidy(text)
    match = _REPEAT.match(words)
    if not match:
        raise DateError(not_understood(text, "repeat") + " Repeats are weekly, every other week or monthly.")
    every = _EVERY[match.group("every")]
    if match.group("until"):
        end = day_of(strip_deadline_words(match.group("end"))[0], reader)
        if end is None:
            raise DateError(not_understood(match.group("end"), "date"))
        return Reading(Series(every, until=end.value), end.doubt)
    if match.group("span"):
        span, unit = number(match.group("span")), match.group("unit").rstrip("s")
        if span is None or (unit == "month") != (every == "monthly"):
            raise DateError(
                f"Say how many sessions, e.g. “{every} for 6 {'months' if every == 'monthly' else 'weeks'}”."
            )
        return Reading(Series(every, count=span // 2 if every == "biweekly" else span))
    times = match.group("times") or match.group("x")
    if times:
        count = number(times)
        if count is None:
            raise DateError(not_understood(text, "repeat"))
        return Reading(Series(every, count=count))
    return Reading(Series(every))
