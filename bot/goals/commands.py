"""Parsing `/goal …` text into a command; pure, so every form is easy to test."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from storage.models import Cadence

GOAL_HELP = """*Your goals with coachbot*
• `/goal` or `/goal new` — open the new-goal form
• `/goal add <goal> [by <date>]` — add a goal quickly, e.g. `/goal add Do 40 practice questions a week by Dec 20`
• `/goal list` — your active goals
• `/goal done 2` · `/goal drop 2` · `/goal reopen 2` · `/goal edit 2` (several at once: `/goal done 1 3`)
• `/goal close 2` — close a goal, saying whether you got there
• `/goal delete 2` — remove a goal typed by mistake (it is counted nowhere)
• `/goal progress 2 <note>` — log progress, e.g. `/goal progress 2 Finished chapter 4`
• `/goal cadence 2 daily|weekly|biweekly|off` — how often coachbot checks in
Dates: 2026-12-15, Dec 15, 12/15, 15 December 2026, tomorrow, next Friday, in 2 weeks."""

StatusVerb = Literal["done", "drop", "reopen"]
# Every word a person might use for a verb, and the verb it means.
SYNONYMS = {
    "new": "new", "create": "new",
    "help": "help", "?": "help",
    "list": "list", "ls": "list", "show": "list",
    "add": "add",
    "done": "done", "complete": "done", "completed": "done", "finish": "done", "finished": "done",
    "achieved": "done",
    "close": "close",
    "drop": "drop", "abandon": "drop",
    "reopen": "reopen", "restore": "reopen",
    "delete": "delete", "remove": "delete", "rm": "delete", "del": "delete", "erase": "delete",
    "edit": "edit", "change": "edit", "update": "edit",
    "progress": "progress",
    "cadence": "cadence", "frequency": "cadence",
}  # fmt: skip
# What "Did you mean …?" offers when the word is like none of the verbs.
COMMON_VERBS = ("done", "close", "drop", "delete")
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
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class CloseGoal:
    """Ask "Did you get there?" before closing."""

    number: int


@dataclass(frozen=True)
class DeleteGoal:
    """Ask to confirm, then remove the goals outright."""

    numbers: tuple[int, ...]


@dataclass(frozen=True)
class DidYouMean:
    """A first word that reads like a verb the bot does not know, followed by goal numbers."""

    word: str
    numbers: tuple[int, ...]
    suggestions: tuple[str, ...]


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
    OpenNewGoal
    | ShowHelp
    | ListGoals
    | AddGoal
    | ChangeStatus
    | CloseGoal
    | DeleteGoal
    | DidYouMean
    | EditGoal
    | LogProgress
    | SetCadence
)

_NUMBER = re.compile(r"^#?(\d{1,6})$")
_WORD = re.compile(r"^[a-z]{2,20}$")


def _number(word: str | None) -> int | None:
    match = _NUMBER.match(word or "")
    return int(match.group(1)) if match else None


def _numbers(words: list[str]) -> tuple[int, ...] | None:
    numbers = [_number(word) for word in words]
    return tuple(n for n in numbers if n is not None) if words and None not in numbers else None


def _suggestions(word: str) -> tuple[str, ...]:
    close = difflib.get_close_matches(word, SYNONYMS, n=6, cutoff=0.6)
    verbs = [v for v in dict.fromkeys(SYNONYMS[w] for w in close) if v in {*COMMON_VERBS, "reopen"}]
    return tuple(verbs[:3]) or COMMON_VERBS


def parse_goal_command(text: str) -> GoalCommand:
    """Read the text after `/goal`; anything malformed becomes ShowHelp with what was wrong.

    A synonym that does not read as a command starts a goal instead ("complete 3 chapters by Friday").
    """
    text = " ".join(text.split())
    parsed = _parse(text)
    head = text.partition(" ")[0].lower()
    if isinstance(parsed, ShowHelp) and parsed.problem and SYNONYMS.get(head) not in {None, head}:
        return AddGoal(text)
    return parsed


def _parse(text: str) -> GoalCommand:
    if not text:
        return OpenNewGoal()
    head, _, rest = text.partition(" ")
    word = head.lower()
    verb = SYNONYMS.get(word)
    if verb is None:
        numbers = _numbers(rest.split(" ")) if rest else None
        if numbers and _WORD.match(word):
            return DidYouMean(word, numbers, _suggestions(word))
        return AddGoal(text)
    if verb == "new":
        return OpenNewGoal() if not rest else AddGoal(rest)
    if verb == "help":
        return ShowHelp()
    if verb == "list":
        return ListGoals() if not rest else ShowHelp(f"`/goal {word}` takes nothing after it.")
    if verb == "add":
        return AddGoal(rest) if rest else ShowHelp("Write the goal after `/goal add`.")
    if verb in {"done", "drop", "reopen", "delete"}:
        numbers = _numbers(rest.split(" ")) if rest else None
        if not numbers:
            return ShowHelp(
                f"`/goal {word}` needs a goal number, e.g. `/goal {word} 2` (or several: `/goal {word} 1 3`)."
            )
        if verb == "delete":
            return DeleteGoal(tuple(dict.fromkeys(numbers)))
        status_verb: StatusVerb = verb  # type: ignore[assignment]
        return ChangeStatus(status_verb, tuple(dict.fromkeys(numbers)))
    number_word, _, tail = rest.partition(" ")
    number = _number(number_word)
    if number is None:
        return ShowHelp(f"`/goal {word}` needs a goal number, e.g. `/goal {word} 2`.")
    if verb in {"edit", "close"}:
        if tail:
            return ShowHelp(f"`/goal {word} {number}` takes nothing after the number.")
        return EditGoal(number) if verb == "edit" else CloseGoal(number)
    if verb == "progress":
        if not tail:
            return ShowHelp(
                f"Write the note after the number, e.g. `/goal {word} {number} Finished chapter 4`."
            )
        return LogProgress(number, tail)
    cadence = CADENCE_WORDS.get(tail.lower())
    if cadence is None:
        return ShowHelp(f"Choose a cadence: `/goal cadence {number} daily|weekly|biweekly|off`.")
    return SetCadence(number, cadence)
