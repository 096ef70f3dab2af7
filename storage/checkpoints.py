"""SQLite's write-ahead log copied back into the database file by a thread of its own.

By default SQLite does this inside the commit that fills the log past 1,000 pages: that request
then holds the one writer lock for the copy and its fsync (3-6 ms here against ~0.6 ms for a
`/goal add`), and every writer queued behind it waits too: the slowest 1% of requests. A
long-running process (`coachbot serve`, `worker`) checkpoints from this thread instead, without
taking the writer lock (PASSIVE: writers keep appending, readers keep reading), and a page written
many times between two checkpoints is copied once. Under steady writes that copy never catches up
with the log's end, and SQLite starts the log over only once it has: so when the log has grown
past RESTART_PAGES, the frames written during the copy are copied too, holding the writer lock
(a short copy, and the next write starts the log over). Connections keep a far larger automatic
threshold only as a backstop, for when no checkpointer runs (a CLI command, a stalled thread).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_SECONDS = 0.5
# A log this long (4 KiB pages) is finished under the writer lock, so the next write starts it over.
RESTART_PAGES = 1_000
# The backstop, in pages (4 KiB each): a commit checkpoints itself only past this.
BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000


class Checkpointer:
    """Checkpoints the database at `path` every `every` seconds until stopped. `writer`: holds the
    database's writer lock (this process's turn among its threads and processes) while inside."""

    def __init__(
        self,
        path: str,
        writer: Callable[[], AbstractContextManager[None]],
        every: float = CHECKPOINT_EVERY_SECONDS,
    ) -> None:
        self._path = path
        self._writer = writer
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="coachbot-wal-checkpoint", daemon=True)

    def start(self) -> Checkpointer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops after one last checkpoint, so a process that ends leaves a short log."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            while True:
                stopping = self._stop.wait(self._every)
                if checkpoint(connection)[0] >= RESTART_PAGES:
                    with self._writer():
                        checkpoint(connection)
                if stopping:
                    return
        finally:
            connection.close()


def checkpoint(connection: sqlite3.Connection) -> tuple[int, int]:
    """One PASSIVE checkpoint: it never waits for a reader or a writer (what they still need is
    copied next time). Returns the log's length and how much of it is now in the file, in pages
    (0, 0 when it failed: a failure is logged by kind only and tried again at the next turn)."""
    try:
        _busy, log_pages, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(log_pages), int(copied)
    except sqlite3.Error as error:
        log.warning("write-ahead log checkpoint failed (%s); trying again", type(error).__name__)
        return 0, 0
