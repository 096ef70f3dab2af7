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
# Slots are spaced for 2% under the cap: on a busy host a send starts after its slot (scheduling),
# and sends held up together leave together; measured at Slack (bench/dispatch.py --only workers,
# load 15 on 2 cores) 1% left a minute of three workers' posts exactly at the cap.
CAP_SHARE = 0.98
# How long one reading of the database's clock against this process's is trusted as the best.
CALIBRATION_SECONDS = 60.0


class SharedPacer:
    """Pacer's interface over the send_slots table: N workers together keep one workspace rate
    (`cap` messages a second; None: only the per-channel second) and 1 message/s per channel."""

    def __init__(self, db: Database, cap: float | None) -> None:
        self.db = db
        self.cap = cap
        self._pruned = time.monotonic()
        self._clocks = ClockPair()

    def rate(self, team: str) -> float | None:
        return self.cap

    def take(self, team: str, channel: str) -> float:
        """0.0 when a send may start now (the slot is taken), else the monotonic time to ask again."""
        start = self.take_many(team, [channel])[0]
        return time.monotonic() + 0.1 if start is None else (0.0 if start <= time.monotonic() else start)

    def take_many(self, team: str, channels: list[str]) -> list[float | None]:
        """Reserve sends for many channels in one transaction: each gets the monotonic time it may
        start (within a short horizon), or None to ask again later."""
        interval = 1.0 / (self.cap * CAP_SHARE) if self.cap else 0.0
        before = time.monotonic()
        with self.db.transaction() as session:
            db_time, offsets = send_slots.take_many(
                session,
                team,
                channels,
                interval,
                CHANNEL_INTERVAL_SECONDS,
                HORIZON_SECONDS,
            )
        after = time.monotonic()
        self._prune()
        # Slot times are the database's: map them onto this process's clock with its best reading of
        # the two, not with when this transaction happened to commit (which varies by tens of ms on
        # a busy host, and bunched sends together past the cap).
        at = self._clocks.monotonic_at(db_time.timestamp(), before, after)
        return [None if offset is None else at + offset for offset in offsets]

    def posted(self, team: str, channel: str) -> None:
        """See Pacer.posted: the channel's next send waits a second from now, for every process."""
        with self.db.transaction() as session:
            send_slots.push_channel(session, team, channel, CHANNEL_INTERVAL_SECONDS)

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


class ClockPair:
    """This process's monotonic clock against the database's, from the quickest recent round trip
    (its midpoint is off by at most half of it)."""

    def __init__(self) -> None:
        self._best: tuple[float, float, float] | None = None  # round trip, database - monotonic, when

    def monotonic_at(self, db_epoch: float, before: float, after: float) -> float:
        """The monotonic time of `db_epoch`, read by a transaction between `before` and `after`
        (so it lies between them, whatever an old reading says)."""
        trip, skew = after - before, db_epoch - (before + after) / 2
        best = self._best
        if best is None or trip <= best[0] or after - best[2] > CALIBRATION_SECONDS:
            self._best = best = (trip, skew, after)
        return max(before, min(after, db_epoch - best[1]))
