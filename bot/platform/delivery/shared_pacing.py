"""Send pacing shared by every dispatcher process: the slots live in the database (PostgreSQL)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from bot.platform.delivery.pacing import CHANNEL_INTERVAL_SECONDS
from storage import send_slots
from storage.db import Database

log = logging.getLogger("bot.dispatch")

PRUNE_EVERY_SECONDS = 600.0
# Sends are reserved at most this far ahead: a process holds few slots it might not use.
HORIZON_SECONDS = 0.5


class SharedPacer:
    """Pacer's interface over the send_slots table: N workers together keep one workspace rate
    (`cap` messages a second; None: only the per-channel second) and 1 message/s per channel."""

    def __init__(self, db: Database, cap: float | None) -> None:
        self.db = db
        self.cap = cap
        self._pruned = time.monotonic()

    def rate(self, team: str) -> float | None:
        return self.cap

    def take(self, team: str, channel: str) -> float:
        """0.0 when a send may start now (the slot is taken), else the monotonic time to ask again."""
        start = self.take_many(team, [channel])[0]
        return time.monotonic() + 0.1 if start is None else (0.0 if start <= time.monotonic() else start)

    def take_many(self, team: str, channels: list[str]) -> list[float | None]:
        """Reserve sends for many channels in one transaction: each gets the monotonic time it may
        start (within a short horizon), or None to ask again later."""
        interval = 1.0 / self.cap if self.cap else 0.0
        with self.db.transaction() as session:
            offsets = send_slots.take_many(
                session,
                team,
                channels,
                interval,
                CHANNEL_INTERVAL_SECONDS,
                HORIZON_SECONDS,
            )
        self._prune()
        clock = time.monotonic()
        return [None if offset is None else clock + offset for offset in offsets]

    def slow_down(self, team: str, retry_after: float = 1.0) -> None:
        with self.db.transaction() as session:
            send_slots.hold_back(session, team, max(retry_after, 1.0))

    def succeeded(self, team: str) -> None:
        """Nothing to restore: a 429's pause is held in the table and passes by itself."""

    def _prune(self) -> None:
        if time.monotonic() - self._pruned < PRUNE_EVERY_SECONDS:
            return
        self._pruned = time.monotonic()
        with self.db.transaction() as session:
            send_slots.prune(session, send_slots.db_now(session) - timedelta(minutes=10))
