"""The database's clock, and send slots every dispatcher shares (one workspace rate for all)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from storage.models import SendSlot


def db_now(session: Session) -> datetime:
    """The database server's time (clock_timestamp(), not the transaction's start), aware UTC."""
    value = session.execute(text("SELECT clock_timestamp()")).scalar_one()
    assert isinstance(value, datetime)
    return value.astimezone(UTC)


def take(
    session: Session, workspace: str, channel: str, interval: float, channel_interval: float
) -> float:
    """Reserve a send now for `workspace` and `channel` (returns 0.0), or return the seconds to
    wait before asking again. PostgreSQL only: the slot rows are locked until the commit."""
    now = db_now(session)
    session.execute(
        pg_insert(SendSlot)
        .values([{"key": workspace, "next_at": now}, {"key": channel, "next_at": now}])
        .on_conflict_do_nothing(index_elements=["key"])
    )
    slots = {
        slot.key: slot.next_at
        for slot in session.scalars(
            select(SendSlot).where(SendSlot.key.in_([workspace, channel])).order_by(SendSlot.key).with_for_update()
        )
    }
    ready = max(slots[workspace], slots[channel])
    if ready > now:
        return (ready - now).total_seconds()
    previous = slots[workspace]
    # From the slot that was due (no drift), but from now after an idle spell: no burst builds up.
    base = previous if (now - previous).total_seconds() < interval else now
    _set(session, workspace, base + timedelta(seconds=interval))
    _set(session, channel, now + timedelta(seconds=channel_interval))
    return 0.0


def hold_back(session: Session, workspace: str, seconds: float) -> None:
    """Slack said 429: no process sends in this workspace for `seconds`."""
    until = db_now(session) + timedelta(seconds=seconds)
    session.execute(
        pg_insert(SendSlot)
        .values(key=workspace, next_at=until)
        .on_conflict_do_update(index_elements=["key"], set_={"next_at": until}, where=SendSlot.next_at < until)
    )


def prune(session: Session, older_than: datetime) -> None:
    """Forget channel slots long past (one row per channel would otherwise pile up)."""
    session.execute(
        SendSlot.__table__.delete().where(SendSlot.next_at < older_than, SendSlot.key.contains("/"))  # type: ignore[attr-defined]
    )


def _set(session: Session, key: str, at: datetime) -> None:
    session.execute(update(SendSlot).where(SendSlot.key == key).values(next_at=at))
