"""Calendar days as people type them: “Dec 15”, “the 15th”, “next week”, “end of month”, “in 3 days”."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from bot.platform.dates.examples import not_understood
from bot.platform.dates.reader import DateError, Reader, Reading
from bot.platform.dates.words import MONTHS, WEEKDAYS, number, tidy

RECENTLY_PASSED_DAYS = 90  # a day-month that passed this recently may be a slip, not next year's
_ORD = r"(?:st|nd|rd|th)?"
_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_WEEKDAY = "(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + ")"
_YEAR = r"(?:\s(?P<year>\d{4}))?"
_UNIT = r"(?P<unit>days?|weeks?|fortnights?|months?|years?)"
_COUNT = r"(?P<count>\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
DEADLINE_WORDS = re.compile(
    r"^(?P<word>no later than|not later than|on or before|due on|due by|due|by|until|till|before|on)\s"
)

_SAME_DAY = {"today", "tonight", "this evening", "this afternoon", "eod", "end of day", "end of the day"}
_NEXT_DAY = {"tomorrow", "tmrw", "tmr", "tomorrow night", "tomorrow evening"}
_TWO_DAYS = {"day after tomorrow", "the day after tomorrow"}


def read_date(text: str, reader: Reader) -> Reading[date]:
    """A calendar day, after the words people put before a deadline (“by”, “due”, “before” = the day before)."""
    words, before = strip_deadline_words(tidy(text))
    reading = day_of(words, reader)
    if reading is None:
        raise DateError(not_understood(text, "date"))
    if before:
        return Reading(reading.value - timedelta(days=1), reading.doubt)
    return reading


def strip_deadline_words(words: str) -> tuple[str, bool]:
    """The words without a leading “by”, “due”, “no later than”…; and whether it was “before”."""
    before = False
    while match := DEADLINE_WORDS.match(words):
        before = before or match.group("word") == "before"
        words = words[match.end() :]
    return words, before


def day_of(words: str, reader: Reader) -> Reading[date] | None:
    """The day tidied `words` name, None when they name no day; DateError when they name an impossible one."""
    if not words:
        return None
    for rule in _RULES:
        reading = rule(words, reader)
        if reading is not None:
            return reading
    return None


def _named_days(words: str, reader: Reader) -> Reading[date] | None:
    for names, days in ((_SAME_DAY, 0), (_NEXT_DAY, 1), (_TWO_DAYS, 2)):
        if words in names:
            return Reading(reader.today + timedelta(days=days))
    return None


def _friday_on_or_after(day: date) -> date:
    return day + timedelta(days=(4 - day.weekday()) % 7)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


_END = re.compile(
    r"^(?:the )?(?:end|close) of (?:the )?(?P<which>this |next )?(?P<unit>week|month|year|term|semester)$"
)


def _ends(words: str, reader: Reader) -> Reading[date] | None:
    words = {"eow": "end of week", "eom": "end of month", "eoy": "end of year"}.get(words, words)
    match = _END.match(words)
    if not match:
        return None
    later = match.group("which") == "next "
    today, unit = reader.today, match.group("unit")
    if unit == "week":
        return Reading(_friday_on_or_after(today) + timedelta(weeks=int(later)))
    if unit == "month":
        return Reading(_month_end(today + relativedelta(months=int(later))))
    if unit == "year":
        return Reading(date(today.year + int(later), 12, 31))
    ends = sorted(end for end in reader.term_ends if end >= today)
    if not ends:
        raise DateError(
            "Your program has no term dates set up, so I can't tell when the term ends. "
            "Try a date instead, like “Dec 18” or “end of month”."
        )
    return Reading(ends[int(later)] if len(ends) > int(later) else ends[-1])


_MONTH_PART = re.compile(rf"^(?:(?P<mid>mid|the middle of|middle of)|(?:the )?end of) {_MONTH}{_YEAR}$")


def _month_parts(words: str, reader: Reader) -> Reading[date] | None:
    match = _MONTH_PART.match(words)
    if not match:
        return None
    month, year = MONTHS[match.group("month")], match.group("year")
    first = _next_date(reader, month, 1, int(year) if year else None, rolled_after=_month_end)
    day = first.value.replace(day=15) if match.group("mid") else _month_end(first.value)
    return Reading(day, first.doubt)


_NEXT_UNIT = re.compile(r"^(?:the )?(?:next|following) (?P<unit>week|month|year)$")


def _next_unit(words: str, reader: Reader) -> Reading[date] | None:
    match = _NEXT_UNIT.match(words)
    if not match:
        return None
    today = reader.today
    if match.group("unit") == "week":
        return Reading(today + timedelta(days=7 - today.weekday()))
    if match.group("unit") == "month":
        return Reading(today.replace(day=1) + relativedelta(months=1))
    return Reading(date(today.year + 1, 1, 1))


_IN = re.compile(rf"^(?:in|within) {_COUNT} {_UNIT}(?: time)?$")
_FROM = re.compile(rf"^{_COUNT} {_UNIT} (?:from|after) (?P<anchor>.+)$")


def shift(day: date, count: int, unit: str) -> date:
    """`day` moved forward by `count` days, weeks, fortnights, months or years."""
    unit = unit.rstrip("s")
    if unit == "day":
        return day + timedelta(days=count)
    if unit in {"week", "fortnight"}:
        return day + timedelta(weeks=count * (2 if unit == "fortnight" else 1))
    if unit == "month":
        return day + relativedelta(months=count)
    return day + relativedelta(years=count)


def _relative(words: str, reader: Reader) -> Reading[date] | None:
    match = _IN.match(words) or _FROM.match(words)
    if not match:
        return None
    count = number(match.group("count"))
    anchor_words = match.groupdict().get("anchor")
    if anchor_words in (None, "now", "today"):
        anchor: Reading[date] | None = Reading(reader.today)
    else:
        anchor = day_of(anchor_words, reader)
    if anchor is None or count is None:
        return None
    return Reading(shift(anchor.value, count, match.group("unit")), anchor.doubt)


_ON_WEEKDAY = re.compile(rf"^(?:(?:this|on|next|coming|this coming|the coming) )?{_WEEKDAY}$")
_ANY_WEEKDAY = "(?:" + "|".join(WEEKDAYS) + ")"
_WEEKDAY_NEXT_WEEK = re.compile(
    rf"^(?:(?:on )?{_ANY_WEEKDAY} (?:of )?(?:next|the following) week|next week(?: on)? {_ANY_WEEKDAY})$"
)


def _weekdays(words: str, reader: Reader) -> Reading[date] | None:
    today = reader.today
    if match := _ON_WEEKDAY.match(words):
        return Reading(today + timedelta(days=(WEEKDAYS[match.group("weekday")] - today.weekday()) % 7 or 7))
    if _WEEKDAY_NEXT_WEEK.match(words):
        name = next(word for word in words.split() if word in WEEKDAYS)
        monday = today + timedelta(days=7 - today.weekday())
        return Reading(monday + timedelta(days=WEEKDAYS[name]))
    return None


_ORDINAL = re.compile(r"^(?:the (?P<a>\d{1,2})(?:st|nd|rd|th)?|(?P<b>\d{1,2})(?:st|nd|rd|th))$")


def _ordinal(words: str, reader: Reader) -> Reading[date] | None:
    match = _ORDINAL.match(words)
    if not match:
        return None
    day = int(match.group("a") or match.group("b"))
    if not 1 <= day <= 31:
        raise DateError(f"No month has a day {day}. Try “the 15th” or “Dec 15”.")
    month = reader.today.replace(day=1)
    for _ in range(3):  # the next month that has that day, this one included
        if day <= calendar.monthrange(month.year, month.month)[1] and month.replace(day=day) >= reader.today:
            return Reading(month.replace(day=day))
        month += relativedelta(months=1)
    return None


_ISO = re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})$")
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})[/\-.](?P<b>\d{1,2})(?:[/\-.](?P<year>\d{4}|\d{2}))?$")
_MONTH_DAY = re.compile(rf"^{_MONTH} (?P<day>\d{{1,2}}){_ORD}{_YEAR}$")
_DAY_MONTH = re.compile(rf"^(?:the )?(?P<day>\d{{1,2}}){_ORD} (?:of )?{_MONTH}{_YEAR}$")
_LEADING_WEEKDAY = re.compile(rf"^{_WEEKDAY} (?P<rest>.+)$")


def _calendar(words: str, reader: Reader) -> Reading[date] | None:
    weekday: int | None = None
    if (match := _LEADING_WEEKDAY.match(words)) and not match.group("rest").startswith(("next", "of")):
        weekday, words = WEEKDAYS[match.group("weekday")], match.group("rest").removeprefix("the ")
    reading = _calendar_date(words, reader)
    if reading is not None and weekday is not None and reading.value.weekday() != weekday:
        actual = reading.value
        raise DateError(
            f"{actual:%b} {actual.day}, {actual.year} is a {actual:%A}, not a {calendar.day_name[weekday]}. "
            "Which did you mean? Write just the date or just the day."
        )
    return reading


def _calendar_date(words: str, reader: Reader) -> Reading[date] | None:
    if match := _ISO.match(words):
        return Reading(_valid(int(match.group("year")), int(match.group("month")), int(match.group("day"))))
    if match := _NUMERIC.match(words):
        return _numeric(int(match.group("a")), int(match.group("b")), match.group("year"), reader, words)
    match = _MONTH_DAY.match(words) or _DAY_MONTH.match(words)
    if match:
        year = match.group("year")
        return _next_date(
            reader, MONTHS[match.group("month")], int(match.group("day")), int(year) if year else None
        )
    return None


def _numeric(a: int, b: int, year_text: str | None, reader: Reader, words: str) -> Reading[date]:
    year = None if year_text is None else int(year_text) + (2000 if len(year_text) == 2 else 0)
    day_first = reader.day_first if a <= 12 and b <= 12 else a > 12
    month, day = (b, a) if day_first else (a, b)
    reading = _next_date(reader, month, day, year)
    if reader.day_first and a <= 12 and b <= 12 and a != b:
        other = f"{calendar.month_name[a]} {b}"
        doubt = f"“{words}” could also be {other}"
        return Reading(reading.value, f"{reading.doubt}; {doubt}" if reading.doubt else doubt)
    return reading


def _valid(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        if 1 <= month <= 12:
            raise DateError(
                f"{calendar.month_name[month]} has no day {day}. Try “{calendar.month_abbr[month]} 1” or "
                f"“end of {calendar.month_name[month]}”."
            ) from None
        raise DateError(f"There is no month {month}. Try “Dec 15” or “2026-12-15”.") from None


def _next_date(
    reader: Reader,
    month: int,
    day: int,
    year: int | None,
    rolled_after: Callable[[date], date] = lambda day: day,
) -> Reading[date]:
    """The day in `year`, or without one the next such day (today included); a long rollover is doubted."""
    if year is not None:
        return Reading(_valid(year, month, day))
    today = reader.today
    if (month, day) == (2, 29):
        return _next_leap_day(today)
    this_year = _valid(today.year, month, day)
    if rolled_after(this_year) >= today:
        return Reading(this_year)
    following = this_year.replace(year=today.year + 1)
    if (today - this_year).days <= RECENTLY_PASSED_DAYS:
        return Reading(following, f"{this_year:%b} {this_year.day} has passed this year")
    return Reading(following)


def _next_leap_day(today: date) -> Reading[date]:
    """Feb 29 this year or next; two common years in a row have none, and a later one is no deadline."""
    for year in (today.year, today.year + 1):
        if calendar.isleap(year) and date(year, 2, 29) >= today:
            return Reading(date(year, 2, 29))
    raise DateError(f"There is no Feb 29 in {today.year} or {today.year + 1}. Try “Feb 28” or “Mar 1”.")


_RULES = (_named_days, _ends, _month_parts, _next_unit, _relative, _weekdays, _ordinal, _calendar)
