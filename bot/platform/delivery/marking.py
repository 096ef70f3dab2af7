"""Marking rows as posting just before their posts leave, for many sending threads in one transaction.

On SQLite every write waits for the one writer, and a write's share of the GIL stretches how long it
holds it: one transaction per post made the sending threads queue there. So a thread that finds no
marking under way takes the writer and marks every row asked for by then, its own included, while
the threads that asked meanwhile wait for its answer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.platform.services import Services
from storage import delivery_claims as claims


@dataclass
class _Asked:
    delivery_id: int
    now: datetime
    held: bool | None = None
    error: BaseException | None = None


class PostingMarks:
    """One pass's marks; `mark` may be called from any number of threads at once."""

    def __init__(self, services: Services, worker: str) -> None:
        self.services, self.worker = services, worker
        # A post needs this much claim left when it leaves, to finish before anyone may take the row.
        self.margin = timedelta(seconds=services.settings.send_timeout_seconds)
        self._changed = threading.Condition()
        self._asked: list[_Asked] = []
        self._marking = False

    def mark(self, delivery_id: int, now: datetime) -> bool:
        """The last look before a post leaves: True if the row is still ours with time left, and is
        now marked as leaving; else it has gone back for anyone (us included) to take at once."""
        mine = _Asked(delivery_id, now)
        with self._changed:
            self._asked.append(mine)
            while mine.held is None and mine.error is None and self._marking:
                self._changed.wait()
            lead = mine.held is None and mine.error is None  # and so no marking is under way
            if lead:
                self._marking = True
        if lead:
            self._mark_asked(mine)
        if mine.error is not None:
            raise mine.error
        return bool(mine.held)

    def _mark_asked(self, mine: _Asked) -> None:
        batch: list[_Asked] = []
        held: set[int] = set()
        error: BaseException | None = None
        try:
            with self.services.db.transaction() as session:
                # Taken once the writer is ours: rows asked for while we waited for it come along.
                with self._changed:
                    batch, self._asked = self._asked, []
                until = {asked.delivery_id: asked.now + self.margin for asked in batch}
                held = claims.mark_posting(session, until, self.worker)
                for asked in batch:
                    if asked.delivery_id not in held:
                        claims.retry_at(
                            session,
                            asked.delivery_id,
                            self.worker,
                            asked.now,
                            "handed back: its claim ran short",
                            refund_attempt=True,
                        )
        except BaseException as failed:  # every thread of the batch raises it, as if it had its own
            error = failed
        finally:
            with self._changed:
                if not batch:  # failed before taking the batch: only this thread learns of it
                    self._asked.remove(mine)
                    batch = [mine]
                for asked in batch:
                    asked.held, asked.error = asked.delivery_id in held, error
                self._marking = False
                self._changed.notify_all()
