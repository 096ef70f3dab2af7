"""Reading dates, times, lengths and repeats the way people type them, and showing them back.

Everything is read in the person's zone relative to their local now (a Reader); a reading that could
mean something else carries a doubt, which callers turn into a question before storing anything.
"""

from bot.platform.dates.clock import read_moment, wall_time
from bot.platform.dates.days import read_date, strip_deadline_words
from bot.platform.dates.deadlines import split_deadline
from bot.platform.dates.reader import DateError, Reader, Reading, local_today, zone
from bot.platform.dates.show import (
    describe_due,
    describe_minutes,
    local_timestamp,
    short_date,
    show_date,
    show_moment,
)
from bot.platform.dates.spans import Series, minutes_of, read_duration, read_repeat

__all__ = [
    "DateError",
    "Reader",
    "Reading",
    "Series",
    "describe_due",
    "describe_minutes",
    "local_timestamp",
    "local_today",
    "minutes_of",
    "read_date",
    "read_duration",
    "read_moment",
    "read_repeat",
    "short_date",
    "show_date",
    "show_moment",
    "split_deadline",
    "strip_deadline_words",
    "wall_time",
    "zone",
]
