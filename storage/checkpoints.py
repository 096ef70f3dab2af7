"""SQLite's write-ahead log copied back into the database file by a thread of its own.

By default SQLite does this inside the commit that fills the log past 1,000 pages: that request
then holds the one writer lock for the copy and its fsync (3-6 ms here against ~0.6 ms for a
`/goal add`), and every writer queued behind it waits too: the slowest 1% of requests. A
long-running process (`coachbot serve`, `worker`) checkpoints from this thread instead, without
taking the writer lock (PASSIVE: writers keep appending, readers keep reading), and a page written
many times between two checkpoints is copied once. Connections keep a far larger automatic
threshold only as a backstop, for when no checkpointer runs (a CLI command, a stalled thread).
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_SECONDS = 0.5
# The backstop, in pages (4 KiB each): a commit checkpoints itself only past this.
BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000


class Checkpointer:
    """Checkpoints the database at `path` every `every` seconds until stopped."""

    def __init__(self, path: str, every: float = CHECKPOINT_EVERY_SECONDS) -> None:
        self._path = path
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
                checkpoint(connection)
                if stopping:
                    return
        finally:
            connection.close()


def checkpoint(connection: sqlite3.Connection) -> None:
    """One PASSIVE checkpoint: it never waits for a reader or a writer (what they still need is
    copied next time). A failure is logged by kind only and tried again at the next turn."""
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except sqlite3.Error as error:
        log.warning("write-ahead log checkpoint failed (%s); trying again", type(error).__name__)
