"""The three flags of a weekly summary, their rules, and the open questions a coach could ask."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.checkins import LOW_WELLBEING
from storage.models.checkins import NudgeAnswer

QUIET_AFTER = timedelta(days=14)
GOALS_FOR_A_ROLL = 2


class Flag(enum.StrEnum):
    ASKED_FOR_HELP = "asked for help"
    GONE_QUIET = "gone quiet"
    ON_A_ROLL = "on a roll"


EMOJI = {Flag.ASKED_FOR_HELP: "🆘", Flag.GONE_QUIET: "🔕", Flag.ON_A_ROLL: "🚀"}

RULES = {
    Flag.GONE_QUIET: "no answer to the last two nudges, or no check-in or progress note for 14 days",
    Flag.ASKED_FOR_HELP: "answered “need help” this week, or rated well-being 1 or 2",
    Flag.ON_A_ROLL: "finished two or more goals this week, or answered every nudge “on track”",
}

QUESTIONS = {
    Flag.GONE_QUIET: (
        "What has your week been like?",
        "What would make checking in feel worthwhile for you?",
    ),
    Flag.ASKED_FOR_HELP: (
        "What feels hardest right now?",
        "What kind of support would help you most this week?",
    ),
    Flag.ON_A_ROLL: (
        "What made this week work so well?",
        "What would you like to stretch toward next?",
    ),
}

# Needing attention comes first; a coachee without a flag sits between help and celebration.
ORDER = {Flag.ASKED_FOR_HELP: 0, Flag.GONE_QUIET: 1}


@dataclass(frozen=True)
class Signals:
    """What the rules look at for one coachee; `since` is the start of the summary's week."""

    now: datetime
    since: datetime
    paired_at: datetime
    last_activity: datetime | None
    last_two_nudges_answered: Sequence[bool]  # newest first
    week_nudges_on_track: Sequence[bool]  # one per nudge sent this week
    week_answers: Sequence[NudgeAnswer]
    week_wellbeing: Sequence[int]
    goals_done_this_week: int


def flags_for(signals: Signals) -> list[Flag]:
    """The coachee's flags, most urgent first."""
    flags = []
    if any(a == NudgeAnswer.NEED_HELP for a in signals.week_answers) or any(
        w <= LOW_WELLBEING for w in signals.week_wellbeing
    ):
        flags.append(Flag.ASKED_FOR_HELP)
    if _gone_quiet(signals):
        flags.append(Flag.GONE_QUIET)
    on_track = bool(signals.week_nudges_on_track) and all(signals.week_nudges_on_track)
    if signals.goals_done_this_week >= GOALS_FOR_A_ROLL or (on_track and not flags):
        flags.append(Flag.ON_A_ROLL)
    return flags


def _gone_quiet(signals: Signals) -> bool:
    last_two = list(signals.last_two_nudges_answered)[:2]
    if len(last_two) == 2 and not any(last_two):
        return True
    # Silence counts from the pairing for someone who never checked in.
    heard_from = signals.last_activity or signals.paired_at
    return signals.now - heard_from >= QUIET_AFTER


def attention_rank(flags: Sequence[Flag]) -> int:
    """Sort key: asked for help, then gone quiet, then no flag, then on a roll."""
    ranks = [ORDER[f] for f in flags if f in ORDER]
    if ranks:
        return min(ranks)
    return 3 if Flag.ON_A_ROLL in flags else 2


def rules_text() -> str:
    """The rules in one context line, for the foot of every summary."""
    return " · ".join(f"{EMOJI[flag]} *{flag}*: {RULES[flag]}" for flag in Flag)
