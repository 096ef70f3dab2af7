"""The report's measures per person, cohort and ISO week, from seven workspace-wide queries.

Weeks are ISO weeks in the program's time zone. A person counts in a week when one of their
coaching pairings (as coachee) was open at some moment of it, and in their current cohort.
The exact definitions are in docs/reports.md; what counts as completed or held is in definitions.py.
The figures are worked out on person × week arrays (grid.py), loaded with the first report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.reports.weeks import Week
from storage import reports as queries

if TYPE_CHECKING:
    from bot.reports.grid import Grid

NO_COHORT = "(no cohort)"
ALL_COHORTS = "All cohorts"
WELLBEING_SCALE = range(1, 6)


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
        return [] if self.grid is None else self.grid.person_weeks(self.weeks)


def measure(session: Session, team_id: str, weeks: list[Week], now: datetime) -> Measures:
    """The measures for these consecutive weeks (those not yet begun at `now` are left out)."""
    weeks = [week for week in weeks if week.starts < now]
    spans = queries.spans(session, team_id, weeks[0].starts, weeks[-1].ends) if weeks else []
    if not spans:
        return Measures(weeks, [], {})
    # numpy loads with the first report, not with every process that could send one.
    from bot.reports.grid import measure_grid

    grid = measure_grid(session, team_id, weeks, now, spans)
    cohorts = sorted(set(grid.cohorts), key=lambda c: (c == NO_COHORT, c))
    return Measures(weeks, cohorts, grid.by_cohort(cohorts, weeks), grid)
