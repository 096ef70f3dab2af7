"""Group commit for the hot writes on SQLite: writes that come while another is under way share its
transaction and its commit.

SQLite has one writer. Under a burst every `/goal add` and nudge click queued for it, and each one
paid for its own lock hand-over, BEGIN and COMMIT while the others slept; the holder also waited for
the GIL behind its process's other threads at every statement. Here the thread that finds no write
under way leads: it runs its own write and those queued behind it (up to MAX_BATCH) in one
transaction, each in a savepoint of its own, so one that fails changes nothing and the others still
commit. Then it hands the lead to the first write that came meanwhile and returns. The others sleep
until their write is committed: its result, or its error, is theirs as if they had run it.
"""

from __future__ import annotations

import contextvars
import threading
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection

T = TypeVar("T")

# A batch holds the writer this many writes long at most: the rest wait for the next one.
MAX_BATCH = 8


@dataclass(eq=False)
class _Write:
    work: Callable[[Connection], Any]
    context: contextvars.Context  # the caller's (its request deadline), for its work on the leader's thread
    woken: threading.Event = field(default_factory=threading.Event)
    leads: bool = False
    done: bool = False
    result: Any = None
    error: BaseException | None = None


class WriteBatches:
    """`transaction()`: a write transaction yielding its Connection (Database.core_transaction).
    `expired()`: the error for a write whose caller's deadline passed before it started."""

    def __init__(
        self,
        transaction: Callable[[], AbstractContextManager[Connection]],
        expired: Callable[[], Exception],
        time_left: Callable[[], float | None],
    ) -> None:
        self._transaction = transaction
        self._expired = expired
        self._time_left = time_left
        self._lock = threading.Lock()
        self._waiting: deque[_Write] = deque()
        self._under_way = False

    def run(self, work: Callable[[Connection], T]) -> T:
        write = _Write(work, contextvars.copy_context())
        with self._lock:
            self._waiting.append(write)
            write.leads = not self._under_way
            self._under_way = True
        if not write.leads:
            self._wait(write)
        if not write.done:  # the lead was handed to this write
            self._run_batch()
        if write.error is not None:
            raise write.error
        return write.result

    def _wait(self, write: _Write) -> None:
        """Until the write is committed or given the lead; past the caller's deadline, a write not
        yet started is withdrawn (it changed nothing)."""
        if write.woken.wait(self._time_left()):
            return
        with self._lock:
            if not write.leads and write in self._waiting:
                self._waiting.remove(write)
                raise self._expired()
        write.woken.wait()  # taken into a batch, or given the lead, just as the wait ran out

    def _run_batch(self) -> None:
        with self._lock:
            batch = [self._waiting.popleft() for _ in range(min(MAX_BATCH, len(self._waiting)))]
        try:
            with self._transaction() as connection:
                if len(batch) == 1:  # alone: its error rolls the transaction back, as without batches
                    batch[0].result = batch[0].context.run(batch[0].work, connection)
                else:
                    for write in batch:
                        _run_in_savepoint(connection, write)
        except BaseException as error:  # BEGIN or COMMIT failed (or the lone write): nothing was written
            for write in batch:
                write.result, write.error = None, write.error or error
        finally:
            with self._lock:
                for write in batch:
                    write.done = True
                if self._waiting:
                    self._waiting[0].leads = True
                    self._waiting[0].woken.set()
                else:
                    self._under_way = False
            for write in batch:
                write.woken.set()


def _run_in_savepoint(connection: Connection, write: _Write) -> None:
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("SAVEPOINT batched_write")
    try:
        write.result = write.context.run(write.work, connection)
    except Exception as error:
        driver.execute("ROLLBACK TO batched_write")
        write.error = error
    finally:
        driver.execute("RELEASE batched_write")
