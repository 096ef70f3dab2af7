"""Where a goal's words end and its deadline begins: “Finish the essay in 3 days”, “Read ch. 4 by EOM”."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.platform.dates.days import day_of
from bot.platform.dates.examples import not_understood
from bot.platform.dates.reader import DateError, Reader, Reading
from bot.platform.dates.words import tidy

_MARKER = re.compile(
    r"\s(?P<word>no later than|not later than|due on|due by|due|by|before|until)\s", re.IGNORECASE
)
_LONGEST_TAIL = 6  # words: “the day after tomorrow”, “two weeks from next Friday”


def split_deadline(text: str, reader: Reader) -> tuple[str, Reading[date] | None]:
    """(the goal's words, its deadline or None); the words after a last “by” must be a date.

    “before”, “until” and “due” followed by no date stay in the goal (“Stretch before running”).
    """
    text = " ".join(text.split())
    markers = list(_MARKER.finditer(text))
    for marker in reversed(markers):
        day = day_of(tidy(text[marker.end() :]), reader)
        if day is not None:
            if marker.group("word").lower() == "before":
                day = Reading(day.value - timedelta(days=1), day.doubt)
            return text[: marker.start()].strip(), day
    if markers and markers[-1].group("word").lower() == "by":
        tail = text[markers[-1].end() :]
        raise DateError(not_understood(tail, "date").replace(" as a date", " after “by” as a date"))
    words = text.split(" ")
    for size in range(min(_LONGEST_TAIL, len(words) - 1), 0, -1):
        tail = tidy(" ".join(words[-size:]))
        try:
            day = day_of(re.sub(r"^(?:on|this) ", "", tail) if tail.startswith("on ") else tail, reader)
        except DateError:
            continue  # words that only look like a date stay in the goal
        if day is not None:
            return " ".join(words[:-size]).strip(), day
    return text, None
