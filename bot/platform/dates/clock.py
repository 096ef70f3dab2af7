"""Times of day and moments: “3pm”, “noon”, “half past 2”, “Dec 9 at 3pm”, “3pm tomorrow”, “in 2 hours”."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.platform.dates.days import day_of
from bot.platform.dates.examples import not_understood
from bot.platform.dates.reader import DateError, Reader, Reading
from bot.platform.dates.spans import minutes_of
from bot.platform.dates.words import NUMBER_WORDS, tidy

# A bare hour in these is read as afternoon or morning without asking; 6, 7 and 8 are asked about.
AFTERNOON_HOURS = range(1, 6)
MORNING_HOURS = range(9, 12)
_HOUR_WORD = r"(?:\d{1,2}|" + "|".join(word for word in NUMBER_WORDS if word not in {"a", "an"}) + ")"
_EXPLICIT_TIME = re.compile(
    r"(?:^|\s)(?:at\s)?(?P<time>noon|midday|midnight"
    rf"|(?P<part>half past|quarter past|quarter to) (?P<phour>{_HOUR_WORD})"
    r"|(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))? ?(?P<ampm>am|pm)"
    r"|(?P<chour>\d{1,2}):(?P<cminute>\d{2})"
    rf"|(?P<ohour>{_HOUR_WORD}) o'?clock)(?=\s|$)"
)
_BARE_HOUR_AFTER = re.compile(r"^(?P<date>.+?) (?:at )?(?P<hour>\d{1,2})$")
_BARE_HOUR_ALONE = re.compile(r"^at (?P<hour>\d{1,2})$")
_BARE_HOUR_BEFORE = re.compile(r"^at (?P<hour>\d{1,2}) (?P<date>.+)$")
_IN_A_WHILE = re.compile(r"^(?:in|within) (?P<length>.+)$")
_EVENING = re.compile(r"\b(tonight|evening|night|afternoon)\b")
_MORNING = re.compile(r"\bmorning\b")


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    bare: bool = False  # no am/pm and not a 24-hour time: the hour still has to be placed in the day
    doubt: str | None = None


def read_moment(text: str, reader: Reader) -> Reading[datetime]:
    """A date and a time of day in the reader's zone (aware); a time alone means the next such time."""
    words = tidy(text)
    if (moment := _in_a_while(words, reader)) is not None:
        return Reading(moment)
    clock, day_words = _split(words)
    if clock is None:
        raise DateError(_needs_time(text, words, reader))
    day_words = re.sub(r"^(?:on|at) |(?: on| at)$", "", day_words).strip()
    if not day_words:
        return _today_or_tomorrow(clock, reader)
    day = day_of(day_words, reader)
    if day is None:
        raise DateError(not_understood(text, "moment"))
    resolved = _resolve(clock, day_words)
    moment = wall_time(day.value, time(resolved.hour, resolved.minute), reader)
    doubts = [doubt for doubt in (day.doubt, resolved.doubt) if doubt]
    return Reading(moment, "; ".join(doubts) or None)


def _in_a_while(words: str, reader: Reader) -> datetime | None:
    match = _IN_A_WHILE.match(words)
    if not match or not re.search(r"\b(h|hrs?|hours?|m|mins?|minutes?)\b|\d[hm]\b", match.group("length")):
        return None
    minutes = minutes_of(match.group("length"))
    if minutes is None:
        return None
    return (reader.now.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(reader.tz)


def _split(words: str) -> tuple[_Clock | None, str]:
    """The time of day in `words` (hour still unresolved for a bare one) and the words left for the day."""
    match = _EXPLICIT_TIME.search(words)
    if match:
        rest = (words[: match.start()] + " " + words[match.end() :]).strip()
        return _explicit(match), " ".join(rest.split())
    if (bare := _BARE_HOUR_AFTER.match(words)) and _names_a_day(_trim(bare.group("date"))):
        return _Clock(int(bare.group("hour")), 0, bare=True), bare.group("date")
    if bare := _BARE_HOUR_ALONE.match(words):
        return _Clock(int(bare.group("hour")), 0, bare=True), ""
    if (bare := _BARE_HOUR_BEFORE.match(words)) and _names_a_day(_trim(bare.group("date"))):
        return _Clock(int(bare.group("hour")), 0, bare=True), bare.group("date")
    return None, words


def _trim(words: str) -> str:
    return re.sub(r"^(?:on|at) |(?: on| at)$", "", words).strip()


def _names_a_day(words: str) -> bool:
    """Whether words name a day, whoever reads them (so “Dec 9” keeps its 9 and “tomorrow 3” loses its 3)."""
    try:
        return day_of(words, _PROBE) is not None
    except DateError:
        return True


def _hour_number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _explicit(match: re.Match[str]) -> _Clock:
    text = match.group("time")
    if text in {"noon", "midday"}:
        return _Clock(12, 0)
    if text == "midnight":
        return _Clock(23, 59)  # the end of that day, as deadlines mean it
    if part := match.group("part"):
        hour = _hour_number(match.group("phour"))
        minute = {"half past": 30, "quarter past": 15, "quarter to": -15}[part]
        if not 1 <= hour <= 12:
            _bad_time(text)
        return _Clock(hour - 1 if minute < 0 else hour, minute % 60, bare=True)
    if match.group("ampm"):
        hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
        if not 1 <= hour <= 12 or minute > 59:
            _bad_time(text)
        return _Clock(hour % 12 + (12 if match.group("ampm") == "pm" else 0), minute)
    if match.group("chour"):
        hour_text, minute = match.group("chour"), int(match.group("cminute"))
        hour = int(hour_text)
        if hour > 23 or minute > 59:
            _bad_time(text)
        if hour_text.startswith("0") or hour == 0 or hour > 12:
            return _Clock(hour, minute)
        return _Clock(hour, minute, bare=True)
    return _Clock(_hour_number(match.group("ohour")), 0, bare=True)


def _bad_time(text: str) -> _Clock:
    raise DateError(f"“{text}” is not a time of day. Try “3pm”, “15:00” or “noon”.")


def _resolve(clock: _Clock, day_words: str) -> _Clock:
    """A bare hour made a clock time: the day's words decide, else working hours, else ask (6, 7, 8)."""
    if not clock.bare:
        return clock
    hour, minute = clock.hour, clock.minute
    if hour == 0 or 13 <= hour <= 23:
        return _Clock(hour, minute)
    if hour > 23:
        _bad_time(str(hour))
    shown = f"{hour}:{minute:02d}" if minute else str(hour)
    if _EVENING.search(day_words):
        return _Clock(hour % 12 + 12, minute)
    if _MORNING.search(day_words):
        return _Clock(hour % 12, minute)
    if hour == 12 or hour in AFTERNOON_HOURS:
        return _Clock(hour % 12 + 12, minute)
    if hour in MORNING_HOURS:
        return _Clock(hour, minute)
    return _Clock(hour + 12, minute, doubt=f"“{shown}” could be morning or evening")


def _today_or_tomorrow(clock: _Clock, reader: Reader) -> Reading[datetime]:
    resolved = _resolve(clock, "")
    today = wall_time(reader.today, time(resolved.hour, resolved.minute), reader)
    if today > reader.now:
        return Reading(today, resolved.doubt)
    tomorrow = wall_time(reader.today + timedelta(days=1), time(resolved.hour, resolved.minute), reader)
    passed = f"{_clock_text(today)} has passed today"
    return Reading(tomorrow, f"{resolved.doubt}; {passed}" if resolved.doubt else passed)


def _clock_text(moment: datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment:%M} {moment:%p}".replace(":00 ", " ").lower().replace(" ", "")


def wall_time(day: date, clock: time, reader: Reader) -> datetime:
    """`day` at `clock` on the reader's wall; a time the clocks skip is refused, a repeated one is the first."""
    local = datetime.combine(day, clock, tzinfo=reader.tz).replace(fold=0)
    if local.astimezone(UTC).astimezone(reader.tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise DateError(
            f"{clock:%H:%M} does not exist on {day:%a} {day:%b} {day.day} in {reader.tz.key}: "
            "the clocks change that night. Please choose another time."
        )
    return local


def _needs_time(text: str, words: str, reader: Reader) -> str:
    if words and day_of(words, reader) is not None:
        return f"“{' '.join(text.split())}” has no time of day. Try “{text.strip()} at 3pm” or “{text.strip()} 10:30am”."
    return not_understood(text, "moment")


# Whether words name a day does not depend on who reads them; any reader will do for that probe.
_PROBE = Reader.of("UTC", datetime(2026, 1, 1, tzinfo=UTC))
