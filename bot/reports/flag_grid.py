"""The weekly summary's two warning flags (bot/summaries/flags.py) for every person and week at once.

The same rules as `flags_for`, on person × week arrays of moments in whole microseconds since 1970
(exact, unlike float timestamps; NEVER where there is none). tests/reports checks them against
`flags_for`, person by person, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from bot.summaries.flags import QUIET_AFTER, UNANSWERED_IN_A_ROW
from storage.checkins import LOW_WELLBEING

Moments = NDArray[np.int64]
Counts = NDArray[np.int64]
Marks = NDArray[np.bool_]

NEVER = np.iinfo(np.int64).min
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """A moment as whole microseconds since 1970."""
    return (moment - _EPOCH) // _MICROSECOND


@dataclass(frozen=True)
class Nudges:
    """Sent nudges in (person, sent) order: each one's person (grid row), moment and whether answered."""

    person: NDArray[np.intp]
    sent: Moments
    answered: Marks


def asked_for_help(need_help: Counts, wellbeing: Counts) -> Marks:
    """A "need help" answer, or a well-being of LOW_WELLBEING or below, in the week (wellbeing is
    person × week × score, scores from 1)."""
    return (need_help > 0) | (wellbeing[:, :, :LOW_WELLBEING].sum(axis=2) > 0)


def last_heard(activity: Moments, at: Moments) -> Moments:
    """The last sign of engagement before each week's `at` (NEVER: none); `activity` holds the last
    one in each week, column 0 the last one before the first week."""
    # Only the last week can end after `at` (its `at` is now): a later moment in it does not count.
    # That moment would count for a later week, but there is none.
    within = activity.copy()
    within[:, 1:] = np.where(activity[:, 1:] < at, activity[:, 1:], NEVER)
    return np.maximum.accumulate(within, axis=1)[:, 1:]


def gone_quiet(
    nudges: Nudges,
    at: Moments,
    heard: Moments,
    paired: Moments,
    excused: Sequence[Sequence[tuple[int, int]]],
) -> Marks:
    """The last UNANSWERED_IN_A_ROW nudges before `at` unanswered with nothing heard since the first
    of them, or QUIET_AFTER of silence (from the pairing if never heard) less excused stretches;
    `paired` is NEVER where the person was not a coachee (never flagged there)."""
    people = len(excused)
    since = np.where(heard != NEVER, heard, paired)
    since = np.where(paired != NEVER, since, at)  # not a coachee: no silence to measure
    silent = silent_time(since, np.broadcast_to(at, since.shape), excused)
    return _unanswered(nudges, people, at, heard) | (silent >= QUIET_AFTER // _MICROSECOND)


def _unanswered(nudges: Nudges, people: int, at: Moments, heard: Moments) -> Marks:
    weeks, run = len(at), UNANSWERED_IN_A_ROW
    if not len(nudges.sent):
        return np.zeros((people, weeks), np.bool_)
    # The week from which each nudge is "before at"; counted up, the nudges before each week's at.
    first_week = np.searchsorted(at, nudges.sent, side="right")
    tally = np.zeros((people, weeks + 1), np.int64)
    np.add.at(tally, (nudges.person, first_week), 1)
    before = np.cumsum(tally[:, :weeks], axis=1)
    first = np.searchsorted(nudges.person, np.arange(people), side="left")
    end = first[:, None] + before  # one past each person's last nudge before at
    enough = before >= run
    start = np.where(enough, end - run, 0)
    answers = np.concatenate(([0], np.cumsum(nudges.answered, dtype=np.int64)))
    none_answered = answers[end] - answers[start] == 0
    oldest = nudges.sent[start]
    return enough & none_answered & ((heard == NEVER) | (heard < oldest))


def silent_time(start: Moments, end: Moments, excused: Sequence[Sequence[tuple[int, int]]]) -> Moments:
    """From start to end (never below zero) less the parts inside each person's excused stretches."""
    low, high = _merged(excused)
    total = np.maximum(end - start, 0)
    if not low.shape[1]:
        return total
    length = (high - low)[:, None, :]

    def covered_by(moment: Moments) -> Moments:
        return np.clip(moment[:, :, None] - low[:, None, :], 0, length).sum(axis=2)

    return total - np.where(end > start, covered_by(end) - covered_by(start), 0)


def _merged(excused: Sequence[Sequence[tuple[int, int]]]) -> tuple[Moments, Moments]:
    """Each person's stretches as disjoint (start, end) columns, padded with empty ones."""
    merged = [_union(stretches) for stretches in excused]
    width = max((len(stretches) for stretches in merged), default=0)
    low = np.zeros((len(merged), width), np.int64)
    high = np.zeros((len(merged), width), np.int64)
    for row, stretches in enumerate(merged):
        for column, (begin, finish) in enumerate(stretches):
            low[row, column], high[row, column] = begin, finish
    return low, high


def _union(stretches: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    union: list[tuple[int, int]] = []
    for begin, finish in sorted(s for s in stretches if s[1] > s[0]):
        if union and begin <= union[-1][1]:
            union[-1] = (union[-1][0], max(union[-1][1], finish))
        else:
            union.append((begin, finish))
    return union
