"""Engine and session factory; SQLite gets WAL, foreign keys and write-ahead locking."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_ONLY = "coachbot_read_only"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for `url`; SQLite connections are tuned for many threads and processes."""
    # A failed statement's parameters are people's words: errors and logs show the SQL only.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        # Enough pooled connections for the HTTP threads and dispatcher senders: a connection
        # beyond the pool is closed on return, and a new one pays for the pragmas again.
        kwargs.setdefault("pool_size", 24)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, not left in free pages (a person's deleted words).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the lock up front (IMMEDIATE): a deferred transaction that later writes can
        # fail with "database is locked" without waiting. Readers never block anyone in WAL mode.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The engine plus a session factory; services open one transaction per unit of work."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        # SQLite has one writer, and a thread waiting in its busy handler sleeps in steps of up to
        # 100 ms instead of waking when the lock frees: threads of one process queue here instead.
        # Re-entrant: a service may open a transaction inside another on the same thread.
        # Per-database state a process keeps (the dispatcher's send pacer), dropped with it.
        self.process_state: dict[str, Any] = {}
        self._write_lock: AbstractContextManager[Any] = (
            threading.RLock() if self.engine.dialect.name == "sqlite" else nullcontext()
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on any error."""
        with self._write_lock, self.sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: on SQLite it takes no write lock and waits for no writer."""
        with self.read_sessions.begin() as session:
            yield session

    def drop_deleted_pages(self) -> bool:
        """After erasing someone: copy the write-ahead log into the (zeroed) file and empty it, so the
        erased words are in neither. True when done (a reader holding an old snapshot can delay it;
        the next deletion, or SQLite's own checkpoints, finish it). PostgreSQL: see docs/privacy.md."""
        if not self.is_sqlite:
            return True
        # Outside any transaction (a checkpoint inside one is refused): the raw connection autocommits.
        with self._write_lock:
            connection = self.engine.raw_connection()
            try:
                cursor = connection.cursor()
                busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                cursor.close()
            finally:
                connection.close()
            return not busy

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()
