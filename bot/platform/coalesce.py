"""Coalescing repeated work per key, so a burst of changes costs one or two runs, not one each."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable

from bot.platform.request_errors import report_failure

log = logging.getLogger(__name__)


class Coalescer:
    """`run(key, fn, changed_at)` runs fn for key at most once per `min_interval` seconds, and
    never twice at once.

    `changed_at` is a time.monotonic() taken after the change was committed: a run that started
    later already sees it, so the request is dropped. A request that comes while a run is under
    way, or too soon after one, is folded into one more run at the end of the interval (on a timer
    thread, so no worker sleeps; with no interval, at once on the thread that ran). The last run
    always starts after the last change.
    """

    # Past this many keys, those whose last run is older than FORGET_AFTER seconds are forgotten:
    # a request's change is seconds old, so an older start can no longer cover it.
    MAX_KEYS = 4096
    FORGET_AFTER = 600.0

    def __init__(self, min_interval: float) -> None:
        self.min_interval = min_interval
        self._lock = threading.Lock()
        self._busy: set[Hashable] = set()  # running, or waiting on a timer
        self._again: set[Hashable] = set()
        self._last_start: dict[Hashable, float] = {}
        self._timers: dict[Hashable, threading.Timer] = {}
        self._closed = False

    def run(self, key: Hashable, fn: Callable[[], None], changed_at: float | None = None) -> bool:
        """True if this call ran fn; False if it was covered, folded, or deferred to a timer."""
        with self._lock:
            if self._closed:
                return False
            last = self._last_start.get(key, float("-inf"))
            if changed_at is not None and last > changed_at:
                return False
            if key in self._busy:
                self._again.add(key)
                return False
            self._busy.add(key)
            if len(self._last_start) > self.MAX_KEYS:
                self._forget_old(time.monotonic())
            wait = last + self.min_interval - time.monotonic()
            if wait > 0:
                self._defer(key, fn, wait)
                return False
        self._run_now(key, fn)
        return True

    def _defer(self, key: Hashable, fn: Callable[[], None], wait: float) -> None:
        timer = threading.Timer(wait, self._run_now, (key, fn))
        timer.daemon = True
        self._timers[key] = timer
        timer.start()

    def _run_now(self, key: Hashable, fn: Callable[[], None]) -> None:
        while True:
            with self._lock:
                self._timers.pop(key, None)
                if self._closed:
                    self._busy.discard(key)
                    return
                self._again.discard(key)
                self._last_start[key] = time.monotonic()
            try:
                fn()
            except Exception as error:
                report_failure(log, f"coalesced work for {key}", error)
            with self._lock:
                if key not in self._again or self._closed:
                    self._busy.discard(key)
                    return
                if self.min_interval > 0:
                    self._again.discard(key)
                    self._defer(key, fn, self.min_interval)
                    return

    def _forget_old(self, now: float) -> None:
        """Drop the start times no request can still need (called holding the lock)."""
        for key in [k for k, at in self._last_start.items() if now - at > self.FORGET_AFTER]:
            if key not in self._busy:
                del self._last_start[key]

    def close(self) -> None:
        """Cancel deferred runs (at shutdown)."""
        with self._lock:
            self._closed = True
            for timer in self._timers.values():
                timer.cancel()
            self._timers.clear()
