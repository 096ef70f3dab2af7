"""The one clock leases and due times are compared with.

On PostgreSQL that is the database server's clock, so workers on hosts whose clocks disagree still
agree on who holds a row; on SQLite (one host) and under a virtual clock (sandbox, tests) it is
the services' clock.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from bot.platform.clock import HostClock, system_clock
from bot.platform.services import Services
from storage.send_slots import db_now

log = logging.getLogger("bot.dispatch")

# A process clock further than this from the database's is reported in the log.
SKEW_WARNING_SECONDS = 5.0
SKEW_REPORT_EVERY_SECONDS = 600.0
_last_report = {"at": float("-inf")}
_report_lock = threading.Lock()


def uses_database_clock(services: Services) -> bool:
    real = services.clock is system_clock or isinstance(services.clock, HostClock)
    return real and services.db.engine.dialect.name == "postgresql"


def delivery_now(services: Services) -> datetime:
    """Now, for leases and due times (see the module docstring)."""
    if not uses_database_clock(services):
        return services.now()
    with services.db.read() as session:
        database = db_now(session)
    report_skew((services.now() - database).total_seconds())
    return database


def report_skew(seconds: float) -> None:
    """Say in the log, now and then, that this process's clock disagrees with the database's."""
    if abs(seconds) < SKEW_WARNING_SECONDS:
        return
    with _report_lock:
        if time.monotonic() - _last_report["at"] < SKEW_REPORT_EVERY_SECONDS:
            return
        _last_report["at"] = time.monotonic()
    direction = "ahead of" if seconds > 0 else "behind"
    log.warning(
        "this process's clock is %.0f s %s the database's: leases and due times follow the database's clock",
        abs(seconds),
        direction,
    )
