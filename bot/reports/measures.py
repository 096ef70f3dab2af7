"""The report's measures per person, cohort and ISO week, from seven workspace-wide queries.

Weeks are ISO weeks in the program's time zone. A person counts in a week when one of their
coaching pairings (as coachee) was open at some moment of it, and in their current cohort.
The exact definitions are in docs/reports.md; what counts as completed or held is in definitions.py.
The rows are fetched once and laid out as person × week arrays: each measure is a few whole-array
operations (no loop over person-weeks), and a cohort's figures are sums over its people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from bot.reports.definitions import Outcome, goal_outcome, meeting_held
from bot.reports.flag_grid import (
    NEVER,
    Counts,
    Moments,
    Nudges,
    asked_for_help,
    gone_quiet,
    last_heard,
    micros,
)
from bot.reports.weeks import Week
from storage import reports as queries
from storage.summaries import excused_stretches

NO_COHORT = "(no cohort)"
ALL_COHORTS = "All cohorts"
WELLBEING_SCALE = range(1, 6)
_GOAL_COUNTS = {
    None: "goals_set",
    Outcome.COMPLETED: "goals_completed",
    Outcome.CLOSED_NOT_ACHIEVED: "goals_closed_not_achieved",
    Outcome.DROPPED: "goals_dropped",
}


@dataclass(slots=True)
class Figures:
    """Raw counts for one group (a person, or a cohort) in one week, before any suppression."""

    cohort: str
    week: Week
    coachees: int = 0
    nudged: int = 0  # people sent at least one nudge
    nudges_sent: int = 0
    nudges_answered: int = 0
    sessions_held: int = 0
    goals_set: int = 0
    goals_completed: int = 0
    goals_closed_not_achieved: int = 0
    goals_dropped: int = 0
    asked_for_help: int = 0
    gone_quiet: int = 0
    wellbeing_respondents: int = 0
    wellbeing: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])

    def add(self, other: Figures) -> None:
        """Fold another group's counts (one person's, one cohort's) into these."""
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.wellbeing = [a + b for a, b in zip(self.wellbeing, other.wellbeing, strict=True)]


COUNTS = [name for name in Figures.__dataclass_fields__ if name not in {"cohort", "week", "wellbeing"}]


@dataclass(frozen=True)
class PersonWeek:
    """One coachee's figures in one week (person-level rows only ever leave as pseudonyms)."""

    person_id: int
    user_id: str
    figures: Figures


@dataclass(frozen=True)
class Grid:
    """Every coachee's counts as person × week arrays (all zero in a week they were not a coachee)."""

    person_ids: list[int]
    user_ids: list[str]
    cohorts: list[str]  # each person's
    counts: dict[str, Counts]  # a Figures count → people × weeks
    wellbeing: Counts  # people × weeks × score


@dataclass(frozen=True)
class Measures:
    """The cohort × week totals, and each coachee's weeks behind them."""

    weeks: list[Week]
    cohorts: list[str]
    by_cohort: dict[tuple[str, int], Figures]
    grid: Grid | None = None

    def cohort_week(self, cohort: str, index: int) -> Figures:
        return self.by_cohort.get((cohort, index)) or Figures(cohort, self.weeks[index])

    @property
    def people(self) -> list[PersonWeek]:
        """Each coachee's figures in each week they were one (built only when asked for)."""
        grid = self.grid
        if grid is None:
            return []
        rows, columns = np.nonzero(grid.counts["coachees"])
        return [
            PersonWeek(
                grid.person_ids[p], grid.user_ids[p], _figures(grid, grid.cohorts[p], self.weeks[w], p, w)
            )
            for p, w in zip(rows.tolist(), columns.tolist(), strict=True)
        ]


def _figures(grid: Grid, cohort: str, week: Week, *at: int) -> Figures:
    counts = {name: int(grid.counts[name][at]) for name in COUNTS}
    return Figures(cohort, week, **counts, wellbeing=[int(n) for n in grid.wellbeing[at]])


def measure(session: Session, team_id: str, weeks: list[Week], now: datetime) -> Measures:
    """The measures for these consecutive weeks (those not yet begun at `now` are left out)."""
    weeks = [week for week in weeks if week.starts < now]
    spans = queries.spans(session, team_id, weeks[0].starts, weeks[-1].ends) if weeks else []
    if not spans:
        return Measures(weeks, [], {})
    bounds = [week.starts for week in weeks] + [weeks[-1].ends]
    start, end = bounds[0], bounds[-1]
    person_ids = list(dict.fromkeys(span.person_id for span in spans))  # in id order
    first = {span.person_id: span for span in reversed(spans)}
    ids = np.array(person_ids, np.int64)
    edges = np.array([micros(bound) for bound in bounds], np.int64)
    at = np.minimum(edges[1:], micros(now))  # flags stand at each week's end, or now if sooner
    shape = (len(person_ids), len(weeks))
    paired = _paired(spans, ids, edges, at)
    coachee = paired != NEVER
    counts: dict[str, Counts] = {name: np.zeros(shape, np.int64) for name in COUNTS}

    sent = queries.sent_nudges(session, team_id, start, end)
    row, found = _locate(ids, sent.person_id)
    nudges = Nudges(row[found], _array(sent.sent)[found], np.array(sent.answered, np.bool_)[found])
    week = np.searchsorted(edges, nudges.sent, side="right") - 1
    np.add.at(counts["nudges_sent"], *_inside(nudges.person, week, shape))
    np.add.at(counts["nudges_answered"], *_inside(nudges.person, week, shape, nudges.answered))
    counts["nudged"] = (counts["nudges_sent"] > 0).astype(np.int64)

    activity = np.full((shape[0], shape[1] + 1), NEVER, np.int64)  # column 0: before the weeks
    checkins = queries.checkin_weeks(session, team_id, bounds, WELLBEING_SCALE)
    row, found = _locate(ids, checkins.person_id)
    row, week = row[found], _array(checkins.week)[found]
    activity[row, week + 1] = _array(checkins.last_at)[found]
    within = week >= 0  # (person, week) pairs come once each: plain assignment
    row, week = row[within], week[within]
    need_help = np.zeros(shape, np.int64)
    need_help[row, week] = _array(checkins.need_help)[found][within]
    wellbeing = np.zeros((*shape, len(WELLBEING_SCALE)), np.int64)
    for score, column in enumerate(checkins.wellbeing):
        wellbeing[row, week, score] = _array(column)[found][within]
    note_person, note_week, note_at = queries.note_activity(session, team_id, bounds)
    row, found = _locate(ids, note_person)
    np.maximum.at(activity, (row[found], _array(note_week)[found] + 1), _array(note_at)[found])

    index = {person_id: p for p, person_id in enumerate(person_ids)}
    for goal in queries.goal_counts(session, team_id, bounds):
        if (p := index.get(goal.person_id)) is not None:
            counts[_GOAL_COUNTS[goal_outcome(goal.closed_status)]][p, goal.week] += goal.count
    for meeting in queries.meeting_counts(session, team_id, bounds):
        if (p := index.get(meeting.person_id)) is not None and meeting_held(
            meeting.status, meeting.attendance
        ):
            counts["sessions_held"][p, meeting.week] += meeting.count

    stretches = excused_stretches(session, team_id, person_ids)
    excused = [[(micros(a), micros(b)) for a, b in stretches[person_id]] for person_id in person_ids]
    counts["asked_for_help"] = asked_for_help(need_help, wellbeing).astype(np.int64)
    heard = last_heard(activity, at)
    counts["gone_quiet"] = gone_quiet(nudges, at, heard, paired, excused).astype(np.int64)
    counts["wellbeing_respondents"] = (wellbeing.sum(axis=2) > 0).astype(np.int64)
    counts["coachees"] = coachee.astype(np.int64)
    for name in COUNTS:
        counts[name] *= coachee
    wellbeing *= coachee[:, :, None]
    cohort_of = [first[person_id].cohort or NO_COHORT for person_id in person_ids]
    grid = Grid(
        person_ids, [first[person_id].user_id for person_id in person_ids], cohort_of, counts, wellbeing
    )
    cohorts = sorted(set(cohort_of), key=lambda c: (c == NO_COHORT, c))
    return Measures(weeks, cohorts, _by_cohort(grid, cohorts, weeks), grid)


def _by_cohort(grid: Grid, cohorts: list[str], weeks: list[Week]) -> dict[tuple[str, int], Figures]:
    """Each cohort's sums, for the weeks it had coachees in."""
    names = np.array(grid.cohorts, dtype=object)
    out: dict[tuple[str, int], Figures] = {}
    for cohort in cohorts:
        members = names == cohort
        sums = Grid(
            [],
            [],
            [],
            {k: v[members].sum(axis=0) for k, v in grid.counts.items()},
            grid.wellbeing[members].sum(axis=0),
        )
        for w, week in enumerate(weeks):
            if sums.counts["coachees"][w]:
                out[(cohort, w)] = _figures(sums, cohort, week, w)
    return out


def _paired(spans: Sequence[queries.Span], ids: NDArray[np.int64], edges: Moments, at: Moments) -> Moments:
    """When each coachee's pairing began, as the flags see it in each week (NEVER: not a coachee):
    the latest open pairing made before the week's `at`, else the earliest one open in the week."""
    starts, ends = edges[:-1], edges[1:]
    latest = np.full((len(ids), len(at)), NEVER, np.int64)
    earliest = np.full((len(ids), len(at)), NEVER, np.int64)
    rows, _ = _locate(ids, [span.person_id for span in spans])
    for p, span in zip(rows.tolist(), spans, strict=True):  # in order of creation, per person
        opened = micros(span.opened)
        closed = np.iinfo(np.int64).max if span.closed is None else micros(span.closed)
        open_now = (starts < closed) & (ends > opened)
        earliest[p] = np.where(open_now & (earliest[p] == NEVER), opened, earliest[p])
        latest[p] = np.where(open_now & (opened < at), np.maximum(latest[p], opened), latest[p])
    return np.where(latest != NEVER, latest, earliest)


def _array(values: Sequence[int]) -> Counts:
    return np.array(values, np.int64)


def _locate(ids: NDArray[np.int64], person_ids: Sequence[int]) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Each person id's row in the grid (ids sorted), and whether it has one."""
    wanted = np.array(person_ids, np.int64)
    row = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    return row, ids[row] == wanted


def _inside(
    person: NDArray[np.intp],
    week: NDArray[np.intp],
    shape: tuple[int, int],
    weight: NDArray[np.bool_] | None = None,
) -> tuple[tuple[NDArray[np.intp], NDArray[np.intp]], NDArray[np.int64]]:
    """np.add.at's arguments for the rows that fall inside the weeks."""
    inside = (week >= 0) & (week < shape[1])
    values = np.ones(len(week), np.int64) if weight is None else weight.astype(np.int64)
    return (person[inside], week[inside]), values[inside]
