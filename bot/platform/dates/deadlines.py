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
    """(the goal's words, its deadline or None); the words after a last “by”/“due”/“before” must be a date."""
    text = " ".join(text.split())
    markers = list(_MARKER.finditer(text))
    if markers:
        last = markers[-1]
        tail = text[last.end() :]
        day = day_of(tidy(tail), reader)
        if day is None:
            raise DateError(
                not_understood(tail, "date").replace(" as a date", f" after “{last.group('word')}” as a date")
            )
        if last.group("word").lower() == "before":
            day = Reading(day.value - timedelta(days=1), day.doubt)
        return text[: last.start()].strip(), day
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
