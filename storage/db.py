"""Engine and session factory; SQLite gets WAL, foreign keys and write-ahead locking; a request's
waits for locks end at its deadline."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from storage.checkpoints import BACKSTOP_AUTOCHECKPOINT_PAGES, Checkpointer
from storage.write_batches import WriteBatches
from storage.writer_queue import WriterQueue

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Counts in the process's RSS once touched (file pages, shared, not heap): a bounded window.
SQLITE_MMAP_BYTES = 64 * 1024 * 1024
# A connection's busy timeout is reset only when a transaction wants one this different.
BUSY_STEP_MS = 100
_BUSY_MS = "coachbot_busy_timeout_ms"
READ_ONLY = "coachbot_read_only"
# Never wait less than this for a lock, even past the deadline: a free lock is taken at once anyway.
MIN_WAIT_SECONDS = 0.05
# While one of a process's threads writes to SQLite, its other threads hold back new work this long
# at most (see Database.yield_to_writer).
WRITER_FIRST_SECONDS = 0.005
# PostgreSQL: lock_not_available (lock_timeout) and query_canceled (statement_timeout).
_PG_BUSY = {"55P03", "57014"}

_deadline: ContextVar[float | None] = ContextVar("coachbot_request_deadline", default=None)


class DatabaseBusy(Exception):
    """A request could not have the database before its deadline; its transaction wrote nothing."""


@contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """Inside: every wait for the database (a lock, a statement) ends `seconds` from now with
    DatabaseBusy. Background work, outside any deadline, waits as long as it must."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def request_time_left() -> float | None:
    """Seconds until this request's deadline (at least MIN_WAIT_SECONDS); None outside a request."""
    deadline = _deadline.get()
    return None if deadline is None else max(MIN_WAIT_SECONDS, deadline - time.monotonic())


def make_engine(url: str, *, background_checkpoints: bool = False, **kwargs: Any) -> Engine:
    """Create an engine for `url`; SQLite connections are tuned for many threads and processes.
    `background_checkpoints`: a Checkpointer copies SQLite's log back, not the commits (see there)."""
    # A failed statement's parameters are people's words: errors and logs show the SQL only.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        # Enough pooled connections for the HTTP threads and dispatcher senders: a connection
        # beyond the pool is closed on return, and a new one pays for the pragmas again.
        kwargs.setdefault("pool_size", 24)
        # The connection used last has the warmest page cache: hand it out again first.
        kwargs.setdefault("pool_use_lifo", True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        _tune_sqlite(engine, BACKSTOP_AUTOCHECKPOINT_PAGES if background_checkpoints else None)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    _bound_postgresql_waits(engine)
    return engine


def _wait_ms(default_ms: int) -> int:
    left = request_time_left()
    return default_ms if left is None else int(left * 1000)


def _bound_postgresql_waits(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if request_time_left() is None:
            return  # background work keeps the server's defaults
        # SET LOCAL ends with the transaction, so the pooled connection goes back unchanged.
        wait = _wait_ms(0)
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {wait}")
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {wait}")


def _tune_sqlite(engine: Engine, autocheckpoint_pages: int | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Each connection keeps its own page cache, dropped whenever another connection wrote: with
        # many threads that is most transactions. Mapped pages refill it without read() copies.
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        # Deleted rows are overwritten with zeros, not left in free pages (a person's deleted words).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if autocheckpoint_pages is not None:
            cursor.execute(f"PRAGMA wal_autocheckpoint={autocheckpoint_pages}")
        _record.info[_BUSY_MS] = SQLITE_BUSY_TIMEOUT_MS
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Pooled connections serve requests and background jobs in turn: the wait is set when it
        # changes by more than a step (not on every transaction, which costs a statement each).
        wanted, current = _wait_ms(SQLITE_BUSY_TIMEOUT_MS), connection.info.get(_BUSY_MS)
        if current is None or abs(wanted - current) > BUSY_STEP_MS:
            _control(connection, f"PRAGMA busy_timeout={wanted}")
            connection.info[_BUSY_MS] = wanted
        # Writers take the lock up front (IMMEDIATE): a deferred transaction that later writes can
        # fail with "database is locked" without waiting. Readers never block anyone in WAL mode.
        _control(
            connection, "BEGIN" if connection.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE"
        )


def _control(connection: Any, sql: str) -> None:
    """Transaction control straight on the driver's connection: every transaction begins this way,
    and SQLAlchemy's statement machinery cost more than SQLite's work. Errors come out as
    SQLAlchemy's, as they would from a statement (a lock wait is then told apart the same way)."""
    try:
        connection.connection.driver_connection.execute(sql)
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, None, error, sqlite3.Error) from error


class Database:
    """The engine plus a session factory; services open one transaction per unit of work."""

    def __init__(self, url: str, *, background_checkpoints: bool = False, **engine_kwargs: Any) -> None:
        """`background_checkpoints`: for a long-running process (serve, worker): on a SQLite file, a
        thread of this process checkpoints its log, not the request whose commit fills it."""
        self.url = url
        self.engine = make_engine(url, background_checkpoints=background_checkpoints, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        # Per-database state a process keeps (the dispatcher's send pacer), dropped with it.
        self.process_state: dict[str, Any] = {}
        # SQLite has one writer, and a thread waiting in its busy handler sleeps in steps of up to
        # 100 ms instead of waking when the lock frees: threads of one process queue here instead.
        # Re-entrant, so a thread is never queued behind itself; but services never nest write
        # transactions: on SQLite the inner one's connection would wait for the outer one's lock.
        self._write_lock: threading.RLock | None = (
            threading.RLock() if self.engine.dialect.name == "sqlite" else None
        )
        path = self.engine.url.database
        file = path if self._write_lock is not None and path and path != ":memory:" else None
        self._writers = WriterQueue(file) if file and os.name == "posix" else None
        self._checkpointer = (
            Checkpointer(file, self._writer).start() if file and background_checkpoints else None
        )
        self._batches = (
            WriteBatches(
                self.core_transaction,
                lambda: DatabaseBusy("other writes held the database past the deadline"),
                request_time_left,
            )
            if self._write_lock is not None
            else None
        )
        self._write_depth = 0  # changed only by the thread holding _write_lock
        self._writing_thread: int | None = None  # the thread whose write holds SQLite's lock now
        self._no_write_under_way = threading.Event()
        self._no_write_under_way.set()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on any error
        (DatabaseBusy when a request's deadline passed waiting for a lock)."""
        with self._writer(), _busy_past_deadline(), self.sessions.begin() as session:
            yield session

    @contextmanager
    def core_transaction(self) -> Iterator[Connection]:
        """As transaction(), on a bare Core connection: for the hot writes (a nudge click, `/goal
        add`), no Session to build, flush and close under the writer lock (110 µs of CPU, not 140-185)."""
        with self._writer(), _busy_past_deadline(), self.engine.begin() as connection:
            yield connection

    def write(self, work: Callable[[Connection], T]) -> T:
        """`work` inside a core_transaction(), returning what it returns once committed. On SQLite
        the writes that come while one is under way share its transaction and commit (see
        storage/write_batches.py): `work` may run on another thread, in its caller's context, and
        must touch nothing but the connection and its arguments."""
        if self._batches is None:
            with self.core_transaction() as connection:
                return work(connection)
        return self._batches.run(work)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: on SQLite it takes no write lock and waits for no writer."""
        with _busy_past_deadline(), self.read_sessions.begin() as session:
            yield session

    @contextmanager
    def _writer(self) -> Iterator[None]:
        if self._write_lock is None:
            yield
            return
        left = request_time_left()
        if not self._write_lock.acquire(timeout=-1 if left is None else left):
            raise DatabaseBusy("another writer of this process held the database past the deadline")
        try:
            with self._other_processes_queued(), self._under_way():
                yield
        finally:
            self._write_lock.release()

    @contextmanager
    def _under_way(self) -> Iterator[None]:
        outermost = self._writing_thread is None
        if outermost:
            self._writing_thread = threading.get_ident()
            self._no_write_under_way.clear()
        try:
            yield
        finally:
            if outermost:
                self._writing_thread = None
                self._no_write_under_way.set()

    def yield_to_writer(self) -> None:
        """Called before a thread starts a piece of work (a request, a lazy listener, a Home tab):
        while another thread of this process writes to SQLite, wait for it, WRITER_FIRST_SECONDS at
        most. The writer gives up the GIL at every SQLite call and then waits for it behind threads
        doing Python work, and every writer on the machine waits with it: under load its ~1 ms of
        work held the lock 2-3 ms. A write is short, so what waits here loses little."""
        writer = self._writing_thread
        if writer is not None and writer != threading.get_ident():
            self._no_write_under_way.wait(WRITER_FIRST_SECONDS)

    @contextmanager
    def _other_processes_queued(self) -> Iterator[None]:
        """The outermost transaction of this process takes its turn among our other processes."""
        outermost = self._writers is not None and self._write_depth == 0
        if outermost and self._writers is not None:
            left = request_time_left()
            # Past its wait, background work goes on to SQLite's own busy handler, as before.
            if not self._writers.acquire(SQLITE_BUSY_TIMEOUT_MS / 1000 if left is None else left):
                if left is not None:
                    raise DatabaseBusy("another process held the database past the deadline")
                outermost = False
        self._write_depth += 1
        try:
            yield
        finally:
            self._write_depth -= 1
            if outermost and self._writers is not None:
                self._writers.release()

    def drop_deleted_pages(self) -> bool:
        """After erasing someone: copy the write-ahead log into the (zeroed) file and empty it, so the
        erased words are in neither. True when done (a reader holding an old snapshot can delay it;
        the next deletion, or SQLite's own checkpoints, finish it). PostgreSQL: see docs/privacy.md."""
        if not self.is_sqlite:
            return True
        # Outside any transaction (a checkpoint inside one is refused): the raw connection autocommits.
        # Inside a request it comes after the erasure committed: past the deadline it is left to the
        # next one (never DatabaseBusy, which would tell the person nothing was changed).
        try:
            with self._writer():
                connection = self.engine.raw_connection()
                try:
                    cursor = connection.cursor()
                    wait = _wait_ms(SQLITE_BUSY_TIMEOUT_MS)
                    cursor.execute(f"PRAGMA busy_timeout={wait}")
                    connection.info[_BUSY_MS] = wait
                    busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                    cursor.close()
                finally:
                    connection.close()
                return not busy
        except DatabaseBusy:
            return False

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.engine.dispose()


@contextmanager
def session_on(connection: Connection) -> Iterator[Session]:
    """An ORM Session inside a core_transaction(), for a rare branch of a hot path that needs one:
    it flushes at the end and leaves the commit (or the rollback) to the transaction."""
    session = Session(bind=connection, expire_on_commit=False)  # joins; never commits it
    try:
        yield session
        session.flush()
    finally:
        session.close()


def connection_of(unit: Session | Connection) -> Connection:
    """The Core connection of a unit of work; a Session first flushes what it holds, as it would
    before a statement of its own."""
    if isinstance(unit, Session):
        unit.flush()
        return unit.connection()
    return unit


@contextmanager
def _busy_past_deadline() -> Iterator[None]:
    """A request's lock wait that ran out becomes DatabaseBusy; everything else passes unchanged."""
    try:
        yield
    except OperationalError as error:
        if request_time_left() is None or not is_lock_wait(error):
            raise
        raise DatabaseBusy("the database stayed locked past the request's deadline") from error


def is_lock_wait(error: OperationalError) -> bool:
    """The database gave up waiting for a lock (SQLite busy, PostgreSQL lock or statement timeout)."""
    code = getattr(error.orig, "sqlite_errorname", None) or getattr(error.orig, "sqlstate", None)
    return code in {"SQLITE_BUSY", "SQLITE_LOCKED"} | _PG_BUSY
