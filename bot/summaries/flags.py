"""The three flags of a weekly summary, their rules, and the open questions a coach could ask."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from storage.checkins import LOW_WELLBEING
from storage.models.checkins import NudgeAnswer

QUIET_AFTER = timedelta(days=14)
UNANSWERED_IN_A_ROW = 3
GOALS_FOR_A_ROLL = 2


class Flag(enum.StrEnum):
    ASKED_FOR_HELP = "asked for help"
    GONE_QUIET = "gone quiet"
    ON_A_ROLL = "on a roll"


EMOJI = {Flag.ASKED_FOR_HELP: "🆘", Flag.GONE_QUIET: "🔕", Flag.ON_A_ROLL: "🚀"}

RULES = {
    Flag.GONE_QUIET: "no sign of engagement (a nudge answer, check-in, progress note, reflection, "
    "session held or goal change) for 14 days, not counting program quiet periods or their own pause; "
    "or the last three nudges unanswered and nothing else since",
    Flag.ASKED_FOR_HELP: "answered “need help” this week, or rated well-being 1 or 2",
    Flag.ON_A_ROLL: "completed two or more goals this week, or answered every nudge “on track”; "
    "never with gone quiet",
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
    last_activity: datetime | None  # any sign of engagement, of any kind
    last_nudges: Sequence[tuple[datetime, bool]]  # (sent at, answered), newest first
    week_nudges_on_track: Sequence[bool]  # one per nudge sent this week
    week_answers: Sequence[NudgeAnswer]
    week_wellbeing: Sequence[int]
    goals_done_this_week: int
    # Program quiet periods and the person's own pause: these stretches do not count as silence.
    excused: Sequence[tuple[datetime, datetime]] = field(default_factory=tuple)


def flags_for(signals: Signals) -> list[Flag]:
    """The coachee's flags, most urgent first."""
    return list(flag_reasons(signals))


def flag_reasons(signals: Signals) -> dict[Flag, str]:
    """Each flag the coachee carries, most urgent first, with why in a few words."""
    flags: dict[Flag, str] = {}
    help_asked = sum(1 for a in signals.week_answers if a == NudgeAnswer.NEED_HELP)
    low = [w for w in signals.week_wellbeing if w <= LOW_WELLBEING]
    if help_asked:
        flags[Flag.ASKED_FOR_HELP] = f"answered “need help” {_times(help_asked)} this week"
    elif low:
        flags[Flag.ASKED_FOR_HELP] = f"well-being {min(low)}/5 this week"
    quiet = _gone_quiet(signals)
    if quiet:
        flags[Flag.GONE_QUIET] = quiet
        return flags  # never with its opposite
    on_track = [t for t in signals.week_nudges_on_track]
    if signals.goals_done_this_week >= GOALS_FOR_A_ROLL:
        flags[Flag.ON_A_ROLL] = f"{signals.goals_done_this_week} goals completed this week"
    elif on_track and all(on_track) and not flags:
        flags[Flag.ON_A_ROLL] = f"every nudge this week on track ({len(on_track)})"
    return flags


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _day(moment: datetime) -> str:
    return f"{moment:%b} {moment.day}"


def silent_time(start: datetime, end: datetime, excused: Sequence[tuple[datetime, datetime]]) -> timedelta:
    """Time from start to end, less the parts inside excused stretches (overlaps counted once)."""
    total = max(end - start, timedelta(0))
    covered_until = start
    for begin, finish in sorted(excused):
        begin, finish = max(begin, covered_until), min(finish, end)
        if finish > begin:
            total -= finish - begin
            covered_until = finish
    return total


def _gone_quiet(signals: Signals) -> str | None:
    """Why the coachee counts as gone quiet, or None."""
    last = list(signals.last_nudges)[:UNANSWERED_IN_A_ROW]
    heard = signals.last_activity
    if len(last) == UNANSWERED_IN_A_ROW and not any(answered for _, answered in last):
        first = last[-1][0]
        if heard is None or heard < first:
            return f"no answer to {UNANSWERED_IN_A_ROW} nudges since {_day(first)}"
    # Silence counts from the pairing for someone who never showed any sign.
    heard_from = heard or signals.paired_at
    if silent_time(heard_from, signals.now, signals.excused) >= QUIET_AFTER:
        days = (signals.now - heard_from).days
        what = "nothing heard" if heard else "nothing heard since pairing"
        return f"{what} for {days} days, since {_day(heard_from)}"
    return None


def attention_rank(flags: Sequence[Flag]) -> int:
    """Sort key: asked for help, then gone quiet, then no flag, then on a roll."""
    ranks = [ORDER[f] for f in flags if f in ORDER]
    if ranks:
        return min(ranks)
    return 3 if Flag.ON_A_ROLL in flags else 2


def rules_text() -> str:
    """The rules in one context line: the legend of the first summary, and behind its button."""
    return " · ".join(f"{EMOJI[flag]} *{flag}*: {RULES[flag]}" for flag in Flag)


def legend_text() -> str:
    """What each flag means, one line each (the answer to "What do the flags mean?")."""
    return "*What the flags mean*\n" + "\n".join(f"{EMOJI[flag]} *{flag}*: {RULES[flag]}" for flag in Flag)
