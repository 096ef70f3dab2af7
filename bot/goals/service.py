"""Goal services: the verbs behind `/goal`, the goal modal and the App Home buttons."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bot.goals.nudge_plan import plan_new_goal, replan_person
from bot.platform.dates import DateError, Reader, local_today, split_deadline
from bot.platform.errors import UserError
from bot.platform.people import Actor
from storage import goals as goal_queries
from storage.db import Database, session_on
from storage.models import Area, Cadence, Goal, GoalStatus, ProgressNote

TITLE_MAX = 200
NOTE_MAX = 3000


@dataclass(frozen=True)
class GoalDraft:
    """What a person wrote for a goal, before it is saved."""

    title: str
    why: str = ""
    measure: str = ""
    target_date: date | None = None
    area: Area = Area.OTHER
    cadence: Cadence = Cadence.WEEKLY


@dataclass(frozen=True)
class NoteInfo:
    text: str
    created_at: datetime


@dataclass(frozen=True)
class GoalInfo:
    number: int
    title: str
    why: str
    measure: str
    target_date: date | None
    area: Area
    cadence: Cadence
    status: GoalStatus
    last_note: NoteInfo | None

    @property
    def draft(self) -> GoalDraft:
        return GoalDraft(self.title, self.why, self.measure, self.target_date, self.area, self.cadence)


@dataclass(frozen=True)
class GoalOverview:
    active: list[GoalInfo]
    done: int
    dropped: int
    not_achieved: int = 0


def goal_info(goal: Goal) -> GoalInfo:
    last = goal.notes[-1] if goal.notes else None
    return GoalInfo(
        number=goal.number,
        title=goal.title,
        why=goal.why,
        measure=goal.measure,
        target_date=goal.target_date,
        area=goal.area,
        cadence=goal.cadence,
        status=goal.status,
        last_note=NoteInfo(last.text, last.created_at) if last else None,
    )


@dataclass(frozen=True)
class QuickGoal:
    """A quick goal as read: the draft, and why its date should be confirmed first (None: no need)."""

    draft: GoalDraft
    doubt: str | None = None


def parse_quick_goal(text: str, reader: Reader) -> QuickGoal:
    """`Do 40 questions a week by Dec 20`, `Finish the essay in 3 days` → a draft and any doubt about its date."""
    try:
        title, deadline = split_deadline(text, reader)
    except DateError as error:
        raise UserError(str(error)) from None
    target = deadline.value if deadline else None
    draft = validated(GoalDraft(title=title, target_date=target), reader.today)
    return QuickGoal(draft, deadline.doubt if deadline else None)


def validated(draft: GoalDraft, today: date) -> GoalDraft:
    """The draft with its title tidied, or a UserError naming what is wrong."""
    title = " ".join(draft.title.split())
    if not title:
        raise UserError("A goal needs some words: what do you want to achieve?")
    if len(title) > TITLE_MAX:
        raise UserError(f"That goal is {len(title)} characters; please keep it to {TITLE_MAX} or fewer.")
    if draft.target_date is not None and draft.target_date < today:
        raise UserError(
            f"{draft.target_date:%b} {draft.target_date.day}, {draft.target_date.year} has passed: choose a date from today on."
        )
    return replace(draft, title=title, why=draft.why.strip(), measure=draft.measure.strip())


DATE_QUESTION = "When would you like to have this done?"
MEASURE_QUESTION = "How will you know you've achieved it?"


def smart_questions(draft: GoalDraft) -> list[str]:
    """Coaching questions for what a SMART goal still lacks; questions, never instructions."""
    questions = []
    if draft.target_date is None:
        questions.append(DATE_QUESTION)
    if not draft.measure and not re.search(r"\d", draft.title):
        questions.append(MEASURE_QUESTION)
    return questions


def _owned_goal(session: Session, actor: Actor, number: int) -> Goal:
    goal = goal_queries.goal_by_number(session, actor.person_id, number)
    if goal is None:
        raise UserError(f"You don't have a goal #{number}. `/goal list` shows your goals and their numbers.")
    return goal


def add_goal(
    db: Database, actor: Actor, draft: GoalDraft, now: datetime, request_key: str | None
) -> tuple[GoalInfo, bool]:
    """Save a new goal; returns it and whether it is new (False when this request was seen before)."""
    draft = validated(draft, local_today(now, actor.tz))

    # The hot path: at most four statements on a bare Core connection (no Session under the writer
    # lock), and no replanning of the other goals.
    def save(connection: Connection) -> GoalInfo | int:
        """The goal this request already made (Slack retried it), or the new goal's number."""
        context = goal_queries.add_context(
            connection, request_key, actor.person_id, local_today(now, actor.tz)
        )
        if context.seen_goal_id is not None:
            with session_on(connection) as session:
                seen = session.get(Goal, context.seen_goal_id)
                assert seen is not None
                return goal_info(seen)
        goal_id, number = goal_queries.insert_goal(
            connection,
            actor.person_id,
            team_id=actor.team_id,
            title=draft.title,
            why=draft.why,
            measure=draft.measure,
            target_date=draft.target_date,
            area=draft.area,
            cadence=draft.cadence,
            status=GoalStatus.ACTIVE,
            created_at=now,
            updated_at=now,
            request_key=request_key,
        )
        owner = (actor.team_id, actor.user_id, actor.person_id)
        plan_new_goal(connection, owner, goal_id, draft.cadence, context, now)
        return number

    saved = db.write(save)
    if isinstance(saved, GoalInfo):
        return saved, False
    info = GoalInfo(saved, draft.title, draft.why, draft.measure, draft.target_date, draft.area,
                    draft.cadence, GoalStatus.ACTIVE, None)  # fmt: skip
    return info, True


def update_goal(db: Database, actor: Actor, number: int, draft: GoalDraft, now: datetime) -> GoalInfo:
    draft = validated(draft, local_today(now, actor.tz))
    with db.transaction() as session:
        goal = _owned_goal(session, actor, number)
        goal.title, goal.why, goal.measure = draft.title, draft.why, draft.measure
        goal.target_date, goal.area, goal.cadence = draft.target_date, draft.area, draft.cadence
        goal.updated_at = now
        session.flush()
        replan_person(session, actor.person_id, now)
        return goal_info(goal)


def get_goal(db: Database, actor: Actor, number: int) -> GoalInfo:
    with db.read() as session:
        return goal_info(_owned_goal(session, actor, number))


_STATUS_FOR_VERB = {"done": GoalStatus.DONE, "drop": GoalStatus.DROPPED, "reopen": GoalStatus.ACTIVE}


def _set_status(goal: Goal, status: GoalStatus, now: datetime) -> bool:
    if goal.status == status:
        return False
    goal.status = status
    goal.closed_at = None if status == GoalStatus.ACTIVE else now
    goal.updated_at = now
    return True


def change_status(db: Database, actor: Actor, number: int, verb: str, now: datetime) -> tuple[GoalInfo, bool]:
    """done / drop / reopen; returns the goal and whether anything changed (repeats are harmless)."""
    [(goal, changed)] = change_statuses(db, actor, (number,), verb, now)
    return goal, changed


def change_statuses(
    db: Database, actor: Actor, numbers: tuple[int, ...], verb: str, now: datetime
) -> list[tuple[GoalInfo, bool]]:
    """done / drop / reopen on several goals at once: all of them, or none if a number is not theirs."""
    status = _STATUS_FOR_VERB[verb]
    with db.transaction() as session:
        owned = [_owned_goal(session, actor, number) for number in numbers]
        changed = [_set_status(goal, status, now) for goal in owned]
        session.flush()
        replan_person(session, actor.person_id, now)
        return [(goal_info(goal), was) for goal, was in zip(owned, changed, strict=True)]


def close_goal(
    db: Database, actor: Actor, number: int, achieved: bool, now: datetime
) -> tuple[GoalInfo, bool]:
    """Close an active goal as completed or as not achieved; a closed goal is left as it is."""
    with db.transaction() as session:
        goal = _owned_goal(session, actor, number)
        if goal.status != GoalStatus.ACTIVE:
            return goal_info(goal), False
        _set_status(goal, GoalStatus.DONE if achieved else GoalStatus.NOT_ACHIEVED, now)
        session.flush()
        replan_person(session, actor.person_id, now)
        return goal_info(goal), True


def delete_goals(db: Database, actor: Actor, numbers: tuple[int, ...], now: datetime) -> list[str]:
    """Remove goals outright (a typo, a test): they and their notes are counted nowhere. Returns titles.

    Numbers already gone are skipped, so a second click on the confirm button is harmless.
    """
    with db.transaction() as session:
        goals = [goal_queries.goal_by_number(session, actor.person_id, number) for number in numbers]
        titles = [goal.title for goal in goals if goal is not None]
        for goal in goals:
            if goal is not None:
                session.delete(goal)
        session.flush()
        replan_person(session, actor.person_id, now)
        return titles


def check_owned(db: Database, actor: Actor, numbers: tuple[int, ...]) -> list[GoalInfo]:
    """The goals with these numbers, or a UserError naming the first that is not theirs."""
    with db.read() as session:
        return [goal_info(_owned_goal(session, actor, number)) for number in numbers]


def log_progress(
    db: Database, actor: Actor, number: int, note: str, now: datetime, request_key: str | None
) -> GoalInfo:
    """Add a timestamped progress note; a retried request adds nothing the second time."""
    note = note.strip()
    if not note:
        raise UserError("Write what happened: `/goal progress 2 Finished chapter 4`.")
    if len(note) > NOTE_MAX:
        raise UserError(f"That note is {len(note)} characters; please keep it to {NOTE_MAX} or fewer.")
    with db.transaction() as session:
        goal = _owned_goal(session, actor, number)
        if not (request_key and goal_queries.note_by_request_key(session, request_key)):
            goal.notes.append(
                ProgressNote(team_id=actor.team_id, text=note, created_at=now, request_key=request_key)
            )
            goal.updated_at = now
            session.flush()
        return goal_info(goal)


def set_cadence(db: Database, actor: Actor, number: int, cadence: Cadence, now: datetime) -> GoalInfo:
    with db.transaction() as session:
        goal = _owned_goal(session, actor, number)
        goal.cadence = cadence
        goal.updated_at = now
        session.flush()
        replan_person(session, actor.person_id, now)
        return goal_info(goal)


def overview(db: Database, actor: Actor) -> GoalOverview:
    with db.read() as session:
        return overview_in(session, actor.person_id)


def overview_in(session: Session, person_id: int) -> GoalOverview:
    """The person's active goals (each with its latest note) and how many they closed, each way."""
    active = [
        GoalInfo(
            row.number,
            row.title,
            row.why,
            row.measure,
            row.target_date,
            row.area,
            row.cadence,
            row.status,
            NoteInfo(row.note_text, row.note_at) if row.note_at is not None else None,
        )
        for row in goal_queries.active_goals_with_last_note(session, person_id)
    ]
    counts = goal_queries.closed_goal_counts(session, person_id)
    return GoalOverview(
        active,
        counts.get(GoalStatus.DONE, 0),
        counts.get(GoalStatus.DROPPED, 0),
        counts.get(GoalStatus.NOT_ACHIEVED, 0),
    )
