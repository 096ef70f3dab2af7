"""The vocabulary of dates: month and weekday names, number words, and tidying what was typed."""

from __future__ import annotations

import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed", "weds"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
# Slack locales that write the day before the month (12/11 is 12 November).
MONTH_FIRST_LOCALES = ("en-us", "en_us", "es-us", "en-ph", "en-ca")

_TIDY = [
    (re.compile(r"[,;]"), " "),
    (re.compile(r"\b(a|p)\.m\.?(?=\s|$)"), r"\1m"),
    (re.compile(r"\bmid-(?=[a-z])"), "mid "),
    (re.compile(r"(?<=\d)(st|nd|rd|th)\b"), ""),
    (re.compile(r"\b([a-z]{3,9})\.(?=\s|$)"), r"\1"),  # "Dec." and "Tues."
    (re.compile(r"\s+"), " "),
]


def tidy(text: str) -> str:
    """Lower case, ordinals and abbreviation dots dropped, “p.m.” as “pm”, one space between words."""
    text = text.strip().lower().replace("’", "'").replace("\u2013", "-").replace("\u2014", "-")
    for pattern, replacement in _TIDY:
        text = pattern.sub(replacement, text)
    return text.strip(" .")


def number(word: str) -> int | None:
    """3, “three”, “a” → the count; None for anything else."""
    if word.isdigit() and len(word) <= 4:
        return int(word)
    return NUMBER_WORDS.get(word)


def is_day_first(locale: str | None) -> bool:
    """Whether a person's Slack locale writes 12/11 for 12 November (unknown: month first, Slack's default)."""
    return bool(locale) and not str(locale).lower().startswith(MONTH_FIRST_LOCALES)
