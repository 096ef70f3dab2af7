"""Every coachee's weekly figures as person × week arrays, from rows fetched once.

Each measure is a few whole-array operations (no loop over person-weeks); a cohort's figures are
sums over its people's rows. Moments are whole microseconds since 1970, as the queries return them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from bot.reports.definitions import Outcome, goal_outcome, meeting_held
from bot.reports.flag_grid import (
    NEVER,
    Counts,
    Marks,
    Moments,
    Nudges,
    asked_for_help,
    gone_quiet,
    last_heard,
    micros,
)
from bot.reports.measures import COUNTS, NO_COHORT, WELLBEING_SCALE, Figures, PersonWeek
from bot.reports.weeks import Week
from storage import reports as queries
from storage.summaries import excused_stretches

_GOAL_COUNTS = {
    None: "goals_set",
    Outcome.COMPLETED: "goals_completed",
    Outcome.CLOSED_NOT_ACHIEVED: "goals_closed_not_achieved",
    Outcome.DROPPED: "goals_dropped",
}


@dataclass(frozen=True)
class Grid:
    """Every coachee's counts as person × week arrays (all zero in a week they were not a coachee)."""

    person_ids: list[int]
    user_ids: list[str]
    cohorts: list[str]  # each person's
    counts: dict[str, Counts]  # a Figures count → people × weeks
    wellbeing: Counts  # people × weeks × score

    def person_weeks(self, weeks: list[Week]) -> list[PersonWeek]:
        """One row per coachee and week they were one, in person order."""
        rows, columns = np.nonzero(self.counts["coachees"])
        return [
            PersonWeek(self.person_ids[p], self.user_ids[p], self._figures(self.cohorts[p], weeks[w], p, w))
            for p, w in zip(rows.tolist(), columns.tolist(), strict=True)
        ]

    def by_cohort(self, cohorts: list[str], weeks: list[Week]) -> dict[tuple[str, int], Figures]:
        """Each cohort's sums, for the weeks it had coachees in."""
        names = np.array(self.cohorts, dtype=object)
        out: dict[tuple[str, int], Figures] = {}
        for cohort in cohorts:
            members = names == cohort
            sums = Grid(
                [],
                [],
                [],
                {name: counts[members].sum(axis=0) for name, counts in self.counts.items()},
                self.wellbeing[members].sum(axis=0),
            )
            for w, week in enumerate(weeks):
                if sums.counts["coachees"][w]:
                    out[(cohort, w)] = sums._figures(cohort, week, w)
        return out

    def _figures(self, cohort: str, week: Week, *at: int) -> Figures:
        counts = {name: int(self.counts[name][at]) for name in COUNTS}
        return Figures(cohort, week, **counts, wellbeing=[int(n) for n in self.wellbeing[at]])


def measure_grid(
    session: Session, team_id: str, weeks: list[Week], now: datetime, spans: Sequence[queries.Span]
) -> Grid:
    """The grid of these weeks (all begun by `now`) for the coachees of these pairings."""
    bounds = [week.starts for week in weeks] + [weeks[-1].ends]
    person_ids = list(dict.fromkeys(span.person_id for span in spans))  # in id order
    first = {span.person_id: span for span in reversed(spans)}
    ids = np.array(person_ids, np.int64)
    edges = _array([micros(bound) for bound in bounds])
    at = np.minimum(edges[1:], micros(now))  # flags stand at each week's end, or now if sooner
    shape = (len(person_ids), len(weeks))
    paired = _paired(spans, ids, edges, at)
    coachee = paired != NEVER
    counts: dict[str, Counts] = {name: np.zeros(shape, np.int64) for name in COUNTS}

    sent = queries.sent_nudges(session, team_id, bounds[0], bounds[-1])
    row, found = _locate(ids, sent.person_id)
    nudges = Nudges(row[found], _array(sent.sent)[found], np.array(sent.answered, np.bool_)[found])
    week = np.searchsorted(edges, nudges.sent, side="right") - 1
    inside = (week >= 0) & (week < shape[1])
    np.add.at(counts["nudges_sent"], (nudges.person[inside], week[inside]), 1)
    np.add.at(counts["nudges_answered"], (nudges.person[inside], week[inside]), nudges.answered[inside])
    counts["nudged"] = _marks(counts["nudges_sent"] > 0)

    activity = np.full((shape[0], shape[1] + 1), NEVER, np.int64)  # column 0: before the weeks
    need_help, wellbeing = _checkins(
        queries.checkin_weeks(session, team_id, bounds, WELLBEING_SCALE), ids, activity
    )
    note_person, note_week, note_at = queries.note_activity(session, team_id, bounds)
    row, found = _locate(ids, note_person)
    np.maximum.at(activity, (row[found], _array(note_week)[found] + 1), _array(note_at)[found])

    index = {person_id: p for p, person_id in enumerate(person_ids)}
    for goal in queries.goal_counts(session, team_id, bounds):
        if (p := index.get(goal.person_id)) is not None:
            counts[_GOAL_COUNTS[goal_outcome(goal.closed_status)]][p, goal.week] += goal.count
    for meeting in queries.meeting_counts(session, team_id, bounds):
        held = meeting_held(meeting.status, meeting.attendance)
        if held and (p := index.get(meeting.person_id)) is not None:
            counts["sessions_held"][p, meeting.week] += meeting.count

    stretches = excused_stretches(session, team_id, person_ids)
    excused = [[(micros(a), micros(b)) for a, b in stretches[person_id]] for person_id in person_ids]
    counts["asked_for_help"] = _marks(asked_for_help(need_help, wellbeing))
    counts["gone_quiet"] = _marks(gone_quiet(nudges, at, last_heard(activity, at), paired, excused))
    counts["wellbeing_respondents"] = _marks(wellbeing.sum(axis=2) > 0)
    counts["coachees"] = _marks(coachee)
    for name in COUNTS:
        counts[name] *= coachee
    wellbeing *= coachee[:, :, None]
    users = [first[person_id].user_id for person_id in person_ids]
    cohorts = [first[person_id].cohort or NO_COHORT for person_id in person_ids]
    return Grid(person_ids, users, cohorts, counts, wellbeing)


def _checkins(
    checkins: queries.CheckInWeeks, ids: NDArray[np.int64], activity: Moments
) -> tuple[Counts, Counts]:
    """ "Need help" answers per person and week, and well-being answers per person, week and score;
    the last check-in of each week goes into `activity`."""
    need_help = np.zeros(activity[:, 1:].shape, np.int64)
    wellbeing = np.zeros((*need_help.shape, len(WELLBEING_SCALE)), np.int64)
    row, found = _locate(ids, checkins.person_id)
    row, week = row[found], _array(checkins.week)[found]
    activity[row, week + 1] = _array(checkins.last_at)[found]
    within = week >= 0  # each (person, week) comes once: plain assignment
    row, week = row[within], week[within]
    need_help[row, week] = _array(checkins.need_help)[found][within]
    for score, column in enumerate(checkins.wellbeing):
        wellbeing[row, week, score] = _array(column)[found][within]
    return need_help, wellbeing


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


def _marks(marks: Marks) -> Counts:
    return marks.astype(np.int64)


def _locate(ids: NDArray[np.int64], person_ids: Sequence[int]) -> tuple[NDArray[np.intp], Marks]:
    """Each person id's row in the grid (ids sorted), and whether it has one."""
    wanted = _array(person_ids)
    row = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    return row, ids[row] == wanted
