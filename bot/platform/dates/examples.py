"""Errors that name what was not understood and show two examples close to what was typed."""

from __future__ import annotations

import re

from bot.platform.dates.words import MONTHS, WEEKDAYS, tidy

_LABELS = {
    "date": "a date",
    "moment": "a date and time",
    "duration": "a length of time",
    "repeat": "a repeat",
}
# (what the words contain, two examples in that style), first match wins.
_NEAR: dict[str, list[tuple[str, tuple[str, str]]]] = {
    "date": [
        (r"\b(end|mid|middle|eo[mwy]|term)\b", ("end of month", "mid-December")),
        (r"\b(in|from|days?|weeks?|months?)\b", ("in 3 days", "in 2 weeks")),
        (r"\d[/.-]\d", ("12/15", "2026-12-15")),
        (r"\bthe\b|\d(st|nd|rd|th)\b", ("the 15th", "Dec 15th")),
        ("WEEKDAY", ("next Friday", "Friday next week")),
        ("MONTH", ("Dec 15", "15 December 2026")),
        (r"\b(tomorrow|today|tonight)\b", ("tomorrow", "the day after tomorrow")),
    ],
    "moment": [
        (r"\b(in|hours?|minutes?)\b", ("in 2 hours", "tomorrow at 3pm")),
        (r"\d[/.-]\d", ("12/9 3pm", "2026-12-09 15:00")),
        ("MONTH", ("Dec 9 at 3pm", "3pm Dec 9")),
        ("WEEKDAY", ("Friday at 2pm", "next Tuesday 9:30am")),
        (r"\b(tomorrow|today|tonight)\b", ("tomorrow at 3pm", "tonight at 7:30")),
        (r"\d", ("Dec 9 at 3pm", "tomorrow 15:00")),
    ],
    "duration": [
        (r"\d[.:]\d|\bh", ("1h30", "1.5 hours")),
        (r"\bm", ("45 minutes", "90m")),
    ],
    "repeat": [
        (r"\buntil\b", ("weekly until Feb 25", "every other week until Mar 1")),
        (r"\bfor\b|\btimes\b", ("weekly for 6 weeks", "monthly, 3 times")),
    ],
}
_DEFAULTS = {
    "date": ("Dec 15", "in 2 weeks"),
    "moment": ("Dec 9 at 3pm", "tomorrow at 10am"),
    "duration": ("45 minutes", "1h30"),
    "repeat": ("weekly until Feb 25", "monthly for 3 months"),
}
_NAMES = {
    "WEEKDAY": r"\b(" + "|".join(WEEKDAYS) + r")\b",
    "MONTH": r"\b(" + "|".join(MONTHS) + r")\b",
}


def examples_near(text: str, kind: str) -> tuple[str, str]:
    """Two examples of `kind` written the way `text` seems to be trying to write it."""
    words = tidy(text)
    for pattern, examples in _NEAR.get(kind, []):
        if re.search(_NAMES.get(pattern, pattern), words):
            return examples
    return _DEFAULTS.get(kind, _DEFAULTS["date"])


def not_understood(text: str, kind: str) -> str:
    """“I couldn't read “…” as a date. Try “…” or “…”.”"""
    first, second = examples_near(text, kind)
    shown = " ".join(text.split()) or "nothing"
    return f"I couldn't read “{shown}” as {_LABELS.get(kind, kind)}. Try “{first}” or “{second}”."
