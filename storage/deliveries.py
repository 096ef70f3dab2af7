"""The durable schedule: plan and cancel deliveries, and look up what was sent (sending: delivery_claims)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, CursorResult, Table, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.db import connection_of
from storage.models import Delivery, DeliveryStatus
from storage.prepared import Prepared

_TABLE = Delivery.__table__
assert isinstance(_TABLE, Table)
# Built once and run with many rows' values (executemany): a many-row VALUES clause was compiled
# anew on every call, and the dispatcher plans a batch of next nudges after every batch it sends.
_PLAN_MANY = {
    name: insert(_TABLE).on_conflict_do_nothing(index_elements=["dedupe_key"])
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def plan(
    session: Session,
    *,
    team_id: str,
    kind: str,
    recipient: str,
    due_at: datetime,
    dedupe_key: str,
    now: datetime,
    person_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Insert a pending delivery unless one with this dedupe key exists; True if inserted."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(Delivery)
        .values(
            team_id=team_id,
            kind=kind,
            recipient=recipient,
            person_id=person_id,
            due_at=due_at,
            dedupe_key=dedupe_key,
            payload=json.dumps(payload or {}, sort_keys=True),
            status=DeliveryStatus.PENDING,
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Delivery.id)
    )
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT DO NOTHING.
    return session.execute(stmt).first() is not None


def plan_many(unit: Session | Connection, rows: Sequence[dict[str, Any]], now: datetime) -> None:
    """`plan` for many rows in one go (each a dict of plan's keyword arguments but `now`)."""
    if not rows:
        return
    values = [
        {
            "person_id": None,
            **row,
            "payload": json.dumps(row.get("payload") or {}, sort_keys=True),
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "created_at": now,
        }
        for row in rows
    ]
    connection = connection_of(unit)  # below the ORM: what a Session holds goes first
    connection.execute(_PLAN_MANY[connection.dialect.name], values)


def cancel_pending(session: Session, *conditions: Any, reason: str = "cancelled") -> int:
    """Cancel pending (not yet claimed) deliveries matching the conditions; returns how many."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(Delivery)
        .where(Delivery.status == DeliveryStatus.PENDING, *conditions)
        .values(status=DeliveryStatus.CANCELLED, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


# Built once: a new goal moving its person's nudge row is on the `/goal add` path.
_RESCHEDULE = Prepared(
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("row_id"),
        or_(_TABLE.c.status == DeliveryStatus.PENDING, _TABLE.c.status == DeliveryStatus.CANCELLED),
    )
    .values(
        status=DeliveryStatus.PENDING, due_at=bindparam("due"), payload=bindparam("body"), last_error=None
    )
)


def reschedule(
    unit: Session | Connection, delivery_id: int, due_at: datetime, payload: dict[str, Any]
) -> None:
    """A pending (or cancelled) row due at a new time with a new payload; a claimed one is left alone."""
    params = {"row_id": delivery_id, "due": due_at, "body": json.dumps(payload, sort_keys=True)}
    _RESCHEDULE.rows(connection_of(unit), params)


def earliest_pending(session: Session, kinds: Sequence[str]) -> datetime | None:
    """When the first pending delivery of these kinds is due (None: none is pending)."""
    return session.scalar(
        select(func.min(Delivery.due_at)).where(
            Delivery.status == DeliveryStatus.PENDING, Delivery.kind.in_(list(kinds))
        )
    )


def by_ids(session: Session, ids: Sequence[int]) -> list[Delivery]:
    return list(session.scalars(select(Delivery).where(Delivery.id.in_(ids))))


def failures(session: Session, *conditions: Any) -> list[str]:
    """The kept errors of failed deliveries matching the conditions."""
    return [
        row.last_error or "unknown_error"
        for row in session.scalars(
            select(Delivery).where(Delivery.status == DeliveryStatus.FAILED, *conditions)
        )
    ]


def note_file(session: Session, delivery_id: int, file_id: str, alt_text: str) -> None:
    """Remember the file uploaded with a sent delivery (App Home shows the latest chart)."""
    row = session.get(Delivery, delivery_id)
    if row is None:
        return
    payload = json.loads(row.payload or "{}")
    payload.update(file_id=file_id, file_alt=alt_text)
    row.payload = json.dumps(payload, sort_keys=True)


def note_shown(session: Session, delivery_id: int, text: str, blocks: list[dict[str, Any]]) -> None:
    """Remember a sent message as Slack shows it now (to update it later from a form's answer)."""
    row = session.get(Delivery, delivery_id)
    if row is None:
        return
    payload = json.loads(row.payload or "{}")
    payload.update(shown_text=text, shown_blocks=blocks)
    row.payload = json.dumps(payload, sort_keys=True)


def latest_file(session: Session, person_id: int, kind: str) -> tuple[str, str] | None:
    """(file id, alt text) uploaded with the person's most recent sent delivery of `kind` that had one."""
    payloads = session.scalars(
        select(Delivery.payload)
        .where(
            Delivery.person_id == person_id,
            Delivery.kind == kind,
            Delivery.sent_at.is_not(None),
            Delivery.payload.contains('"file_id"'),
        )
        .order_by(Delivery.sent_at.desc(), Delivery.id.desc())
        .limit(1)
    ).all()
    for raw in payloads:
        payload = json.loads(raw or "{}")
        if payload.get("file_id"):
            return str(payload["file_id"]), str(payload.get("file_alt") or "")
    return None


def sent_message_to(session: Session, person_id: int, kind: str, channel: str, ts: str) -> bool:
    """Whether the app sent `person_id` a message of `kind` that Slack placed at (channel, ts)."""
    return sent_message(session, person_id, kind, channel, ts) is not None


def sent_message(session: Session, person_id: int, kind: str, channel: str, ts: str) -> Delivery | None:
    """The row of the message of `kind` the app sent `person_id` at (channel, ts), if it did."""
    return session.scalar(
        select(Delivery)
        .where(
            Delivery.person_id == person_id,
            Delivery.kind == kind,
            Delivery.status == DeliveryStatus.SENT,
            Delivery.message_channel == channel,
            Delivery.message_ts == ts,
        )
        .limit(1)
    )


def forget_mentions(session: Session, team_id: str, user_id: str) -> int:
    """Blank the rendered payload of every delivery that mentions `user_id` (a coach's summary parts
    quote their coachees): pending ones are cancelled, sent ones keep only their record."""
    mentions = or_(
        Delivery.payload.contains(f"<@{user_id}>", autoescape=True),
        Delivery.payload.contains(f"<@{user_id}|", autoescape=True),
        Delivery.payload.contains(f'"{user_id}"', autoescape=True),
    )
    where = (Delivery.team_id == team_id, mentions)
    session.execute(
        update(Delivery)
        .where(*where, Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.CANCELLED, last_error="person left")
        .execution_options(synchronize_session=False)
    )
    result: Any = session.execute(
        update(Delivery).where(*where).values(payload="{}").execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
