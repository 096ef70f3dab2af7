"""Sending from the durable schedule: claim due rows under a lease, keep it alive, settle each row once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Table, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from storage.deliveries import by_ids
from storage.models import Delivery, DeliveryStatus, Person

UNCONFIRMED = "sent, unconfirmed"
_TABLE = Delivery.__table__
assert isinstance(_TABLE, Table)


def _due(now: datetime) -> Any:
    return (
        (Delivery.status == DeliveryStatus.PENDING)
        & (Delivery.due_at <= now)
        & or_(Delivery.not_before.is_(None), Delivery.not_before <= now)
    )


def _expired(now: datetime) -> Any:
    return (Delivery.status == DeliveryStatus.CLAIMED) & (Delivery.lease_until < now)


def _locked_ids(session: Session, query: Any, *, skip_locked: bool = False) -> list[int]:
    """The ids `query` selects, locked on PostgreSQL (taken in the order the query gives)."""
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=skip_locked)
    return list(session.scalars(query))


def claim_due(
    session: Session,
    now: datetime,
    *,
    worker: str,
    lease: timedelta,
    limit: int,
    conditions: Sequence[Any] = (),
) -> list[Delivery]:
    """Atomically take up to `limit` due rows (matching `conditions`) for `worker` until now + lease,
    oldest due first.

    PostgreSQL: FOR UPDATE SKIP LOCKED, so workers never wait on each other's rows.
    SQLite: the transaction already holds the single write lock (BEGIN IMMEDIATE).
    Call `settle_abandoned` first: a row whose sender died mid-post is never taken again.
    """
    query = (
        select(Delivery.id)
        .where(or_(_due(now), _expired(now) & Delivery.posting_since.is_(None)), *conditions)
        .order_by(Delivery.due_at, Delivery.id)
        .limit(limit)
    )
    ids = _set_on_locked(
        session,
        query,
        status=DeliveryStatus.CLAIMED,
        lease_until=now + lease,
        claimed_by=worker,
        attempts=Delivery.attempts + 1,
        posting_since=None,
    )
    if not ids:
        return []
    return list(
        session.scalars(select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.due_at, Delivery.id))
    )


def settle_abandoned(session: Session, now: datetime, limit: int = 500) -> list[Delivery]:
    """Rows whose claim ran out while their post was in flight: Slack may have the message, so they
    are recorded as sent, unconfirmed, and never sent again."""
    query = (
        select(Delivery.id)
        .where(_expired(now), Delivery.posting_since.is_not(None))
        .order_by(Delivery.id)
        .limit(limit)
    )
    ids = _set_on_locked(
        session,
        query,
        status=DeliveryStatus.SENT,
        sent_at=now,
        lease_until=None,
        last_error=f"{UNCONFIRMED}: its sender stopped while the post was in flight",
    )
    return by_ids(session, ids) if ids else []


def _set_on_locked(session: Session, query: Any, **values: Any) -> list[int]:
    """Lock the rows `query` selects (skipping rows another worker holds) and set `values` on them;
    returns their ids."""
    ids = _locked_ids(session, query, skip_locked=True)
    if ids:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return ids


def person_zones(session: Session, person_ids: Sequence[int]) -> dict[int, str]:
    """Each person's time zone, by id."""
    if not person_ids:
        return {}
    rows = session.execute(select(Person.id, Person.tz).where(Person.id.in_(set(person_ids))))
    return {person_id: tz for person_id, tz in rows}


def renew_leases(session: Session, worker: str, until: datetime) -> int:
    """The heartbeat: every row `worker` still holds is held until `until`; returns how many."""
    # Rows are locked in id order, as every other many-row update here does: no deadlocks.
    mine = (
        select(Delivery.id)
        .where(Delivery.status == DeliveryStatus.CLAIMED, Delivery.claimed_by == worker)
        .order_by(Delivery.id)
    )
    ids = _locked_ids(session, mine)
    if not ids:
        return 0
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(Delivery)
        .where(Delivery.id.in_(ids), Delivery.claimed_by == worker)
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


# Built once, run in Core: every post marks its row (a few rows to a transaction).
_CLAIMS = (
    select(_TABLE.c.id, _TABLE.c.lease_until)
    .where(
        _TABLE.c.id.in_(bindparam("ids", expanding=True)),
        _TABLE.c.status == DeliveryStatus.CLAIMED,
        _TABLE.c.claimed_by == bindparam("worker"),
    )
    .order_by(_TABLE.c.id)  # the lock order of every many-row update (PostgreSQL)
)
_CLAIMS_LOCKED = _CLAIMS.with_for_update()
_MARK_POSTING = update(_TABLE).where(_TABLE.c.id == bindparam("row_id")).values(posting_since=bindparam("at"))


def mark_posting(session: Session, until: Mapping[int, datetime], worker: str) -> set[int]:
    """Mark rows as leaving now, if `worker` still holds each past its own time in `until` (row id:
    when its post must have finished); returns those ids.

    Only rows returned here may be posted: a claim lost in the meantime is never sent twice."""
    connection = session.connection()
    query = _CLAIMS_LOCKED if connection.dialect.name == "postgresql" else _CLAIMS
    claims = connection.execute(query, {"ids": list(until), "worker": worker})
    held = [row_id for row_id, lease_until in claims if lease_until and lease_until > until[row_id]]
    if held:
        connection.execute(_MARK_POSTING, [{"row_id": row_id, "at": until[row_id]} for row_id in held])
    return set(held)


def _settle(session: Session, delivery_id: int, worker: str, **values: Any) -> bool:
    """Update a row only while this worker still holds its claim (a lost lease loses the race)."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.status == DeliveryStatus.CLAIMED,
            Delivery.claimed_by == worker,
        )
        .values(lease_until=None, posting_since=None, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def mark_sent(
    session: Session, delivery_id: int, worker: str, *, channel: str, ts: str, now: datetime
) -> bool:
    return _settle(
        session,
        delivery_id,
        worker,
        status=DeliveryStatus.SENT,
        sent_at=now,
        message_channel=channel,
        message_ts=ts,
    )


def mark_sent_many(session: Session, worker: str, sent: Sequence[tuple[int, str, str]], now: datetime) -> int:
    """mark_sent for many (id, channel, ts) in one statement; returns how many this worker still held."""
    if not sent:
        return 0
    table = Delivery.__table__
    assert isinstance(table, Table)
    stmt = (
        update(table)
        .where(
            table.c.id == bindparam("row_id"),
            table.c.status == DeliveryStatus.CLAIMED,
            table.c.claimed_by == worker,
        )
        .values(
            status=DeliveryStatus.SENT,
            sent_at=bindparam("sent_at_value"),
            message_channel=bindparam("channel"),
            message_ts=bindparam("ts"),
            lease_until=None,
            posting_since=None,
        )
    )
    params = [
        {"row_id": row_id, "channel": channel, "ts": ts, "sent_at_value": now}
        for row_id, channel, ts in sorted(sent)  # id order: the lock order of every many-row update
    ]
    result = session.connection().execute(stmt, params)
    return int(result.rowcount or 0)


def mark_failed(session: Session, delivery_id: int, worker: str, error: str) -> bool:
    return _settle(session, delivery_id, worker, status=DeliveryStatus.FAILED, last_error=error)


def mark_skipped(session: Session, delivery_id: int, worker: str, reason: str) -> bool:
    return _settle(session, delivery_id, worker, status=DeliveryStatus.SKIPPED, last_error=reason)


def retry_at(
    session: Session,
    delivery_id: int,
    worker: str,
    not_before: datetime,
    error: str,
    *,
    refund_attempt: bool = False,
) -> bool:
    """Put the row back as pending, not before `not_before` (Retry-After, or a backoff); its due
    time stays, so it keeps its place in line.

    `refund_attempt`: the try was not the row's fault (a 429, a hand-back), so it does not count.
    """
    extra: dict[str, Any] = {"attempts": Delivery.attempts - 1} if refund_attempt else {}
    return _settle(
        session,
        delivery_id,
        worker,
        status=DeliveryStatus.PENDING,
        not_before=not_before,
        claimed_by=None,
        last_error=error,
        **extra,
    )


def wait_together(session: Session, ids: Sequence[int], not_before: datetime) -> None:
    """Pending rows among `ids` wait until `not_before`, whatever their own backoff said."""
    session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids), Delivery.status == DeliveryStatus.PENDING)
        .values(not_before=not_before)
        .execution_options(synchronize_session=False)
    )


def mark_unconfirmed(session: Session, delivery_id: int, worker: str, reason: str, now: datetime) -> bool:
    """Slack may have posted it (a timeout after the request left): never send it again."""
    return _settle(
        session,
        delivery_id,
        worker,
        status=DeliveryStatus.SENT,
        sent_at=now,
        last_error=f"{UNCONFIRMED}: {reason}",
    )


def next_due_at(session: Session) -> datetime | None:
    """When the next pending delivery, or the next expiring lease, falls due."""
    pending = session.scalar(
        select(func.min(func.coalesce(Delivery.not_before, Delivery.due_at))).where(
            Delivery.status == DeliveryStatus.PENDING
        )
    )
    leased = session.scalar(
        select(func.min(Delivery.lease_until)).where(Delivery.status == DeliveryStatus.CLAIMED)
    )
    times = [t for t in (pending, leased) if t is not None]
    return min(times) if times else None
