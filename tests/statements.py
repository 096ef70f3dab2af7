"""Counting the SQL a piece of code sends, for the tests that hold a query count steady."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from storage.db import Database


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    """The statements sent inside the block: only the queries, not what every SQLite transaction
    sends first (PRAGMA busy_timeout, BEGIN)."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        if not args[2].startswith(("PRAGMA", "BEGIN")):
            statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
