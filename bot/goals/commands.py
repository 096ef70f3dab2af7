"""Parsing `/goal …` text into a command; pure, so every form is easy to test."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from storage.models import Cadence

GOAL_HELP = """*Your goals with coachbot*
• `/goal` or `/goal new` — open the new-goal form
• `/goal add <goal> [by <date>]` — add a goal quickly, e.g. `/goal add Do 40 practice questions a week by Dec 20`
• `/goal list` — your active goals
• `/goal done 2` · `/goal drop 2` · `/goal reopen 2` · `/goal edit 2`
• `/goal progress 2 <note>` — log progress, e.g. `/goal progress 2 Finished chapter 4`
• `/goal cadence 2 daily|weekly|biweekly|off` — how often coachbot checks in
Dates: 2026-12-15, Dec 15, 12/15, 15 December 2026, tomorrow, next Friday, in 2 weeks."""

StatusVerb = Literal["done", "drop", "reopen"]
CADENCE_WORDS = {
    "daily": Cadence.DAILY,
    "weekly": Cadence.WEEKLY,
    "biweekly": Cadence.BIWEEKLY,
    "fortnightly": Cadence.BIWEEKLY,
    "off": Cadence.OFF,
    "none": Cadence.OFF,
}


@dataclass(frozen=True)
class OpenNewGoal:
    pass


@dataclass(frozen=True)
class ShowHelp:
    problem: str | None = None


@dataclass(frozen=True)
class ListGoals:
    pass


@dataclass(frozen=True)
class AddGoal:
    text: str


@dataclass(frozen=True)
class ChangeStatus:
    verb: StatusVerb
    number: int


@dataclass(frozen=True)
class EditGoal:
    number: int


@dataclass(frozen=True)
class LogProgress:
    number: int
    note: str


@dataclass(frozen=True)
class SetCadence:
    number: int
    cadence: Cadence


GoalCommand = (
    OpenNewGoal | ShowHelp | ListGoals | AddGoal | ChangeStatus | EditGoal | LogProgress | SetCadence
)

_NUMBER = re.compile(r"^#?(\d{1,6})$")
VERBS = {"new", "help", "list", "ls", "add", "done", "drop", "reopen", "edit", "progress", "cadence"}


def _number(word: str | None) -> int | None:
    match = _NUMBER.match(word or "")
    return int(match.group(1)) if match else None


def parse_goal_command(text: str) -> GoalCommand:
    """Read the text after `/goal`; anything malformed becomes ShowHelp with what was wrong."""
    text = " ".join(text.split())
    if not text:
        return OpenNewGoal()
    head, _, rest = text.partition(" ")
    verb = head.lower()
    if verb not in VERBS:
        return AddGoal(text)
    if verb == "new":
        return OpenNewGoal() if not rest else AddGoal(rest)
    if verb == "help":
        return ShowHelp()
    if verb in {"list", "ls"}:
        return ListGoals() if not rest else ShowHelp(f"`/goal {verb}` takes nothing after it.")
    if verb == "add":
        return AddGoal(rest) if rest else ShowHelp("Write the goal after `/goal add`.")
    number_word, _, tail = rest.partition(" ")
    number = _number(number_word)
    if number is None:
        return ShowHelp(f"`/goal {verb}` needs a goal number, e.g. `/goal {verb} 2`.")
    if verb in {"done", "drop", "reopen", "edit"}:
        if tail:
            return ShowHelp(f"`/goal {verb} {number}` takes nothing after the number.")
        if verb == "edit":
            return EditGoal(number)
        status_verb: StatusVerb = verb  # type: ignore[assignment]
        return ChangeStatus(status_verb, number)
    if verb == "progress":
        if not tail:
            return ShowHelp(
                f"Write the note after the number, e.g. `/goal progress {number} Finished chapter 4`."
            )
        return LogProgress(number, tail)
    cadence = CADENCE_WORDS.get(tail.lower())
    if cadence is None:
        return ShowHelp(f"Choose a cadence: `/goal cadence {number} daily|weekly|biweekly|off`.")
    return SetCadence(number, cadence)
