"""The date corpus: phrasings with the reading expected for a fixed "now", and how a reading is judged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

CORPUS = Path(__file__).with_name("date_corpus.yaml")


@dataclass(frozen=True)
class Now:
    """Who reads and when: a zone, a local wall time, a Slack locale, the program's term ends."""

    name: str
    tz: str
    at: datetime
    locale: str
    terms: tuple[date, ...]


@dataclass(frozen=True)
class Case:
    now: Now
    kind: str
    text: str
    expected: str  # the reading, without the "ask " prefix; "" when an error is expected
    ask: bool
    error: bool


@dataclass(frozen=True)
class Outcome:
    """What a reader made of a case: its reading in the corpus's notation (None: refused), and whether it asked."""

    reading: str | None
    asked: bool = False


Reader = Callable[[Case], Outcome]


def load_cases(path: Path = CORPUS) -> list[Case]:
    raw = yaml.safe_load(path.read_text())
    nows = {
        name: Now(
            name=name,
            tz=spec["tz"],
            at=datetime.fromisoformat(spec["at"]).replace(tzinfo=ZoneInfo(spec["tz"])),
            locale=spec.get("locale", "en-US"),
            terms=tuple(spec.get("terms", ())),
        )
        for name, spec in raw["nows"].items()
    }
    cases = []
    for now_name, kind, text, expected in raw["cases"]:
        expected = str(expected)
        ask = expected.startswith("ask ")
        expected = expected.removeprefix("ask ")
        error = expected == "error"
        cases.append(Case(nows[now_name], kind, str(text), "" if error else expected, ask, error))
    return cases


def judge(case: Case, outcome: Outcome) -> bool:
    """Right when refused as expected, or the same reading with a question exactly when one is expected."""
    if case.error or outcome.reading is None:
        return case.error and outcome.reading is None
    if outcome.asked != case.ask:
        return False
    if case.kind == "moment" and len(case.expected) == 16:
        return outcome.reading[:16] == case.expected  # a wall time: the offset is the zone's business
    return outcome.reading == case.expected


def moment_notation(moment: datetime, tz: str) -> str:
    """“2027-03-14 09:00-05:00”: wall time in the zone and its offset."""
    return moment.astimezone(ZoneInfo(tz)).isoformat(sep=" ", timespec="minutes")


def score(cases: list[Case], reader: Reader) -> tuple[int, list[tuple[Case, Outcome]]]:
    """How many cases the reader gets right, and the ones it gets wrong."""
    wrong = []
    for case in cases:
        outcome = reader(case)
        if not judge(case, outcome):
            wrong.append((case, outcome))
    return len(cases) - len(wrong), wrong


def read_case(case: Case) -> Outcome:
    """The app's reader on one case, in the corpus's notation."""
    from bot.platform import dates

    reader = dates.Reader.of(case.now.tz, case.now.at, locale=case.now.locale, term_ends=case.now.terms)
    try:
        if case.kind == "date":
            day = dates.read_date(case.text, reader)
            return Outcome(day.value.isoformat(), day.needs_asking)
        if case.kind == "moment":
            moment = dates.read_moment(case.text, reader)
            return Outcome(moment_notation(moment.value, case.now.tz), moment.needs_asking)
        if case.kind == "duration":
            return Outcome(str(dates.read_duration(case.text)))
        if case.kind == "repeat":
            series = dates.read_repeat(case.text, reader)
            value = series.value
            end = f" until {value.until}" if value.until else f" x{value.count}" if value.count else ""
            return Outcome(f"{value.every}{end}", series.needs_asking)
        title, deadline = dates.split_deadline(case.text, reader)
        shown = deadline.value.isoformat() if deadline else "-"
        return Outcome(f"{title} | {shown}", bool(deadline and deadline.needs_asking))
    except dates.DateError:
        return Outcome(None)
