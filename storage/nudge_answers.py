"""Answers to nudge buttons: recorded only for the clicker's own goal in a nudge the app sent them,
checked, and read back to redraw the message. The 9:00 wave's path: built once, run in Core."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, Table, bindparam, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import Delivery, DeliveryStatus, Goal, GoalStatus
from storage.models.checkins import CheckIn
from storage.prepared import Prepared

_CHECKINS = CheckIn.__table__
assert isinstance(_CHECKINS, Table)
_SENT_TO_PERSON = exists().where(
    Delivery.person_id == bindparam("person_id"),
    Delivery.kind == bindparam("kind"),
    Delivery.status == DeliveryStatus.SENT,
    Delivery.message_channel == bindparam("channel"),
    Delivery.message_ts == bindparam("ts"),
)
_ANSWER_CONTEXT = select(
    _SENT_TO_PERSON,
    select(Goal.status)
    .where(Goal.id == bindparam("goal_id"), Goal.person_id == bindparam("person_id"))
    .scalar_subquery(),
)
# A nudge click that only records (On track): the insert itself checks that the message is the app's
# to this person and the goal theirs, so the one writer is held for one statement.
_ANSWER_COLUMNS = ("team_id", "person_id", "goal_id", "answer", "note", "private", "message_ts", "created_at",
                   "request_key")  # fmt: skip
_RECORD_ANSWER = {
    name: Prepared(
        insert(_CHECKINS)
        .from_select(
            list(_ANSWER_COLUMNS),
            select(*(bindparam(column, type_=_CHECKINS.c[column].type) for column in _ANSWER_COLUMNS)).where(
                _SENT_TO_PERSON,
                exists().where(Goal.id == bindparam("goal_id"), Goal.person_id == bindparam("person_id")),
            ),
        )
        .on_conflict_do_nothing(index_elements=["request_key"])
        .returning(_CHECKINS.c.id)
    )
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}

# A click's message update reads them: Core rows, no ORM objects.
_ANSWERS_IN_MESSAGE = (
    select(_CHECKINS.c.goal_id, _CHECKINS.c.answer, _CHECKINS.c.private, Goal.number)
    .select_from(_CHECKINS.join(Goal, Goal.id == _CHECKINS.c.goal_id))
    .where(_CHECKINS.c.person_id == bindparam("person_id"), _CHECKINS.c.message_ts == bindparam("ts"))
    .order_by(_CHECKINS.c.id)
)


def record_answer_to_own_nudge(connection: Connection, kind: str, channel: str, **values: Any) -> int | None:
    """Record a nudge answer if the message (`channel`, `message_ts`) is the app's `kind` row to this
    person and the goal is theirs, once per request key: the new id, or None (nothing recorded)."""
    stmt = _RECORD_ANSWER["postgresql" if connection.dialect.name == "postgresql" else "sqlite"]
    params = {**values, "kind": kind, "channel": channel, "ts": values["message_ts"]}
    rows = stmt.rows(connection, params)
    return rows[0][0] if rows else None


def answer_context(
    session: Session, person_id: int, kind: str, message: tuple[str, str], goal_id: int
) -> tuple[bool, GoalStatus | None]:
    """In one statement: whether the app sent this person the message (a `kind` row), and the
    status of their goal `goal_id` (None: not theirs)."""
    channel, ts = message
    params = {"person_id": person_id, "kind": kind, "channel": channel, "ts": ts, "goal_id": goal_id}
    own, status = session.connection().execute(_ANSWER_CONTEXT, params).one()
    return bool(own), None if status is None else GoalStatus(status)


def answers_in_message(session: Session, person_id: int, message_ts: str) -> list[Row[Any]]:
    """The goal answers given in one nudge message, oldest first: goal_id, answer, private, number."""
    params = {"person_id": person_id, "ts": message_ts}
    return list(session.connection().execute(_ANSWERS_IN_MESSAGE, params))
