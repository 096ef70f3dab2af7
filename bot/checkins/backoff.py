"""Less noise: daily nudges left unanswered three times in a row ask whether weekly would suit better.

The question rides on the next nudge (**Switch to weekly**, **Keep daily**, **Pause for a week**);
any answer to a nudge ends the run, and so does the answer to the question itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, MarkdownTextObject, SectionBlock
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins.ids import CheckinAction
from bot.goals.nudge_plan import NUDGE_KIND, replan_person
from bot.platform.dates import local_today, short_date
from bot.platform.people import Actor
from bot.platform.services import Services
from bot.platform.text import escape_mrkdwn
from storage import checkins as queries
from storage import nudge_answers
from storage.models import Cadence, Goal
from storage.models.checkins import NudgeAnswer

UNANSWERED_BEFORE_ASKING = 3
PAUSE = timedelta(days=7)
QUESTION_BLOCK = "nudge_backoff"
ANSWER_BLOCK = "nudge_backoff_answer"
CHOICES = {
    CheckinAction.BACKOFF_WEEKLY: "weekly",
    CheckinAction.BACKOFF_KEEP: "daily",
    CheckinAction.BACKOFF_PAUSE: "pause",
}


def question_blocks(session: Session, person_id: int, daily: list[int]) -> list[Block]:
    """The back-off question for a nudge asking about the daily goals `daily`, when it is due."""
    if not daily:
        return []
    streak = queries.unanswered_in_a_row(session, person_id, NUDGE_KIND, UNANSWERED_BEFORE_ASKING)
    if streak < UNANSWERED_BEFORE_ASKING:
        return []
    value = " ".join(str(goal_id) for goal_id in daily)
    text = (
        "The last three daily check-ins went unanswered, and that is fine. "
        "*Would a weekly check-in suit you better?*"
    )
    return [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id=QUESTION_BLOCK,
            elements=[
                ButtonElement(text="Switch to weekly", action_id=CheckinAction.BACKOFF_WEEKLY, value=value),
                ButtonElement(text="Keep daily", action_id=CheckinAction.BACKOFF_KEEP, value=value),
                ButtonElement(text="Pause for a week", action_id=CheckinAction.BACKOFF_PAUSE, value=value),
            ],
        ),
    ]


def answer_backoff(
    services: Services, actor: Actor, choice: str, goal_ids: list[int], message: tuple[str, str]
) -> str | None:
    """Do what the button says, once per message; returns the line that replaces the question (the
    first answer's, for a repeat), or None when (channel, ts) is not this person's nudge."""
    now = services.now()
    with services.db.transaction() as session:
        own, _ = nudge_answers.answer_context(session, actor.person_id, NUDGE_KIND, message, 0)
        if not own:
            return None
        given = queries.backoff_answer(session, actor.person_id, message[1])
        if given is not None:
            return _line(session, actor, given, goal_ids, now)
        queries.record(
            session, team_id=actor.team_id, person_id=actor.person_id, goal_id=None,
            answer=NudgeAnswer.BACKOFF, note=choice, private=False, message_ts=message[1], created_at=now,
            request_key=f"{actor.team_id}:backoff:{message[1]}", coach_consent=None,
        )  # fmt: skip
        if choice == "weekly":
            for goal in _daily_goals(session, actor, goal_ids):
                goal.cadence, goal.updated_at = Cadence.WEEKLY, now
        elif choice == "pause":
            prefs = queries.prefs_for(session, actor.team_id, actor.person_id, now)
            prefs.paused_until, prefs.updated_at = local_today(now, actor.tz) + PAUSE, now
        session.flush()
        replan_person(session, actor.person_id, now)
        return _line(session, actor, choice, goal_ids, now)


def _daily_goals(session: Session, actor: Actor, goal_ids: list[int]) -> list[Goal]:
    return list(
        session.scalars(
            select(Goal)
            .where(Goal.id.in_(goal_ids), Goal.person_id == actor.person_id, Goal.cadence == Cadence.DAILY)
            .order_by(Goal.number)
        )
    )


def _line(session: Session, actor: Actor, choice: str, goal_ids: list[int], now: datetime) -> str:
    if choice == "weekly":
        goals = session.scalars(
            select(Goal).where(Goal.id.in_(goal_ids), Goal.person_id == actor.person_id).order_by(Goal.number)
        )
        named = ", ".join(f"#{g.number} {escape_mrkdwn(g.title)}" for g in goals)
        return f"🗓️ Switched to weekly check-ins: {named}."
    if choice == "pause":
        prefs = queries.find_prefs(session, actor.person_id)
        until = prefs.paused_until if prefs and prefs.paused_until else local_today(now, actor.tz) + PAUSE
        return f"⏸️ Paused: no check-ins until {short_date(until)}."
    return "👍 Keeping daily check-ins."


def answered_blocks(blocks: list[dict[str, Any]], line: str) -> list[dict[str, Any]]:
    """The nudge with its back-off buttons (and the question above them) replaced by the answer."""
    out: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("block_id") == QUESTION_BLOCK:
            if out and out[-1].get("type") == "section":
                out.pop()  # the question itself: the answer below says what was decided
            out.append(
                {"type": "section", "block_id": ANSWER_BLOCK, "text": {"type": "mrkdwn", "text": line}}
            )
        else:
            out.append(block)
    return out
