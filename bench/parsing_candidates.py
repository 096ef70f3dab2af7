"""The libraries weighed for reading dates (issue 16), as adapters onto the date corpus.

Not dependencies: `pip install dateparser parsedatetime` to run `python bench/parsing.py --compare`.
Each gets the corpus's "now", zone and day-first locale; neither ever asks, so every "ask" case
counts against it, and bench/parsing.py also prints the share right ignoring questions.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.platform.dates.words import is_day_first
from tests.platform.corpus import Case, Outcome, moment_notation


def candidates() -> Iterator[tuple[str, Callable[[Case], Outcome]]]:
    if importlib.util.find_spec("dateparser"):
        yield "dateparser", _via_dateparser
    if importlib.util.find_spec("parsedatetime"):
        yield "parsedatetime", _via_parsedatetime


def _via_dateparser(case: Case) -> Outcome:
    import dateparser
    from dateparser.search import search_dates

    settings: dict[str, Any] = {
        "TIMEZONE": case.now.tz,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": case.now.at.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY" if is_day_first(case.now.locale) else "MDY",
    }
    try:
        if case.kind in {"date", "moment"}:
            found = dateparser.parse(case.text, settings=settings, languages=["en"])
            if found is None:
                return Outcome(None)
            return Outcome(
                found.date().isoformat() if case.kind == "date" else moment_notation(found, case.now.tz)
            )
        if case.kind == "duration":
            found = dateparser.parse(
                "in " + case.text.removeprefix("for "), settings=settings, languages=["en"]
            )
            return Outcome(None if found is None else str(int((found - case.now.at).total_seconds() // 60)))
        if case.kind == "goal":
            hits = search_dates(case.text, settings=settings, languages=["en"])
            if not hits:
                return Outcome(f"{case.text} | -")
            words, found = hits[-1]
            return Outcome(f"{case.text.replace(words, '').strip()} | {found.date()}")
    except Exception:  # a library error is a refusal here
        return Outcome(None)
    return Outcome(None)  # repeats: not something it reads


_CALENDARS: dict[bool, Any] = {}


def _via_parsedatetime(case: Case) -> Outcome:
    import parsedatetime

    day_first = is_day_first(case.now.locale)
    if day_first not in _CALENDARS:
        constants = parsedatetime.Constants("en_GB" if day_first else "en_US")
        _CALENDARS[day_first] = parsedatetime.Calendar(constants, version=parsedatetime.VERSION_CONTEXT_STYLE)
    calendar = _CALENDARS[day_first]
    source: datetime = case.now.at.replace(tzinfo=None)
    try:
        if case.kind in {"date", "moment"}:
            found, context = calendar.parseDT(case.text, sourceTime=source)
            if not context.hasDateOrTime or (case.kind == "moment" and not context.hasTime):
                return Outcome(None)
            if case.kind == "date":
                return Outcome(found.date().isoformat())
            return Outcome(moment_notation(found.replace(tzinfo=ZoneInfo(case.now.tz)), case.now.tz))
        if case.kind == "duration":
            found, context = calendar.parseDT("in " + case.text.removeprefix("for "), sourceTime=source)
            return Outcome(
                str(int((found - source).total_seconds() // 60)) if context.hasDateOrTime else None
            )
        if case.kind == "goal":
            hits = calendar.nlp(case.text, sourceTime=source)
            if not hits:
                return Outcome(f"{case.text} | -")
            found, _flag, start, _end, _words = hits[-1]
            return Outcome(f"{case.text[:start].strip()} | {found.date()}")
    except Exception:  # a library error is a refusal here
        return Outcome(None)
    return Outcome(None)
