"""The health check's look at the database: can it be written, within a second?"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import text

from storage.db import Database, request_deadline

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 0.8


def database_problem(db: Database, timeout: float = HEALTH_TIMEOUT_SECONDS) -> str | None:
    """None when a write would succeed now, else a short reason ("locked", "read-only" …).

    The probe rewrites Alembic's version row and rolls it back, waiting for locks no longer than a
    request would; it runs on its own thread so nothing else (a connection that hangs) holds the
    answer past `timeout` (the thread finishes on its own later)."""
    outcome: list[str | None] = []

    def probe() -> None:
        try:
            with (
                request_deadline(timeout * 0.75),
                db.engine.connect() as connection,
                connection.begin() as transaction,
            ):
                connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
                transaction.rollback()
            outcome.append(None)
        except Exception as error:  # the reason, not the traceback: it may name the database
            message = str(error).lower()
            reason = "read-only" if "readonly" in message or "read-only" in message else "cannot be written"
            if "locked" in message or "lock timeout" in message:
                reason = "locked by another writer"
            log.warning("health check: the database %s (%s)", reason, type(error).__name__)
            outcome.append(reason)

    thread = threading.Thread(target=probe, name="health-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    return outcome[0] if outcome else "too slow to answer (locked?)"
