"""/healthz's database probe: a writable database passes; a locked or read-only one is reported
within a second."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from bot.platform.health import database_problem
from storage.db import Database
from storage.migrate import upgrade


def test_a_writable_database_is_healthy_and_a_locked_one_is_reported_within_a_second(tmp_path: Path) -> None:
    path = tmp_path / "health.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine)
    assert database_problem(db) is None
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    started = time.monotonic()
    problem = database_problem(db)
    assert time.monotonic() - started < 1.0
    assert problem is not None and "lock" in problem
    holder.execute("ROLLBACK")
    holder.close()
    db.dispose()


def test_a_read_only_database_is_not_healthy(tmp_path: Path) -> None:
    path = tmp_path / "health.db"
    writable = Database(f"sqlite:///{path}")
    upgrade(writable.engine)
    writable.dispose()
    # Opened read-only, as on a read-only volume (chmod would not stop this test's root user).
    db = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert database_problem(db) == "read-only"
    db.dispose()
