"""Small groups stay anonymous: which report figures may be shown, and which are "not shown".

Figures come in three families, each describing its own group of people: the cohort's coachees
(counts, sessions, goals, flags), the coachees sent a nudge (answer rate), and the coachees who
rated their well-being (its distribution). A family is not shown for a group smaller than the
minimum. A week's total is not shown either when subtracting the cohorts that are shown from it
would give the figures of hidden cohorts describing fewer than the minimum, together.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from bot.reports.measures import ALL_COHORTS, Figures, Measures
from bot.reports.weeks import Week


class Family(enum.Enum):
    PEOPLE = "coachees"
    ANSWERS = "coachees sent a nudge"
    WELLBEING = "coachees who rated their well-being"


def group_size(figures: Figures, family: Family) -> int:
    """How many people a family of figures describes."""
    if family is Family.ANSWERS:
        return figures.nudged
    if family is Family.WELLBEING:
        return figures.wellbeing_respondents
    return figures.coachees


class Hidden:
    """A figure about too few people: shown as "fewer than N — not shown"."""

    def __init__(self, min_group: int) -> None:
        self.text = f"fewer than {min_group} — not shown"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Hidden({self.text!r})"


Value = int | float | None | Hidden  # None: nothing to measure (no nudge sent, say)


def _share(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


# The report's columns after cohort and week, in order: name, family, how it is computed.
COLUMNS: list[tuple[str, Family, Callable[[Figures], int | float | None]]] = [
    ("coachees", Family.PEOPLE, lambda f: f.coachees),
    ("nudges_sent", Family.ANSWERS, lambda f: f.nudges_sent),
    ("nudges_answered", Family.ANSWERS, lambda f: f.nudges_answered),
    ("answer_rate_pct", Family.ANSWERS, lambda f: _share(f.nudges_answered, f.nudges_sent)),
    ("sessions_held", Family.PEOPLE, lambda f: f.sessions_held),
    ("goals_set", Family.PEOPLE, lambda f: f.goals_set),
    ("goals_completed", Family.PEOPLE, lambda f: f.goals_completed),
    ("goals_closed_not_achieved", Family.PEOPLE, lambda f: f.goals_closed_not_achieved),
    ("goals_dropped", Family.PEOPLE, lambda f: f.goals_dropped),
    ("asked_for_help_pct", Family.PEOPLE, lambda f: _share(f.asked_for_help, f.coachees)),
    ("gone_quiet_pct", Family.PEOPLE, lambda f: _share(f.gone_quiet, f.coachees)),
    ("wellbeing_answers", Family.WELLBEING, lambda f: sum(f.wellbeing)),
    *[
        (f"wellbeing_{score}", Family.WELLBEING, lambda f, s=score: f.wellbeing[s - 1])
        for score in range(1, 6)
    ],
]
COLUMN_NAMES = ["cohort", "week", "week_starts", *[name for name, _, _ in COLUMNS]]


@dataclass(frozen=True)
class Row:
    """One cohort (or the total) in one week, as it may be shown."""

    cohort: str
    week: Week
    values: dict[str, Value]

    def shown(self, name: str) -> bool:
        return not isinstance(self.values[name], Hidden)


@dataclass(frozen=True)
class Table:
    """The shown report: per week, each cohort's row and then (unless filtered) the total's."""

    weeks: list[Week]
    cohorts: list[str]
    rows: list[Row]
    min_group: int

    def row(self, cohort: str, week: Week) -> Row | None:
        return next((r for r in self.rows if r.cohort == cohort and r.week == week), None)


def _row(figures: Figures, visible: dict[Family, bool], min_group: int) -> Row:
    hidden = Hidden(min_group)
    values: dict[str, Value] = {
        name: compute(figures) if visible[family] else hidden for name, family, compute in COLUMNS
    }
    return Row(figures.cohort, figures.week, values)


def suppress(measures: Measures, min_group: int, cohort: str | None = None) -> Table:
    """The table a reader may see; `cohort` keeps that cohort's rows only (and no total)."""
    cohorts = [c for c in measures.cohorts if cohort is None or c == cohort]
    rows: list[Row] = []
    for index, week in enumerate(measures.weeks):
        cells = [measures.cohort_week(c, index) for c in measures.cohorts]
        for cell in cells:
            if cell.cohort in cohorts:
                rows.append(_row(cell, {f: group_size(cell, f) >= min_group for f in Family}, min_group))
        if cohort is not None:
            continue
        total = Figures(ALL_COHORTS, week)
        for cell in cells:
            total.add(cell)
        rows.append(_row(total, {f: _total_visible(cells, total, f, min_group) for f in Family}, min_group))
    return Table(measures.weeks, cohorts if cohort is not None else [*cohorts, ALL_COHORTS], rows, min_group)


def _total_visible(cells: list[Figures], total: Figures, family: Family, min_group: int) -> bool:
    """A total may be shown if it describes enough people and subtraction reveals no small group."""
    hidden = sum(size for cell in cells if (size := group_size(cell, family)) < min_group)
    return group_size(total, family) >= min_group and (hidden == 0 or hidden >= min_group)
