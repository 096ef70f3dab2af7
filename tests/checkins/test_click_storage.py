"""The 9:00 wave's click is one guarded insert (SQLite and PostgreSQL): it records an answer only
about the clicker's own goal in a nudge the app sent them, and only once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.goals import service as goals
from bot.goals.service import GoalDraft
from bot.platform.people import Actor
from storage.db import Database
from storage.models import Delivery, DeliveryStatus, Goal
from storage.models.checkins import CheckIn, NudgeAnswer
from storage.nudge_answers import record_answer_to_own_nudge
from tests.platform.test_storage import NOW, make_actor


def sent_nudge(db: Database, actor: Actor, channel: str, ts: str) -> None:
    with db.transaction() as s:
        s.add(
            Delivery(
                team_id=actor.team_id, kind="nudge", recipient=actor.user_id, person_id=actor.person_id,
                due_at=NOW, dedupe_key=f"nudge:{actor.user_id}:{ts}", status=DeliveryStatus.SENT,
                message_channel=channel, message_ts=ts, created_at=NOW,
            )
        )  # fmt: skip


def goal_id(db: Database, actor: Actor, title: str) -> int:
    info, _ = goals.add_goal(db, actor, GoalDraft(title), NOW, None)
    with db.read() as s:
        return s.scalars(
            select(Goal.id).where(Goal.person_id == actor.person_id, Goal.number == info.number)
        ).one()


def click(db: Database, actor: Actor, goal: int, channel: str, ts: str, key: str) -> int | None:
    with db.core_transaction() as connection:
        return record_answer_to_own_nudge(
            connection, "nudge", channel, team_id=actor.team_id, person_id=actor.person_id, goal_id=goal,
            answer=NudgeAnswer.ON_TRACK, note="", private=False, message_ts=ts,
            created_at=datetime(2026, 11, 24, 15, 1, tzinfo=UTC), request_key=key,
        )  # fmt: skip


def test_only_ones_own_goal_in_ones_own_nudge_is_recorded_and_once(any_db: Database) -> None:
    randy, sam = make_actor(any_db, "U1"), make_actor(any_db, "U2")
    randys, sams = goal_id(any_db, randy, "Read one article"), goal_id(any_db, sam, "Finish the renal block")
    sent_nudge(any_db, randy, "D1", "100.1")
    sent_nudge(any_db, sam, "D2", "200.1")

    assert click(any_db, randy, randys, "D2", "200.1", "k1") is None  # Sam's nudge
    assert click(any_db, randy, sams, "D1", "100.1", "k2") is None  # Sam's goal, in Randy's nudge
    assert click(any_db, randy, randys, "D1", "999.9", "k3") is None  # a message the app never sent
    first = click(any_db, randy, randys, "D1", "100.1", "k4")
    assert first is not None
    assert click(any_db, randy, randys, "D1", "100.1", "k4") is None  # the same click again

    with any_db.read() as s:
        [answer] = s.scalars(select(CheckIn)).all()
    assert (answer.id, answer.person_id, answer.goal_id) == (first, randy.person_id, randys)
    assert (answer.answer, answer.message_ts, answer.coach_consent) == (NudgeAnswer.ON_TRACK, "100.1", None)
    assert answer.created_at == datetime(2026, 11, 24, 15, 1, tzinfo=UTC)
