"""Check-in services: nudge answers, notes, /checkin with well-being, and consent to tell the coach."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.checkins.alerts import coach_of, need_help_key, plan_coach_alert, plan_need_help_alert
from bot.checkins.deliveries import plan_snooze
from bot.checkins.ids import CheckinAction
from bot.checkins.nudge_views import answer_line, answered_blocks, need_help_line
from bot.checkins.support import support_text_for
from bot.goals.nudge_plan import NUDGE_KIND, replan_person
from bot.goals.service import GoalInfo, goal_info
from bot.platform.dates import local_today
from bot.platform.delivery.registry import DeliveryInfo
from bot.platform.errors import UserError
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.slack import SlackGateway
from storage import checkins as queries
from storage import deliveries as delivery_queries
from storage import goals as goal_queries
from storage import nudge_answers
from storage.checkins import LOW_WELLBEING
from storage.models import Goal, GoalStatus, Person
from storage.models.checkins import NudgeAnswer

NOTE_MAX = 3000
# "Close goal" closes nothing by itself: it asks "Did you get there?", whose answer closes the goal.
_CLOSES_GOAL = {NudgeAnswer.DONE: GoalStatus.DONE, NudgeAnswer.NOT_ACHIEVED: GoalStatus.NOT_ACHIEVED}
_OUTCOMES = {NudgeAnswer.NOT_ACHIEVED}
# Answers that change nothing but the record: no alert, no snooze, no goal closed.
_ONLY_RECORDED = {NudgeAnswer.ON_TRACK, NudgeAnswer.CLOSED}
# A nudge's row is marked sent within a second of Slack's answer (longer when Slack is slow): a
# click on it before then is looked at again until then, at most this long.
RECOGNIZE_WITHIN_SECONDS = 5.0
RECOGNIZE_STEP_SECONDS = 0.2


@dataclass(frozen=True)
class CheckinResult:
    checkin_id: int
    recorded: bool
    support_text: str | None  # set when well-being was low: show it at once


def _nudge_key(actor: Actor, message_ts: str, goal_id: int, outcome: bool = False) -> str:
    # One answer per goal per nudge message (and one outcome after "Close goal"): double clicks and
    # Slack's retries find this key.
    return f"{actor.team_id}:nudge:{message_ts}:{goal_id}" + (":outcome" if outcome else "")


def _record(
    session: Session,
    actor: Actor,
    goal_id: int,
    answer: NudgeAnswer,
    request_key: str,
    now: datetime,
    message_ts: str | None,
    withheld: bool = False,
) -> int | None:
    return queries.record(
        session, team_id=actor.team_id, person_id=actor.person_id, goal_id=goal_id, answer=answer,
        note="", private=False, message_ts=message_ts, created_at=now, request_key=request_key,
        coach_consent=False if withheld else None,
    )  # fmt: skip


def _record_goal_answer(
    session: Session,
    actor: Actor,
    goal: Goal,
    answer: NudgeAnswer,
    request_key: str,
    now: datetime,
    message_ts: str | None = None,
    withheld: bool = False,
) -> bool:
    """Record one answer about a goal (once per request key); Done and Close close it. True if new.

    `withheld`: given in a low well-being /checkin, so hidden from the coach unless the coachee says yes."""
    if _record(session, actor, goal.id, answer, request_key, now, message_ts, withheld) is None:
        return False
    if answer in _CLOSES_GOAL and goal.status == GoalStatus.ACTIVE:
        goal.status, goal.closed_at, goal.updated_at = _CLOSES_GOAL[answer], now, now
    return True


def answer_nudge(
    services: Services,
    actor: Actor,
    goal_id: int,
    answer: NudgeAnswer,
    message: tuple[str, str],
    now: datetime,
    *,
    outcome: bool = False,
) -> bool | None:
    """Record a nudge button; True if recorded now, False if this goal in this message was answered,
    None if (channel, ts) is not a nudge the app sent this person (then nothing is recorded).

    `outcome` is the answer to "Did you get there?" after "Close goal" (Yes, done / Not this time).
    "Need help" alerts the coach at their next working moment.
    """
    if answer in _ONLY_RECORDED:  # the 9:00 wave's clicks: one guarded insert, no ORM objects
        return _record_only(services, actor, goal_id, answer, message, now, outcome)
    coach = coach_of(services, actor) if answer == NudgeAnswer.NEED_HELP else None
    message_ts = message[1]
    with services.db.transaction() as session:
        own, status = nudge_answers.answer_context(session, actor.person_id, NUDGE_KIND, message, goal_id)
        if not own:
            return None
        if status is None:
            raise UserError("That goal is no longer yours to answer for.")
        key = _nudge_key(actor, message_ts, goal_id, outcome)
        goal = queries.owned_goal(session, actor.person_id, goal_id)
        assert goal is not None
        was = goal.status
        if not _record_goal_answer(session, actor, goal, answer, key, now, message_ts):
            return False
        if coach is not None:
            plan_need_help_alert(session, actor, coach, goal, message_ts, now)
        if answer == NudgeAnswer.SNOOZED:
            person = session.get(Person, actor.person_id)
            assert person is not None
            plan_snooze(session, person, goal_id, message_ts, now)
        if goal.status != was:  # closed: it leaves the nudge row; any other answer moves no nudge
            session.flush()
            replan_person(session, actor.person_id, now)
        return True


def _record_only(
    services: Services,
    actor: Actor,
    goal_id: int,
    answer: NudgeAnswer,
    message: tuple[str, str],
    now: datetime,
    outcome: bool,
) -> bool | None:
    channel, message_ts = message
    key = _nudge_key(actor, message_ts, goal_id, outcome)
    recorded = services.db.write(
        lambda connection: nudge_answers.record_answer_to_own_nudge(
            connection, NUDGE_KIND, channel, team_id=actor.team_id, person_id=actor.person_id, goal_id=goal_id,
            answer=answer, note="", private=False, message_ts=message_ts, created_at=now, request_key=key,
        )
    )  # fmt: skip
    if recorded is not None:
        return True
    # Nothing recorded (rare): answered before, or not this person's nudge or goal. Which one?
    with services.db.read() as session:
        own, status = nudge_answers.answer_context(session, actor.person_id, NUDGE_KIND, message, goal_id)
    if not own:
        return None
    if status is None:
        raise UserError("That goal is no longer yours to answer for.")
    return False


def is_own_nudge(services: Services, actor: Actor, channel: str, ts: str) -> bool:
    """Whether (channel, ts) is a nudge the app sent this person: a click may change nothing else."""
    with services.db.read() as session:
        return delivery_queries.sent_message_to(session, actor.person_id, NUDGE_KIND, channel, ts)


def answer_once_sent(
    services: Services,
    actor: Actor,
    goal_id: int,
    answer: NudgeAnswer,
    message: tuple[str, str],
    *,
    outcome: bool,
) -> bool | None:
    """A click that came before its nudge's row was marked sent (Slack shows a message before its
    answer has reached the dispatcher and been recorded): once the mark is there, recorded as
    answer_nudge records it. None if the message does not turn out to be the app's nudge to them.
    For after the ack: it waits, RECOGNIZE_WITHIN_SECONDS at most."""
    deadline = time.monotonic() + RECOGNIZE_WITHIN_SECONDS
    while not is_own_nudge(services, actor, *message):
        if time.monotonic() >= deadline:
            return None
        time.sleep(RECOGNIZE_STEP_SECONDS)
    return answer_nudge(services, actor, goal_id, answer, message, services.now(), outcome=outcome)


def message_answers(services: Services, actor: Actor, message_ts: str) -> dict[int, tuple[NudgeAnswer, str]]:
    """Each answered goal in a nudge message: its answer, and the line that replaces its buttons."""
    with services.db.read() as session:
        rows = nudge_answers.answers_in_message(session, actor.person_id, message_ts)
        keys = {row.goal_id: need_help_key(actor, message_ts, row.goal_id) for row in rows}
        helped = [keys[row.goal_id] for row in rows if row.answer == NudgeAnswer.NEED_HELP]
        alerts = queries.deliveries_by_key(session, helped) if helped else {}
    answers: dict[int, tuple[NudgeAnswer, str]] = {}
    for row in rows:
        seen = answers.get(row.goal_id)
        # The first answer stands; a note never replaces it, an outcome replaces "Close goal".
        if seen and not (seen[0] == NudgeAnswer.CLOSED and row.answer in _CLOSES_GOAL):
            continue
        number = row.number if row.answer == NudgeAnswer.NOT_ACHIEVED else None
        line = answer_line(row.answer, row.private, number)
        alert = alerts.get(keys[row.goal_id]) if row.answer == NudgeAnswer.NEED_HELP else None
        if alert is not None:
            line = need_help_line(alert.recipient, alert.due_at, actor.tz)
        answers[row.goal_id] = (row.answer, line)
    return answers


def answer_with_new_date(services: Services, actor: Actor, number: int, message: tuple[str, str]) -> bool:
    """ "Set a new date" saved from a nudge: its part shows the answer. False if the date is still past."""
    channel, ts = message
    now = services.now()
    with services.db.transaction() as session:
        goal = goal_queries.goal_by_number(session, actor.person_id, number)
        if goal is None or goal.target_date is None or goal.target_date < local_today(now, actor.tz):
            return False
        if not delivery_queries.sent_message_to(session, actor.person_id, NUDGE_KIND, channel, ts):
            return False
        key = _nudge_key(actor, ts, goal.id)
        return _record_goal_answer(session, actor, goal, NudgeAnswer.NEW_DATE, key, now, ts)


def redraw_nudge(services: Services, slack: SlackGateway, actor: Actor, message: tuple[str, str]) -> None:
    """Update the nudge at `message` after an answer given in a form (a note, a new date)."""
    drawn = redrawn_nudge(services, actor, *message)
    if drawn is not None:
        slack.redraw_message(*message, drawn[0], drawn[1])


def keep_nudge_as_shown(
    services: Services, actor: Actor, message: tuple[str, str], text: str, blocks: list[dict[str, Any]]
) -> None:
    """Keep the nudge as Slack shows it when a button opens a form: the submission does not carry the
    message, and its answer must then replace only that goal's buttons."""
    with services.db.transaction() as session:
        row = delivery_queries.sent_message(session, actor.person_id, NUDGE_KIND, *message)
        if row is not None:
            delivery_queries.note_shown(session, row.id, text, blocks)


def redrawn_nudge(
    services: Services, actor: Actor, channel: str, ts: str
) -> tuple[str, list[dict[str, Any]]] | None:
    """The nudge at (channel, ts) as last kept, with every answer so far; None if it is not this
    person's nudge or was never kept."""
    with services.db.read() as session:
        row = delivery_queries.sent_message(session, actor.person_id, NUDGE_KIND, channel, ts)
        shown = DeliveryInfo.parse_payload(row.payload) if row is not None else {}
    text, blocks = shown.get("shown_text"), shown.get("shown_blocks")
    if not isinstance(text, str) or not isinstance(blocks, list):
        return None
    return text, answered_blocks(blocks, message_answers(services, actor, ts))


def add_note(
    services: Services,
    actor: Actor,
    note: str,
    *,
    private: bool,
    request_key: str,
    now: datetime,
    goal_id: int | None = None,
    message_ts: str | None = None,
    wellbeing: int | None = None,
    answer: NudgeAnswer = NudgeAnswer.NOTE,
) -> CheckinResult:
    """Save a note or a /checkin (once per request); low well-being brings the support text."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise UserError(f"That note is {len(note)} characters; please keep it to {NOTE_MAX} or fewer.")
    if answer == NudgeAnswer.NOTE and not note:
        raise UserError("Write a few words: `/checkin Finished the cardio block, feeling steadier`.")
    with services.db.transaction() as session:
        if goal_id is not None and queries.owned_goal(session, actor.person_id, goal_id) is None:
            raise UserError("That goal is no longer yours to add a note to.")
        new_id = queries.record(
            session,
            team_id=actor.team_id,
            person_id=actor.person_id,
            goal_id=goal_id,
            answer=answer,
            wellbeing=wellbeing,
            note=note,
            private=private,
            message_ts=message_ts,
            created_at=now,
            request_key=request_key,
        )
        seen = queries.by_request_key(session, request_key)
        assert seen is not None
        low = seen.wellbeing is not None and seen.wellbeing <= LOW_WELLBEING
        support = support_text_for(session, actor.team_id) if low else None
        return CheckinResult(seen.id, new_id is not None, support)


def record_goal_statuses(
    services: Services,
    actor: Actor,
    statuses: dict[int, NudgeAnswer],
    request_key: str,
    now: datetime,
    *,
    withheld: bool = False,
) -> str | None:
    """The per-goal answers of a /checkin (by goal number); each recorded once, Done closes the goal.

    A "need help" alerts the coach; returns the line saying when they will see it, if one did.
    `withheld`: the check-in's well-being was low, so its answers wait for the coachee's yes (and
    alert nobody now; a yes alerts the coach and shows them the answers)."""
    helped = NudgeAnswer.NEED_HELP in statuses.values() and not withheld
    coach = coach_of(services, actor) if helped else None
    told: datetime | None = None
    with services.db.transaction() as session:
        for number, answer in statuses.items():
            goal = goal_queries.goal_by_number(session, actor.person_id, number)
            if goal is None:
                continue
            key = f"{request_key}:goal:{goal.id}"
            _record_goal_answer(session, actor, goal, answer, key, now, withheld=withheld)
            if answer == NudgeAnswer.NEED_HELP and coach is not None:
                told = plan_need_help_alert(session, actor, coach, goal, request_key, now)
        session.flush()
        replan_person(session, actor.person_id, now)
    return need_help_line(coach, told, actor.tz) if coach is not None and told is not None else None


def answer_coach_question(
    services: Services, actor: Actor, checkin_id: int, tell: bool, now: datetime
) -> bool:
    """Store "tell my coach" or "no thanks" once; True if a coach was (newly) alerted."""
    coach = coach_of(services, actor) if tell else None
    with services.db.transaction() as session:
        stored = queries.give_consent(session, actor.person_id, checkin_id, tell)
        if not (stored and coach):
            return False
        reason = "checked in with low well-being and would like you to know"
        return plan_coach_alert(session, actor, coach, reason, now)


def goal_for_note(services: Services, actor: Actor, goal_id: int) -> GoalInfo:
    with services.db.transaction() as session:
        goal = queries.owned_goal(session, actor.person_id, goal_id)
        if goal is None:
            raise UserError("That goal is no longer yours to add a note to.")
        return goal_info(goal)


# What each nudge button records (handlers route on the action id; the answer is ours).
NUDGE_ANSWERS = {
    CheckinAction.NUDGE_ON_TRACK: NudgeAnswer.ON_TRACK,
    CheckinAction.NUDGE_NEED_HELP: NudgeAnswer.NEED_HELP,
    CheckinAction.NUDGE_DONE: NudgeAnswer.DONE,
    CheckinAction.NUDGE_SNOOZE: NudgeAnswer.SNOOZED,
    CheckinAction.OVERDUE_CLOSE: NudgeAnswer.CLOSED,
    CheckinAction.OUTCOME_DONE: NudgeAnswer.DONE,
    CheckinAction.OUTCOME_NOT_ACHIEVED: NudgeAnswer.NOT_ACHIEVED,
}
OUTCOME_ACTIONS = {CheckinAction.OUTCOME_DONE, CheckinAction.OUTCOME_NOT_ACHIEVED}
CHECKIN = NudgeAnswer.CHECKIN
