"""One SQLite writer at a time across this machine's coachbot processes, woken promptly.

SQLite's own busy handler sleeps in growing steps (up to 100 ms) instead of waking when the lock
frees, so two `coachbot serve` workers writing often lose most of their time asleep. An exclusive
flock on a file beside the database queues them in the kernel instead. It only orders our own
processes: SQLite's lock stays the real one, so another program writing the file is still safe.
"""

from __future__ import annotations

import fcntl
import os
import time

FIRST_PAUSE_SECONDS = 0.0002
LONGEST_PAUSE_SECONDS = 0.002


class WriterQueue:
    def __init__(self, database_path: str) -> None:
        self.path = f"{database_path}-writer"
        self._fd: int | None = None
        self._pid = 0

    def acquire(self, timeout: float) -> bool:
        """Take the lock within `timeout` seconds; False if another process kept it that long."""
        fd = self._own_fd()
        pause, deadline = FIRST_PAUSE_SECONDS, time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                pass
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE_SECONDS)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _own_fd(self) -> int:
        # A forked child shares its parent's open file, and with it the parent's flock: reopen.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd
