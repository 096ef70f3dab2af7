"""The clock services read: the real one, or the sandbox's virtual one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


class HostClock:
    """The host's own clock, off by `offset`: what a machine whose clock drifted reads (tests
    simulate one). Like system_clock it is a real clock, so delivery leases use the database's."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset
