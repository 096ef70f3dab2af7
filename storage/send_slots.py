"""The database's clock, and send slots every dispatcher shares (one workspace rate for all)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Table, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from storage.models import SendSlot
from storage.models.deliveries import WORKSPACE_SLOT


def db_now(session: Session) -> datetime:
    """The database server's time (clock_timestamp(), not the transaction's start), aware UTC."""
    value = session.execute(text("SELECT clock_timestamp()")).scalar_one()
    assert isinstance(value, datetime)
    return value.astimezone(UTC)


def take_many(
    session: Session,
    team: str,
    channels: list[str],
    interval: float,
    channel_interval: float,
    horizon: float,
) -> tuple[datetime, list[float | None]]:
    """Reserve sends for workspace `team`, one per entry of `channels`, in order: the database's
    time when the slots were read, and for each send the seconds after it at which it may start
    (within `horizon`), or None (ask again later). One transaction for many sends; the slot rows
    are locked until the commit. PostgreSQL only."""
    _soft(session)
    now = db_now(session)
    keys = sorted({WORKSPACE_SLOT, *channels})  # one lock order for every process: no deadlocks
    session.execute(
        pg_insert(SendSlot)
        .values([{"team_id": team, "channel": key, "next_at": now} for key in keys])
        .on_conflict_do_nothing(index_elements=["team_id", "channel"])
    )
    slots = {
        slot.channel: slot.next_at
        for slot in session.scalars(
            select(SendSlot)
            .where(SendSlot.team_id == team, SendSlot.channel.in_(keys))
            .order_by(SendSlot.channel)
            .with_for_update()
        )
    }
    starts: list[float | None] = []
    step = timedelta(seconds=interval)
    for channel in channels:
        previous = slots[WORKSPACE_SLOT]
        # From the slot that was due (no drift), but from now after an idle spell: no burst.
        base = previous if (now - previous) < step else now
        start = max(base, slots[channel])
        if (start - now).total_seconds() > horizon:
            starts.append(None)
            continue
        starts.append(max(0.0, (start - now).total_seconds()))
        slots[WORKSPACE_SLOT] = start + step
        slots[channel] = start + timedelta(seconds=channel_interval)
    table = SendSlot.__table__
    assert isinstance(table, Table)
    session.connection().execute(
        update(table)
        .where(table.c.team_id == team, table.c.channel == bindparam("slot_channel"))
        .values(next_at=bindparam("slot_at")),
        [{"slot_channel": key, "slot_at": slots[key]} for key in keys],
    )
    return now, starts


def hold_back(session: Session, team: str, seconds: float) -> None:
    """Slack said 429: no process sends in this workspace for `seconds`."""
    _soft(session)
    until = db_now(session) + timedelta(seconds=seconds)
    session.execute(
        pg_insert(SendSlot)
        .values(team_id=team, channel=WORKSPACE_SLOT, next_at=until)
        .on_conflict_do_update(
            index_elements=["team_id", "channel"], set_={"next_at": until}, where=SendSlot.next_at < until
        )
    )


def push_channel(session: Session, team: str, channel: str, seconds: float) -> None:
    """A post to `channel` has come back: its next send waits `seconds` from now (a slot taken
    earlier may have started late)."""
    _soft(session)
    until = db_now(session) + timedelta(seconds=seconds)
    session.execute(
        update(SendSlot)
        .where(SendSlot.team_id == team, SendSlot.channel == channel, SendSlot.next_at < until)
        .values(next_at=until)
    )


def prune(session: Session, older_than: datetime) -> None:
    """Forget channel slots long past (one row per channel would otherwise pile up)."""
    session.execute(
        SendSlot.__table__.delete().where(SendSlot.next_at < older_than, SendSlot.channel != WORKSPACE_SLOT)  # type: ignore[attr-defined]
    )


def _soft(session: Session) -> None:
    # Slots are pacing hints, not records: a commit need not wait for the disk (a crash forgets a
    # few, and the next send just takes a fresh one). This keeps a slot to about a millisecond.
    session.execute(text("SET LOCAL synchronous_commit TO OFF"))
