"""Queries behind `coachbot deliveries`: counts, the oldest due, failures, and retrying one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.models import Delivery, DeliveryStatus


def counts(session: Session) -> list[tuple[str, str, int]]:
    """(kind, status, how many), by kind then status."""
    rows = session.execute(
        select(Delivery.kind, Delivery.status, func.count())
        .group_by(Delivery.kind, Delivery.status)
        .order_by(Delivery.kind, Delivery.status)
    )
    return [(kind, str(status), int(n)) for kind, status, n in rows]


def oldest_waiting(session: Session) -> Delivery | None:
    """The pending or claimed row due longest ago."""
    return session.scalars(
        select(Delivery)
        .where(Delivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.CLAIMED]))
        .order_by(Delivery.due_at, Delivery.id)
        .limit(1)
    ).first()


def failed(session: Session, limit: int) -> list[Delivery]:
    """Failed rows, newest due first."""
    return list(
        session.scalars(
            select(Delivery)
            .where(Delivery.status == DeliveryStatus.FAILED)
            .order_by(Delivery.due_at.desc(), Delivery.id.desc())
            .limit(limit)
        )
    )


def retry(session: Session, delivery_id: int, now: datetime) -> bool:
    """Make a failed row pending again, from now, with a fresh count of attempts."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.FAILED)
        .values(status=DeliveryStatus.PENDING, not_before=now, attempts=0, claimed_by=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
