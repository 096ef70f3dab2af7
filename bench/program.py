"""A generated coaching program written straight into the database with bulk inserts.

Used by bench/summaries.py (1,000 coaches) and by the tests that count SQL statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from storage.models import Delivery, DeliveryStatus, Goal, GoalStatus, Person, ProgressNote
from storage.models.checkins import CheckIn, NudgeAnswer
from storage.models.meetings import Attendance, Meeting, Pairing

TEAM = "T_BENCH"
SECRET = "a private worry nobody else may read"


@dataclass(frozen=True)
class Program:
    coach_ids: list[int]
    coach_users: list[str]


def _next_id(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.max(model.id))) or 0) + 1


def build_program(
    session: Session,
    now: datetime,
    *,
    coaches: int,
    coachees: int,
    goals: int = 5,
    weeks: int = 26,
    tag: str = "b",
    team: str = TEAM,
    cohorts: Sequence[str] = (),
) -> Program:
    """`coaches` coaches with `coachees` coachees each, `goals` goals each and `weeks` weekly
    nudges and check-ins (every fifth a private note, every seventh a "need help"); coachees take
    the `cohorts` in turn, if any."""
    people: list[dict[str, Any]] = []
    pairings: list[dict[str, Any]] = []
    goal_rows: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    nudges: list[dict[str, Any]] = []
    checkins: list[dict[str, Any]] = []
    meetings: list[dict[str, Any]] = []
    person_id, pairing_id, goal_id = (
        _next_id(session, Person),
        _next_id(session, Pairing),
        _next_id(session, Goal),
    )
    start = now - timedelta(weeks=weeks)

    def _row(**values: Any) -> dict[str, Any]:
        return {"team_id": team, **values}

    def _person(person_id: int, user: str, name: str, at: datetime) -> dict[str, Any]:
        return _row(
            id=person_id,
            slack_user_id=user,
            display_name=name,
            tz="America/Chicago",
            created_at=at,
            cohort=None,
        )

    def _meeting(
        pairing_id: int, starts_at: datetime, takeaways: str, attendance: Attendance | None = None
    ) -> dict[str, Any]:
        return _row(
            pairing_id=pairing_id, booked_by="bench", starts_at=starts_at, minutes=30, checklist="goals",
            takeaways=takeaways, created_at=starts_at, updated_at=starts_at, attendance=attendance,
        )  # fmt: skip

    coach_ids, coach_users = [], []
    for c in range(coaches):
        coach = person_id
        person_id += 1
        coach_ids.append(coach)
        coach_users.append(f"U{tag}C{c}")
        people.append(_person(coach, f"U{tag}C{c}", f"Coach {c}", start))
        for e in range(coachees):
            coachee = person_id
            person_id += 1
            people.append(_person(coachee, f"U{tag}C{c}E{e}", f"Coachee {c}-{e}", start))
            if cohorts:
                people[-1]["cohort"] = cohorts[(c * coachees + e) % len(cohorts)]
            pairings.append(
                _row(id=pairing_id, coach_id=coach, coachee_id=coachee, created_by="bench", created_at=start)
            )
            # Most past sessions were confirmed held; some not confirmed, some did not happen.
            attended = [Attendance.HELD, Attendance.HELD, None, Attendance.NOT_HELD][e % 4]
            meetings.append(
                _meeting(pairing_id, now - timedelta(days=3), "keep a weekly study plan", attended)
            )
            meetings.append(_meeting(pairing_id, now + timedelta(days=4), ""))
            pairing_id += 1
            for g in range(goals):
                done = g == 0 and e % 3 == 0
                goal_rows.append(
                    _row(
                        id=goal_id,
                        person_id=coachee,
                        number=g + 1,
                        title=f"Goal {g + 1} of {coachee}",
                        target_date=(now + timedelta(days=g * 5 - 3)).date(),
                        created_at=start,
                        updated_at=now,
                        status=GoalStatus.DONE if done else GoalStatus.ACTIVE,
                        closed_at=now - timedelta(days=1) if done else None,
                    )
                )
                notes.append(
                    _row(
                        goal_id=goal_id, text=f"progress on goal {g + 1}", created_at=now - timedelta(days=2)
                    )
                )
                goal_id += 1
            for w in range(weeks):
                sent = start + timedelta(weeks=w, hours=15)
                ts = f"{sent.timestamp():.6f}"
                nudges.append(
                    _row(
                        kind="nudge",
                        recipient=f"U{tag}C{c}E{e}",
                        person_id=coachee,
                        due_at=sent,
                        sent_at=sent,
                        dedupe_key=f"bench:{tag}:{coachee}:{w}",
                        status=DeliveryStatus.SENT,
                        message_ts=ts,
                        created_at=sent,
                    )
                )
                if (w + e) % 4 == 3:
                    continue  # an unanswered nudge
                answer = NudgeAnswer.NEED_HELP if (w + e) % 7 == 0 else NudgeAnswer.ON_TRACK
                private = (w + e) % 5 == 0
                checkins.append(
                    _row(
                        person_id=coachee,
                        answer=answer,
                        wellbeing=1 + (w + e) % 5,
                        message_ts=ts,
                        note=SECRET if private else f"week {w} went fine",
                        private=private,
                        created_at=sent + timedelta(hours=2),
                        request_key=f"bench:{tag}:{coachee}:{w}",
                    )
                )
    for model, rows in [
        (Person, people), (Pairing, pairings), (Goal, goal_rows), (ProgressNote, notes),
        (Delivery, nudges), (CheckIn, checkins), (Meeting, meetings),
    ]:  # fmt: skip
        for chunk in range(0, len(rows), 5000):
            session.execute(insert(model), rows[chunk : chunk + 5000])
    if session.get_bind().dialect.name == "postgresql":
        # Ids were given explicitly: move the sequences past them for rows added the usual way.
        for table in ("people", "pairings", "goals"):
            session.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
    return Program(coach_ids, coach_users)
