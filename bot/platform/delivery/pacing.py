"""Send pacing: at most one message a second per channel and a per-workspace rate that a 429
halves and successes slowly restore. It hands out start times; it never sleeps anyone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# Slack allows about one message per second per channel; the margin keeps network jitter from
# landing two in the same second at Slack's end.
CHANNEL_INTERVAL_SECONDS = 1.05
MIN_RATE = 0.5
# After a 429 the rate climbs back by this share of the cap per successful send.
RECOVERY_SHARE = 0.02


class Pacer:
    """Thread-safe; `cap=None` lifts the workspace cap (the per-channel rule always holds)."""

    def __init__(self, cap: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.cap = cap
        self.clock = clock
        self._lock = threading.Lock()
        self._rate: dict[str, float] = {}
        self._workspace_next: dict[str, float] = {}
        self._channel_next: dict[str, float] = {}

    def rate(self, team: str) -> float | None:
        with self._lock:
            return self._rate_of(team)

    def _rate_of(self, team: str) -> float | None:
        return None if self.cap is None and team not in self._rate else self._rate.get(team, self.cap)

    def take(self, team: str, channel: str) -> float:
        """Reserve a send now if allowed (returns 0.0), else return the monotonic time to ask again."""
        with self._lock:
            now = self.clock()
            ready = max(self._workspace_next.get(team, 0.0), self._channel_next.get(channel, 0.0))
            if ready > now:
                return ready
            rate = self._rate_of(team)
            interval = 1.0 / rate if rate else 0.0
            previous = self._workspace_next.get(team, now)
            # From the slot that was due (no drift when we wake a little late), but from now after
            # an idle spell: idle time never builds up a burst.
            base = previous if now - previous < interval else now
            self._workspace_next[team] = base + interval
            self._channel_next[channel] = now + CHANNEL_INTERVAL_SECONDS
            return 0.0

    def posted(self, team: str, channel: str) -> None:
        """A post to `channel` has come back: the next waits a second from now, not only from when
        this one's slot began (its render and mark can take a while on a busy machine, and Slack
        counts from when the post arrives)."""
        with self._lock:
            later = self.clock() + CHANNEL_INTERVAL_SECONDS
            self._channel_next[channel] = max(self._channel_next.get(channel, 0.0), later)

    def slow_down(self, team: str, retry_after: float = 0.0) -> None:
        """Slack said 429: nothing more to this workspace for `retry_after`, then at half the rate."""
        with self._lock:
            current = self._rate_of(team) or (self.cap or 50.0)
            self._rate[team] = max(MIN_RATE, current / 2)
            held = self.clock() + retry_after
            self._workspace_next[team] = max(self._workspace_next.get(team, 0.0), held)

    def succeeded(self, team: str) -> None:
        with self._lock:
            if team not in self._rate:
                return
            ceiling = self.cap
            step = max(0.05, (ceiling or self._rate[team]) * RECOVERY_SHARE)
            raised = self._rate[team] + step
            if ceiling is not None and raised >= ceiling:
                self._rate[team] = ceiling
            elif ceiling is None and raised >= 1000:
                del self._rate[team]
            else:
                self._rate[team] = raised
