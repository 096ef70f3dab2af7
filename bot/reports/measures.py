"""The report's measures per person, cohort and ISO week, from seven workspace-wide queries.

Weeks are ISO weeks in the program's time zone. A person counts in a week when one of their
coaching pairings (as coachee) was open at some moment of it, and in their current cohort.
The exact definitions are in docs/reports.md; what counts as completed or held is in definitions.py.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from bot.platform.dates import local_today, zone
from bot.reports.definitions import Outcome, goal_outcome, meeting_held
from bot.summaries.flags import UNANSWERED_IN_A_ROW, Flag, Signals, flags_for
from storage import reports as queries
from storage.models import NudgeAnswer
from storage.summaries import excused_stretches

NO_COHORT = "(no cohort)"
ALL_COHORTS = "All cohorts"
WELLBEING_SCALE = range(1, 6)


@dataclass(frozen=True)
class Week:
    """An ISO week: Monday 00:00 to the next Monday 00:00 in the program's zone, held in UTC."""

    year: int
    number: int
    monday: date
    starts: datetime
    ends: datetime

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"


def week_starting(monday: date, tz: str) -> Week:
    """The ISO week that begins on `monday` (DST-correct: a week may be 167 or 169 hours)."""
    year, number, _ = monday.isocalendar()
    local = zone(tz)
    starts = datetime.combine(monday, time(0), tzinfo=local).astimezone(UTC)
    ends = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=local).astimezone(UTC)
    return Week(year, number, monday, starts, ends)


def weeks_between(since: date, until: date, tz: str) -> list[Week]:
    """Every ISO week that has a day in [since, until]."""
    monday = since - timedelta(days=since.weekday())
    weeks = []
    while monday <= until:
        weeks.append(week_starting(monday, tz))
        monday += timedelta(days=7)
    return weeks


def recent_weeks(now: datetime, tz: str, count: int = 12) -> list[Week]:
    """The last `count` complete ISO weeks before the one `now` is in."""
    today = local_today(now, tz)
    this_monday = today - timedelta(days=today.weekday())
    return [week_starting(this_monday - timedelta(weeks=n), tz) for n in range(count, 0, -1)]


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
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.wellbeing = [a + b for a, b in zip(self.wellbeing, other.wellbeing, strict=True)]


_COUNTS = [name for name in Figures.__dataclass_fields__ if name not in {"cohort", "week", "wellbeing"}]


@dataclass(frozen=True)
class PersonWeek:
    """One coachee's figures in one week (person-level rows only ever leave as pseudonyms)."""

    person_id: int
    user_id: str
    figures: Figures


@dataclass(frozen=True)
class Measures:
    """Every coachee's weeks, and the cohort × week totals built from them."""

    weeks: list[Week]
    cohorts: list[str]
    people: list[PersonWeek]
    by_cohort: dict[tuple[str, int], Figures]

    def cohort_week(self, cohort: str, index: int) -> Figures:
        return self.by_cohort.get((cohort, index)) or Figures(cohort, self.weeks[index])


@dataclass
class _Person:
    user_id: str
    cohort: str
    spans: list[queries.Span] = field(default_factory=list)
    nudges: list[queries.SentNudge] = field(default_factory=list)
    activity: dict[int, datetime] = field(default_factory=dict)
    checkins: dict[int, list[queries.CheckInCount]] = field(default_factory=lambda: defaultdict(list))
    goals: dict[int, list[queries.GoalCount]] = field(default_factory=lambda: defaultdict(list))
    held: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    # When each nudge was sent (nudges come sorted): a week's nudges are a bisected slice.
    sent_at: list[datetime] = field(default_factory=list)
    # Program quiet periods and their own pause: not silence, as in the weekly summary.
    excused: list[tuple[datetime, datetime]] = field(default_factory=list)


def measure(session: Session, team_id: str, weeks: list[Week], now: datetime) -> Measures:
    """The measures for these consecutive weeks (those not yet begun at `now` are left out)."""
    weeks = [week for week in weeks if week.starts < now]
    if not weeks:
        return Measures([], [], [], {})
    bounds = [week.starts for week in weeks] + [weeks[-1].ends]
    start, end = bounds[0], bounds[-1]
    people: dict[int, _Person] = {}
    for span in queries.spans(session, team_id, start, end):
        person = people.setdefault(span.person_id, _Person(span.user_id, span.cohort or NO_COHORT))
        person.spans.append(span)
    for nudge in queries.sent_nudges(session, team_id, start, end):
        if nudge.person_id in people:
            people[nudge.person_id].nudges.append(nudge)
    for count in queries.checkin_counts(session, team_id, bounds):
        if (found := people.get(count.person_id)) is not None:
            _note_activity(found, count.week, count.last_at)
            if count.week >= 0:
                found.checkins[count.week].append(count)
    for person_id, week_index, last_at in queries.note_activity(session, team_id, bounds):
        if (found := people.get(person_id)) is not None:
            _note_activity(found, week_index, last_at)
    for goal in queries.goal_counts(session, team_id, bounds):
        if (found := people.get(goal.person_id)) is not None:
            found.goals[goal.week].append(goal)
    for meeting in queries.meetings(session, team_id, start, end):
        held_by = people.get(meeting.person_id)
        if held_by is not None and meeting_held(meeting.status, meeting.attendance):
            held_by.held[bisect_right(bounds, meeting.starts_at) - 1] += 1
    for person in people.values():
        person.sent_at = [nudge.sent_at for nudge in person.nudges]
    for person_id, stretches in excused_stretches(session, team_id, list(people)).items():
        people[person_id].excused = stretches
    rows: list[PersonWeek] = []
    by_cohort: dict[tuple[str, int], Figures] = {}
    for person_id, person in people.items():
        for index, week in enumerate(weeks):
            figures = _person_week(person, index, week, now)
            if figures is None:
                continue
            rows.append(PersonWeek(person_id, person.user_id, figures))
            by_cohort.setdefault((person.cohort, index), Figures(person.cohort, week)).add(figures)
    cohorts = sorted({person.cohort for person in people.values()}, key=lambda c: (c == NO_COHORT, c))
    return Measures(weeks, cohorts, rows, by_cohort)


def _note_activity(person: _Person, week_index: int, at: datetime) -> None:
    if at > person.activity.get(week_index, datetime.min.replace(tzinfo=UTC)):
        person.activity[week_index] = at


def _person_week(person: _Person, index: int, week: Week, now: datetime) -> Figures | None:
    """One coachee's figures for a week, None when no pairing of theirs was open in it."""
    open_spans = [
        s for s in person.spans if s.opened < week.ends and (s.closed is None or s.closed > week.starts)
    ]
    if not open_spans:
        return None
    figures = Figures(person.cohort, week, coachees=1)
    first = bisect_left(person.sent_at, week.starts)
    week_nudges = person.nudges[first : bisect_left(person.sent_at, week.ends, lo=first)]
    figures.nudged = 1 if week_nudges else 0
    figures.nudges_sent = len(week_nudges)
    figures.nudges_answered = sum(1 for n in week_nudges if n.answered)
    figures.sessions_held = person.held.get(index, 0)
    for goal in person.goals.get(index, []):
        outcome = goal_outcome(goal.closed_status)
        if goal.closed_status is None:
            figures.goals_set += goal.count
        elif outcome == Outcome.COMPLETED:
            figures.goals_completed += goal.count
        elif outcome == Outcome.CLOSED_NOT_ACHIEVED:
            figures.goals_closed_not_achieved += goal.count
        elif outcome == Outcome.DROPPED:
            figures.goals_dropped += goal.count
    answers: list[NudgeAnswer] = []
    wellbeing: list[int] = []
    for count in person.checkins.get(index, []):
        answers.append(count.answer)
        if count.wellbeing is not None and count.wellbeing in WELLBEING_SCALE:
            wellbeing.append(count.wellbeing)
            figures.wellbeing[count.wellbeing - 1] += count.count
    figures.wellbeing_respondents = 1 if wellbeing else 0
    flags = flags_for(_signals(person, index, week, now, open_spans, answers, wellbeing))
    figures.asked_for_help = int(Flag.ASKED_FOR_HELP in flags)
    figures.gone_quiet = int(Flag.GONE_QUIET in flags)
    return figures


def _signals(
    person: _Person,
    index: int,
    week: Week,
    now: datetime,
    open_spans: list[queries.Span],
    answers: list[NudgeAnswer],
    wellbeing: list[int],
) -> Signals:
    """The weekly summary's flag inputs, as they stood at the end of this week (or now, if sooner)."""
    at = min(week.ends, now)
    heard = [moment for w, moment in person.activity.items() if w <= index and moment < at]
    before = person.nudges[: bisect_left(person.sent_at, at)]
    paired = max((s.opened for s in open_spans if s.opened < at), default=open_spans[0].opened)
    return Signals(
        now=at,
        since=week.starts,
        paired_at=paired,
        last_activity=max(heard, default=None),
        last_nudges=[(n.sent_at, n.answered) for n in reversed(before[-UNANSWERED_IN_A_ROW:])],
        week_nudges_on_track=[],
        week_answers=answers,
        week_wellbeing=wellbeing,
        goals_done_this_week=0,
        excused=person.excused,
    )
