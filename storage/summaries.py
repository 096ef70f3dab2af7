"""Queries behind weekly summaries and the digest, each covering a whole roster at once (who gets one
when is in summary_prefs.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Select,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from storage.checkins import coach_may_see
from storage.models import Delivery, Goal, GoalStatus, Person, ProgressNote
from storage.models.checkins import CheckIn, NudgeAnswer, NudgePrefs, QuietPeriod
from storage.models.meetings import AgendaItem, Attendance, Meeting, MeetingStatus, Pairing


@dataclass(frozen=True)
class Pair:
    """An open pairing with both people's Slack identity."""

    pairing_id: int
    team_id: str
    coach_id: int
    coach_user: str
    coachee_id: int
    coachee_user: str
    coachee_name: str
    paired_at: datetime
    agreed_at: datetime | None


@dataclass(frozen=True)
class GoalRow:
    person_id: int
    number: int
    title: str
    target_date: date | None
    status: GoalStatus
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class CheckInRow:
    """A check-in as a coach may see it: `note` is empty for private notes."""

    person_id: int
    answer: NudgeAnswer
    wellbeing: int | None
    note: str
    created_at: datetime


@dataclass(frozen=True)
class NudgeRow:
    person_id: int
    sent_at: datetime
    answered: bool
    on_track: bool


@dataclass(frozen=True)
class MeetingRow:
    pairing_id: int
    starts_at: datetime
    checklist: str
    takeaways: str
    next_actions: str
    attendance: Attendance | None


# The roster queries are built once and executed in Core with their values bound: building and
# compiling them anew for every coach cost more than running them.
_PEOPLE: BindParameter[int] = bindparam("people", expanding=True)
_PAIRINGS: BindParameter[int] = bindparam("pairings", expanding=True)
_COACH, _COACHEE = aliased(Person), aliased(Person)
_OPEN_PAIRS = (
    select(
        Pairing.id,
        Pairing.team_id,
        Pairing.coach_id,
        _COACH.slack_user_id,
        Pairing.coachee_id,
        _COACHEE.slack_user_id,
        _COACHEE.display_name,
        Pairing.created_at,
        Pairing.agreed_at,
    )
    .join(_COACH, _COACH.id == Pairing.coach_id)
    .join(_COACHEE, _COACHEE.id == Pairing.coachee_id)
    .where(Pairing.team_id == bindparam("team"), Pairing.closed_at.is_(None))
    .order_by(_COACHEE.display_name, Pairing.id)
)
_COACH_PAIRS = _OPEN_PAIRS.where(Pairing.coach_id == bindparam("coach"))


def open_pairs(session: Session, team_id: str, coach_id: int | None = None) -> list[Pair]:
    """Open pairings of one coach (or the whole workspace), coachees in name order; one statement."""
    if coach_id is None:
        rows = session.connection().execute(_OPEN_PAIRS, {"team": team_id})
    else:
        rows = session.connection().execute(_COACH_PAIRS, {"team": team_id, "coach": coach_id})
    return [Pair(*row) for row in rows]


_RECENT = or_(Goal.closed_at >= bindparam("since"), Goal.created_at >= bindparam("since"))
_GOALS = select(
    Goal.person_id, Goal.number, Goal.title, Goal.target_date, Goal.status, Goal.created_at, Goal.closed_at
).order_by(Goal.person_id, Goal.number)
_GOALS_RECENT = _GOALS.where(Goal.person_id.in_(_PEOPLE), _RECENT)
_GOALS_RECENT_OR_ACTIVE = _GOALS.where(
    Goal.person_id.in_(_PEOPLE), or_(Goal.status == GoalStatus.ACTIVE, _RECENT)
)


def goals_of(
    session: Session, person_ids: Sequence[int], since: datetime, *, active: bool = True
) -> list[GoalRow]:
    """Goals finished or set since `since` of all these people, and (`active`) their active goals."""
    stmt = _GOALS_RECENT_OR_ACTIVE if active else _GOALS_RECENT
    rows = session.connection().execute(stmt, {"people": list(person_ids), "since": since})
    return [GoalRow(*row) for row in rows]


_CHECKINS_SINCE = (
    select(
        CheckIn.person_id,
        CheckIn.answer,
        CheckIn.wellbeing,
        case((CheckIn.private.is_(True), literal("")), else_=CheckIn.note),
        CheckIn.created_at,
    )
    .where(CheckIn.person_id.in_(_PEOPLE), CheckIn.created_at >= bindparam("since"), coach_may_see())
    .order_by(CheckIn.created_at, CheckIn.id)
)


def checkins_since(session: Session, person_ids: Sequence[int], since: datetime) -> list[CheckInRow]:
    """Their check-ins since `since`, oldest first; private notes come back without their words."""
    rows = session.connection().execute(_CHECKINS_SINCE, {"people": list(person_ids), "since": since})
    return [CheckInRow(*row) for row in rows]


_PROGRESS_COUNTS = (
    select(Goal.person_id, Goal.number, func.count())
    .select_from(ProgressNote)
    .join(Goal, Goal.id == ProgressNote.goal_id)
    .where(Goal.person_id.in_(_PEOPLE), ProgressNote.created_at >= bindparam("since"))
    .group_by(Goal.person_id, Goal.number)
)


def progress_counts(
    session: Session, person_ids: Sequence[int], since: datetime
) -> list[tuple[int, int, int]]:
    """(person, goal number, how many) progress notes each goal got since `since`."""
    rows = session.connection().execute(_PROGRESS_COUNTS, {"people": list(person_ids), "since": since})
    return [(person_id, number, count) for person_id, number, count in rows]


_COACHEE_MEETING = (
    select(
        Pairing.coachee_id,
        Meeting.id,
        Meeting.starts_at,
        Meeting.updated_at,
        Meeting.takeaways,
        Meeting.attendance,
    )
    .join(Meeting, Meeting.pairing_id == Pairing.id)
    .where(Pairing.coachee_id.in_(_PEOPLE), Meeting.status == MeetingStatus.SCHEDULED)
    .subquery()
)
_SIGNS = union_all(
    select(CheckIn.person_id.label("person_id"), CheckIn.created_at.label("at")).where(
        CheckIn.person_id.in_(_PEOPLE), coach_may_see()
    ),
    select(Goal.person_id.label("person_id"), ProgressNote.created_at.label("at"))
    .join(Goal, Goal.id == ProgressNote.goal_id)
    .where(Goal.person_id.in_(_PEOPLE)),
    select(Goal.person_id.label("person_id"), Goal.updated_at.label("at")).where(Goal.person_id.in_(_PEOPLE)),
    # A session counts as a sign of engagement once its coach confirmed it was held.
    select(_COACHEE_MEETING.c.coachee_id, _COACHEE_MEETING.c.starts_at).where(
        _COACHEE_MEETING.c.starts_at < bindparam("now"), _COACHEE_MEETING.c.attendance == Attendance.HELD
    ),
    select(_COACHEE_MEETING.c.coachee_id, _COACHEE_MEETING.c.updated_at).where(
        _COACHEE_MEETING.c.takeaways != ""
    ),
    select(_COACHEE_MEETING.c.coachee_id, AgendaItem.created_at).join(
        AgendaItem, AgendaItem.meeting_id == _COACHEE_MEETING.c.id
    ),
).subquery()
_LAST_ACTIVITY = select(_SIGNS.c.person_id, func.max(_SIGNS.c.at)).group_by(_SIGNS.c.person_id)


def last_activity(session: Session, person_ids: Sequence[int], now: datetime) -> dict[int, datetime]:
    """Each one's last sign of engagement (absent: none): a nudge answer or check-in, a progress note,
    a goal set or changed, a session held, a reflection or agenda item for a session."""
    rows = session.connection().execute(_LAST_ACTIVITY, {"people": list(person_ids), "now": now})
    return {person_id: _aware(at) for person_id, at in rows if at is not None}


_STRETCHES: CompoundSelect[int, date, date, datetime] = union_all(
    select(
        literal(0).label("person_id"),
        QuietPeriod.starts_on.label("starts_on"),
        QuietPeriod.ends_on.label("ends_on"),
        QuietPeriod.created_at.label("set_at"),
    ).where(QuietPeriod.team_id == bindparam("team")),
    select(
        NudgePrefs.person_id, NudgePrefs.paused_until, NudgePrefs.paused_until, NudgePrefs.updated_at
    ).where(NudgePrefs.person_id.in_(_PEOPLE), NudgePrefs.paused_until.is_not(None)),
)


def excused_stretches(
    session: Session, team_id: str, person_ids: Sequence[int]
) -> dict[int, list[tuple[datetime, datetime]]]:
    """Stretches that are not silence, per person: program quiet periods (whole UTC days, inclusive)
    and their own pause (from when it was set to the end of its last day); one statement."""
    periods: list[tuple[datetime, datetime]] = []
    pauses: list[tuple[int, datetime, datetime]] = []
    rows = session.connection().execute(_STRETCHES, {"team": team_id, "people": list(person_ids)})
    for person_id, starts_on, ends_on, set_at in rows:
        end = _midnight(ends_on) + timedelta(days=1)
        if person_id == 0:
            periods.append((_midnight(starts_on), end))
        else:
            pauses.append((person_id, _aware(set_at), end))
    out = {person_id: list(periods) for person_id in person_ids}
    for person_id, start, end in pauses:
        out[person_id].append((start, end))
    return out


def _midnight(day: date | str) -> datetime:
    # A UNION loses the column type on SQLite: the date comes back as text.
    day = date.fromisoformat(day[:10]) if isinstance(day, str) else day
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _aware(value: datetime | str) -> datetime:
    # MAX over a UNION loses the column type on SQLite, so the naive UTC value is typed again here.
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_RANKED_NUDGES = (
    select(
        Delivery.person_id.label("person_id"),
        Delivery.sent_at.label("sent_at"),
        Delivery.message_ts.label("message_ts"),
        func.row_number()
        .over(partition_by=Delivery.person_id, order_by=Delivery.sent_at.desc())
        .label("rank"),
    )
    .where(
        Delivery.person_id.in_(_PEOPLE),
        Delivery.kind == bindparam("kind"),
        # sent_at, not status: a status test would lead SQLite to the (status, due_at) index
        # and a scan of every sent row in the workspace, instead of these people's rows.
        Delivery.sent_at.is_not(None),
    )
    .subquery()
)
# One correlated aggregate per kept nudge (not per nudge in history): NULL when unanswered, 1
# when every answer was on track. (An EXISTS with the answer test lets PostgreSQL hash every
# check-in of the workspace.)
_ALL_ON_TRACK = (
    select(func.min(case((CheckIn.answer.in_([NudgeAnswer.ON_TRACK, NudgeAnswer.DONE]), 1), else_=0)))
    .where(CheckIn.person_id == _RANKED_NUDGES.c.person_id, CheckIn.message_ts == _RANKED_NUDGES.c.message_ts)
    .scalar_subquery()
)
_NUDGES_FOR_FLAGS = (
    select(_RANKED_NUDGES.c.person_id, _RANKED_NUDGES.c.sent_at, _ALL_ON_TRACK)
    .where(or_(_RANKED_NUDGES.c.rank <= 3, _RANKED_NUDGES.c.sent_at >= bindparam("since")))
    .order_by(_RANKED_NUDGES.c.person_id, _RANKED_NUDGES.c.sent_at.desc())
)


def nudges_for_flags(
    session: Session, person_ids: Sequence[int], since: datetime, nudge_kind: str
) -> list[NudgeRow]:
    """Each person's last three sent nudges and every nudge sent since `since`, newest first,
    with whether any answer came back and whether every answer was "on track" (or done)."""
    params = {"people": list(person_ids), "kind": nudge_kind, "since": since}
    return [
        NudgeRow(person_id, _aware(sent_at), on_track is not None, on_track == 1)
        for person_id, sent_at, on_track in session.connection().execute(_NUDGES_FOR_FLAGS, params)
    ]


_MeetingsQuery = Select[int, datetime, str, str, str, Attendance | None]


def _first_meetings(upcoming: bool) -> _MeetingsQuery:
    """Each pairing's first scheduled session from `now` on (`upcoming`), or last one before."""
    when = Meeting.starts_at >= bindparam("now") if upcoming else Meeting.starts_at < bindparam("now")
    order = Meeting.starts_at.asc() if upcoming else Meeting.starts_at.desc()
    ranked = (
        select(
            Meeting.pairing_id.label("pairing_id"),
            Meeting.starts_at.label("starts_at"),
            Meeting.checklist.label("checklist"),
            Meeting.takeaways.label("takeaways"),
            Meeting.next_actions.label("next_actions"),
            Meeting.attendance.label("attendance"),
            func.row_number().over(partition_by=Meeting.pairing_id, order_by=order).label("rank"),
        )
        .where(Meeting.pairing_id.in_(_PAIRINGS), Meeting.status == MeetingStatus.SCHEDULED, when)
        .subquery()
    )
    return select(
        ranked.c.pairing_id,
        ranked.c.starts_at,
        ranked.c.checklist,
        ranked.c.takeaways,
        ranked.c.next_actions,
        ranked.c.attendance,
    ).where(ranked.c.rank == 1)


_NEXT_MEETINGS, _LAST_MEETINGS = _first_meetings(upcoming=True), _first_meetings(upcoming=False)


def _meetings(
    session: Session, stmt: _MeetingsQuery, pairing_ids: Sequence[int], now: datetime
) -> dict[int, MeetingRow]:
    rows = session.connection().execute(stmt, {"pairings": list(pairing_ids), "now": now})
    return {
        pid: MeetingRow(
            pid, _aware(at), checklist, takeaways, actions, None if held is None else Attendance(held)
        )
        for pid, at, checklist, takeaways, actions, held in rows
    }


def next_meetings(session: Session, pairing_ids: Sequence[int], now: datetime) -> dict[int, MeetingRow]:
    """Each pairing's next scheduled session."""
    return _meetings(session, _NEXT_MEETINGS, pairing_ids, now)


def last_meetings(session: Session, pairing_ids: Sequence[int], now: datetime) -> dict[int, MeetingRow]:
    """Each pairing's most recent session that has started (its takeaways)."""
    return _meetings(session, _LAST_MEETINGS, pairing_ids, now)
