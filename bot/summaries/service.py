"""Building weekly summaries: one coach's roster (or a whole workspace) in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.goals.nudge_plan import NUDGE_KIND
from bot.meetings.service import CHECKLIST
from bot.platform.dates import local_today
from bot.summaries.flags import Flag, Signals, attention_rank, flag_reasons, flags_for
from storage import summaries as queries
from storage.models import Attendance, GoalStatus
from storage.models.checkins import NudgeAnswer
from storage.summaries import GoalRow, Pair

WEEK = timedelta(days=7)
DUE_SOON = timedelta(days=7)
NOTES_SHOWN = 2


@dataclass(frozen=True)
class GoalLine:
    number: int
    title: str
    target_date: date | None
    overdue: bool
    due_soon: bool
    notes_this_week: int


@dataclass(frozen=True)
class CoacheeSummary:
    """Everything a coach's summary says about one coachee over the last 7 days (no private words)."""

    person_id: int
    user_id: str
    name: str
    flags: list[Flag]
    goals_done: list[str]
    goals_not_achieved: list[str]
    goals_dropped: list[str]
    active_goals: list[GoalLine]
    on_track: int
    need_help: int
    unanswered_nudges: int
    wellbeing: list[int]
    shared_notes: list[str]
    next_session: datetime | None
    prep_done: int
    last_session: datetime | None
    last_attendance: Attendance | None
    last_takeaways: str
    last_heard: datetime | None
    why: dict[Flag, str] = field(default_factory=dict)  # each flag, in a few words

    @property
    def quiet_week(self) -> bool:
        """Nothing to report: shown briefly, so silence is still visible."""
        closed = self.goals_done or self.goals_not_achieved or self.goals_dropped
        return not (closed or self.on_track or self.need_help or self.wellbeing or self.shared_notes)


@dataclass
class _Week:
    goals: list[GoalRow] = field(default_factory=list)
    answers: list[NudgeAnswer] = field(default_factory=list)
    wellbeing: list[int] = field(default_factory=list)
    notes: list[tuple[datetime, str]] = field(default_factory=list)
    progress_by_goal: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    nudges: list[queries.NudgeRow] = field(default_factory=list)


def _gather(session: Session, people: list[int], since: datetime, *, active_goals: bool) -> dict[int, _Week]:
    """Their goals, check-ins and nudges of the week (and their active goals, if asked for)."""
    weeks: dict[int, _Week] = {person: _Week() for person in people}
    for goal in queries.goals_of(session, people, since, active=active_goals):
        weeks[goal.person_id].goals.append(goal)
    for checkin in queries.checkins_since(session, people, since):
        week = weeks[checkin.person_id]
        week.answers.append(checkin.answer)
        if checkin.wellbeing is not None:
            week.wellbeing.append(checkin.wellbeing)
        if checkin.note:
            week.notes.append((checkin.created_at, checkin.note))
    for nudge in queries.nudges_for_flags(session, people, since, NUDGE_KIND):
        weeks[nudge.person_id].nudges.append(nudge)
    return weeks


def summarize(session: Session, pairs: list[Pair], now: datetime, tz: str) -> list[CoacheeSummary]:
    """Summaries of these pairings' coachees, needing attention first; `tz` is the reader's zone."""
    if not pairs:
        return []
    since = now - WEEK
    people = [pair.coachee_id for pair in pairs]
    pairing_ids = [pair.pairing_id for pair in pairs]
    weeks = _gather(session, people, since, active_goals=True)
    for person_id, number, count in queries.progress_counts(session, people, since):
        weeks[person_id].progress_by_goal[number] = count
    heard = queries.last_activity(session, people, now)
    excused = queries.excused_stretches(session, pairs[0].team_id, people)
    upcoming = queries.next_meetings(session, pairing_ids, now)
    previous = queries.last_meetings(session, pairing_ids, now)
    today = local_today(now, tz)
    summaries = []
    for pair in pairs:
        week = weeks[pair.coachee_id]
        nxt, last = upcoming.get(pair.pairing_id), previous.get(pair.pairing_id)
        signals = _signals(
            pair, week, since, now, heard.get(pair.coachee_id), excused.get(pair.coachee_id, [])
        )
        summaries.append(_one(pair, week, since, signals, today, nxt, last))
    summaries.sort(key=lambda s: attention_rank(s.flags))  # stable: name order within a rank
    return summaries


@dataclass(frozen=True)
class PairFlags:
    """A coachee's flags over the last 7 days, as their summary shows them (the digest's inputs)."""

    pair: Pair
    flags: list[Flag]
    waiting: bool  # answered "need help" this week and no session is booked


def week_flags(session: Session, pairs: list[Pair], now: datetime) -> list[PairFlags]:
    """Each pairing's coachee flags by the summary's rules, from only what the rules read: no
    active goals, notes counted or past sessions, and no summary built."""
    if not pairs:
        return []
    since = now - WEEK
    people = [pair.coachee_id for pair in pairs]
    weeks = _gather(session, people, since, active_goals=False)
    heard = queries.last_activity(session, people, now)
    excused = queries.excused_stretches(session, pairs[0].team_id, people)
    upcoming = queries.next_meetings(session, [pair.pairing_id for pair in pairs], now)
    out = []
    for pair in pairs:
        week = weeks[pair.coachee_id]
        signals = _signals(
            pair, week, since, now, heard.get(pair.coachee_id), excused.get(pair.coachee_id, [])
        )
        need_help = NudgeAnswer.NEED_HELP in week.answers
        out.append(PairFlags(pair, flags_for(signals), need_help and pair.pairing_id not in upcoming))
    return out


def _closed(week: _Week, since: datetime) -> dict[GoalStatus, list[str]]:
    return {
        status: [
            f"{g.number}. {g.title}"
            for g in week.goals
            if g.status == status and g.closed_at and g.closed_at >= since
        ]
        for status in (GoalStatus.DONE, GoalStatus.NOT_ACHIEVED, GoalStatus.DROPPED)
    }


def _signals(
    pair: Pair,
    week: _Week,
    since: datetime,
    now: datetime,
    last_heard: datetime | None,
    excused: list[tuple[datetime, datetime]],
) -> Signals:
    return Signals(
        now=now,
        since=since,
        paired_at=pair.paired_at,
        last_activity=last_heard,
        last_nudges=[(n.sent_at, n.answered) for n in week.nudges[:3]],
        week_nudges_on_track=[n.on_track for n in week.nudges if n.sent_at >= since],
        week_answers=week.answers,
        week_wellbeing=week.wellbeing,
        goals_done_this_week=len(_closed(week, since)[GoalStatus.DONE]),
        excused=excused,
    )


def _one(
    pair: Pair,
    week: _Week,
    since: datetime,
    signals: Signals,
    today: date,
    nxt: queries.MeetingRow | None,
    last: queries.MeetingRow | None,
) -> CoacheeSummary:
    closed = _closed(week, since)
    active = [g for g in week.goals if g.status == GoalStatus.ACTIVE]
    week_nudges = [n for n in week.nudges if n.sent_at >= since]
    why = flag_reasons(signals)
    ticked = [key for key in (nxt.checklist if nxt else "").split(",") if key in CHECKLIST]
    return CoacheeSummary(
        person_id=pair.coachee_id,
        user_id=pair.coachee_user,
        name=pair.coachee_name,
        flags=list(why),
        why=why,
        goals_done=closed[GoalStatus.DONE],
        goals_not_achieved=closed[GoalStatus.NOT_ACHIEVED],
        goals_dropped=closed[GoalStatus.DROPPED],
        active_goals=[_goal_line(g, today, week.progress_by_goal.get(g.number, 0)) for g in active],
        on_track=sum(1 for a in week.answers if a == NudgeAnswer.ON_TRACK),
        need_help=sum(1 for a in week.answers if a == NudgeAnswer.NEED_HELP),
        unanswered_nudges=sum(1 for n in week_nudges if not n.answered),
        wellbeing=week.wellbeing,
        shared_notes=[text for _, text in sorted(week.notes)[-NOTES_SHOWN:]],
        next_session=nxt.starts_at if nxt else None,
        prep_done=len(ticked),
        last_session=last.starts_at if last else None,
        last_attendance=last.attendance if last else None,
        last_takeaways=(last.takeaways or last.next_actions) if last else "",
        last_heard=signals.last_activity,
    )


def _goal_line(goal: GoalRow, today: date, notes: int) -> GoalLine:
    target = goal.target_date
    return GoalLine(
        number=goal.number,
        title=goal.title,
        target_date=target,
        overdue=target is not None and target < today,
        due_soon=target is not None and today <= target <= today + DUE_SOON,
        notes_this_week=notes,
    )


def coach_summary(
    session: Session, team_id: str, coach_id: int, now: datetime, tz: str
) -> list[CoacheeSummary]:
    """One coach's roster, summarized."""
    return summarize(session, queries.open_pairs(session, team_id, coach_id), now, tz)


def flags_by_coachee(session: Session, team_id: str, coach_id: int, now: datetime) -> dict[int, list[Flag]]:
    """The same flags as the summary, for the coach's App Home roster."""
    return {s.person_id: s.flags for s in coach_summary(session, team_id, coach_id, now, "UTC")}
