"""Counting the SQL a piece of code sends, for the tests and benches that hold a query count steady.

On SQLite the count comes from the driver itself (sqlite3's trace callback): it sees every
statement SQLite runs, whichever road sent it (the ORM, Core, or a Prepared statement on the
driver's cursor, which SQLAlchemy's events never see). PostgreSQL runs every statement through
Core, so SQLAlchemy's before_cursor_execute event sees them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from storage.db import Database

# What every SQLite transaction sends around its work: the lock wait, BEGIN, COMMIT.
TRANSACTION_CONTROL = ("PRAGMA", "BEGIN", "SET LOCAL", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def statements_run(engine: Engine, seen: Callable[[str], None]) -> Iterator[None]:
    """Inside the block, `seen(sql)` for every statement the database runs, on the thread that runs
    it. Connections already checked out when the block starts are not watched."""
    if engine.dialect.name != "sqlite":

        def before_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            seen(statement)

        event.listen(engine, "before_cursor_execute", before_execute)
        try:
            yield
        finally:
            event.remove(engine, "before_cursor_execute", before_execute)
        return

    watching = True

    def traced(statement: str) -> None:
        if watching and not statement.startswith("--"):  # "--": a trigger's own statements
            seen(statement)

    def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        dbapi_connection.set_trace_callback(traced)

    def checkin(dbapi_connection: Any, _record: Any) -> None:
        if dbapi_connection is not None:
            dbapi_connection.set_trace_callback(None)

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    try:
        yield
    finally:
        watching = False
        event.remove(engine, "checkout", checkout)
        event.remove(engine, "checkin", checkin)


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    """The statements sent inside the block: only the queries, not the transaction control every
    SQLite transaction sends (PRAGMA busy_timeout, BEGIN, COMMIT)."""
    statements: list[str] = []

    def count(sql: str) -> None:
        if not sql.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(sql)

    with statements_run(db.engine, count):
        yield statements
